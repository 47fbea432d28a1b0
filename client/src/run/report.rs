//! What a run reports: one graph's report, or the entries of several and their counts
//! ([`Answer`]), in the JSON every front door gives as is (the Lambda function's answer,
//! the command line's `--output json`); and the `error` object ([`ErrorDetail`]) a failed
//! graph carries, and an HTTP error body too.

use ges_api::types::{GraphId, GraphStatus, JobId, JobStatus, ProjectId};
use jiff::Timestamp;
use serde::{Serialize, Serializer};

use super::status::ErrorType;
use crate::fleet::SelectionFacts;
use crate::fleet::selector::Selector;
use crate::ges::error::{GesError, GraphError};
use crate::ges::report::{GraphReport, GraphTarget, Outcome};
use crate::schedule::Desired;
use crate::transport::retry::Attempts;

/// A successful answer.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// One graph: its report.
    Single(GraphReport),
    /// Several graphs.
    Batch(BatchAnswer),
}

/// One graph's entry in a batch answer: the graph, what the selection knows of it, and
/// its report or why there is none. In JSON, the report's fields and the selection's
/// side by side (`{"graph_id", ..., "outcome", ..., "name", "reason"}`), or
/// `{"graph_id", "project_id", "error": {...}}` for a failure.
#[derive(Debug)]
pub struct BatchEntry {
    /// The graph.
    pub target: GraphTarget,
    /// What the selection adds (nothing for a graph named by ID).
    pub facts: SelectionFacts,
    /// Its report, or why there is none.
    pub outcome: Result<GraphReport, GraphError>,
}

/// A reported entry as it is sent: the report's fields in their order, the selection's
/// after them, `reason` last as it always was.
#[derive(Serialize)]
struct ReportedEntry<'a> {
    graph_id: &'a GraphId,
    project_id: &'a ProjectId,
    job_id: &'a Option<JobId>,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_status: &'a Option<JobStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    graph_status: &'a Option<GraphStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: &'a Option<String>,
    #[serde(skip_serializing_if = "Attempts::at_most_one")]
    attempts: Attempts,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Tags<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    desired: Option<Desired>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_change: Option<NextChange>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: &'a Option<String>,
}

/// A listed graph's tags, as the answer gives them: an object, key to value, as a
/// selector's `tags`.
struct Tags<'a>(&'a [(String, String)]);

impl Serialize for Tags<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, value)| (key, value)))
    }
}

/// A schedule's next change, as the answer gives it.
#[derive(Serialize)]
struct NextChange {
    at: Rfc3339,
    desired: Desired,
}

/// A failed entry as it is sent.
#[derive(Serialize)]
struct FailedEntry<'a> {
    graph_id: &'a GraphId,
    project_id: &'a ProjectId,
    error: ErrorDetail,
}

impl Serialize for BatchEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.outcome {
            Ok(report) => ReportedEntry {
                schedule: self
                    .facts
                    .schedule
                    .as_ref()
                    .map(|facts| facts.name.as_str()),
                desired: self.facts.schedule.as_ref().and_then(|facts| facts.desired),
                next_change: self
                    .facts
                    .schedule
                    .as_ref()
                    .and_then(|facts| facts.next_change)
                    .map(|change| NextChange {
                        at: Rfc3339(change.at),
                        desired: change.desired,
                    }),
                graph_id: &report.graph_id,
                project_id: &report.project_id,
                job_id: &report.job_id,
                outcome: report.outcome,
                job_status: &report.job_status,
                graph_status: &report.graph_status,
                request_id: &report.request_id,
                attempts: report.attempts,
                name: &self.facts.name,
                tags: self.facts.tags.as_deref().map(Tags),
                reason: &report.reason,
            }
            .serialize(serializer),
            Err(error) => FailedEntry {
                graph_id: &self.target.graph_id,
                project_id: &self.target.project_id,
                error: ErrorDetail::of_stop(error),
            }
            .serialize(serializer),
        }
    }
}

/// The answer for several graphs, or for a fleet selection: one entry each, in the
/// order named (or listed), and the counts.
#[derive(Serialize)]
pub struct BatchAnswer {
    /// The instant a reconcile evaluated the schedules at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<Rfc3339>,
    /// The selectors of a fleet run, as given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selectors: Vec<Selector>,
    /// One entry per graph.
    pub results: Vec<BatchEntry>,
    /// How many graphs ended how.
    pub summary: Summary,
}

/// Only the counts: the runtime logs an error's `Debug`, and a thousand results would
/// flood that line.
impl std::fmt::Debug for BatchAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchAnswer")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// Counts per outcome; every key is always present, so that a log metric filter or a
/// dashboard need not guess.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Graphs named, or selected: the sum of the counts below.
    pub selected: usize,
    /// Stop jobs started.
    pub stopping: usize,
    /// Stop jobs that ended with success (with `wait`).
    pub stopped: usize,
    /// Graphs that were not running.
    pub already_stopped: usize,
    /// Graphs a fleet selection left alone (opted out, or in a status GES cannot stop).
    pub skipped: usize,
    /// Graphs a dry run would stop.
    pub would_stop: usize,
    /// Start jobs started (a schedule's period began).
    pub starting: usize,
    /// Graphs already running, as their schedule wants.
    pub already_running: usize,
    /// Graphs not as their schedule wants, rightly left so.
    pub unchanged: usize,
    /// Graphs a dry run would start.
    pub would_start: usize,
    /// Graphs whose stop was held while they serve requests (`spare_busy`).
    pub deferred: usize,
    /// Graphs that failed.
    pub failed: usize,
}

impl Summary {
    /// Counts the outcomes.
    pub fn of(results: &[BatchEntry]) -> Self {
        let mut summary = Self::default();
        for result in results {
            summary.add(result.outcome.as_ref().ok().map(|report| report.outcome));
        }
        summary
    }

    /// The counts of a run of one graph: its outcome, or `None` when it failed.
    pub fn of_one(outcome: Option<Outcome>) -> Self {
        let mut summary = Self::default();
        summary.add(outcome);
        summary
    }

    fn add(&mut self, outcome: Option<Outcome>) {
        self.selected += 1;
        *match outcome {
            Some(Outcome::Stopping) => &mut self.stopping,
            Some(Outcome::Stopped) => &mut self.stopped,
            Some(Outcome::AlreadyStopped) => &mut self.already_stopped,
            Some(Outcome::Skipped) => &mut self.skipped,
            Some(Outcome::WouldStop) => &mut self.would_stop,
            Some(Outcome::Starting) => &mut self.starting,
            Some(Outcome::AlreadyRunning) => &mut self.already_running,
            Some(Outcome::Unchanged) => &mut self.unchanged,
            Some(Outcome::WouldStart) => &mut self.would_start,
            Some(Outcome::Deferred) => &mut self.deferred,
            None => &mut self.failed,
        } += 1;
    }

    /// The one log line per invocation that says how it ended, each count a field of
    /// its own, so that a metric filter or a Logs Insights query can add them up.
    pub fn log(&self, dry_run: bool, at: Option<Timestamp>) {
        tracing::info!(
            at = at.map(tracing::field::display),
            selected = self.selected,
            stopping = self.stopping,
            stopped = self.stopped,
            already_stopped = self.already_stopped,
            skipped = self.skipped,
            would_stop = self.would_stop,
            starting = self.starting,
            already_running = self.already_running,
            unchanged = self.unchanged,
            would_start = self.would_start,
            deferred = self.deferred,
            failed = self.failed,
            dry_run,
            "summary"
        );
    }
}

/// An instant, serialized as RFC 3339 in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rfc3339(pub Timestamp);

impl Serialize for Rfc3339 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl BatchAnswer {
    /// The answer for these entries, counted; `at` for a reconcile.
    pub fn new(selectors: Vec<Selector>, results: Vec<BatchEntry>, at: Option<Timestamp>) -> Self {
        let summary = Summary::of(&results);
        Self {
            at: at.map(Rfc3339),
            selectors,
            results,
            summary,
        }
    }

    /// What a partial failure comes to, in one sentence: the `error.message` of an HTTP
    /// answer, whose body is the batch itself (and the command line's error line).
    pub fn partial_failure(&self) -> String {
        format!(
            "{} of {} graphs failed: each failed graph's entry in \"results\" has its \
             \"error\"; the others are reported as they ended, and retrying is harmless \
             (a stopped graph answers already_stopped)",
            self.summary.failed, self.summary.selected
        )
    }
}

/// The `error` object of an HTTP error body or of a failed graph in a batch: the kind,
/// the message, and GES's code and request id when GES said them.
#[derive(Debug, Serialize)]
pub struct ErrorDetail {
    code: ErrorType,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ges_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ges_request_id: Option<String>,
}

impl ErrorDetail {
    /// An error of this kind, in this sentence, that GES had no part in.
    pub fn new(code: ErrorType, message: String) -> Self {
        Self::of_upstream(code, message, None)
    }

    pub(super) fn of_stop(error: &GraphError) -> Self {
        Self::of_upstream(error.kind().into(), error.to_string(), error.ges())
    }

    pub(super) fn of_upstream(code: ErrorType, message: String, ges: Option<&GesError>) -> Self {
        Self {
            code,
            message,
            request_id: None,
            ges_code: ges.and_then(|ges| ges.code.clone()),
            ges_request_id: ges.and_then(|ges| ges.request_id.clone()),
        }
    }

    /// What kind of failure it says: its `code`, whose HTTP status an HTTP caller gets.
    pub fn code(&self) -> ErrorType {
        self.code
    }

    /// The same, naming the request it answers (an empty id names none).
    pub fn with_request_id(self, request_id: &str) -> Self {
        Self {
            request_id: Some(request_id.to_owned()).filter(|id| !id.is_empty()),
            ..self
        }
    }
}
