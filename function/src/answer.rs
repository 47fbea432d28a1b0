//! What the function answers, in the form each caller understands: the report (or a
//! Lambda error whose type names the failure) for events, an HTTP response for
//! gateways, whatever happened.

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::lambda_function_urls::LambdaFunctionUrlResponse;
use aws_lambda_events::sqs::SqsBatchResponse;
use ges_api::types::{GraphId, GraphStatus, JobId, JobStatus, ProjectId};
use http::StatusCode;
use http::header::{ALLOW, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use lambda_runtime::{Context, Diagnostic};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::at_bound::AtOutOfBounds;
use crate::error_type::ErrorType;
use crate::event::{HttpApi, InvalidEvent, MessageId, Selector, Trigger};
use ges_client::failure::FailureKind;
use ges_client::fleet::{SelectError, SelectionFacts};
use ges_client::graph_error::{GesError, GraphError};
use ges_client::report::{GraphReport, GraphTarget, Outcome};
use ges_client::retry::Attempts;
use ges_client::schedule::Desired;
use jiff::Timestamp;

/// Seconds an HTTP caller is told to wait before trying again when GES is unavailable.
const RETRY_AFTER_SECS: &str = "30";

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

/// An invocation that reached no outcome. Its Lambda error type is [`FunctionError::kind`];
/// HTTP callers get its [`ErrorType::http_status`] instead.
#[derive(Debug, thiserror::Error)]
pub enum FunctionError {
    /// The event matches no accepted shape, or holds a bad value.
    #[error(transparent)]
    InvalidEvent(InvalidEvent),
    /// Neither the event nor the configuration names a project.
    #[error(
        "the event names no project_id and HUAWEICLOUD_SDK_PROJECT_ID is not set: name the \
         project in the event or configure it"
    )]
    NoProject,
    /// A classic scheduled event, with no graphs configured for it.
    #[error(
        "a scheduled event names no graph and GES_GRAPH_IDS is empty: set GES_GRAPH_IDS to the \
         graphs the schedule stops, or schedule an event that names them"
    )]
    NoGraphsConfigured,
    /// A reconcile, with no schedules configured.
    #[error(
        "the event asks for a reconcile, but no schedules are configured: set GES_SCHEDULES to \
         the schedules document, or GES_SCHEDULES_FILE to a file holding it"
    )]
    NoSchedulesConfigured,
    /// A graph or project outside the allow-lists; nothing was sent.
    #[error(
        "graph {} in project {} is not allowed by GES_ALLOWED_GRAPH_IDS / \
         GES_ALLOWED_PROJECT_IDS; nothing was stopped", target.graph_id, target.project_id
    )]
    NotAllowed {
        /// The first graph refused.
        target: GraphTarget,
    },
    /// A fleet selection could not be made; nothing was stopped.
    #[error(transparent)]
    Select(SelectError),
    /// The one graph of the invocation failed.
    #[error(transparent)]
    Graph(GraphError),
    /// Some graphs of several failed. The message is the whole answer as JSON, so that
    /// a dead-letter consumer can read it and the graphs that were stopped are reported
    /// too; a retry of the event is harmless.
    #[error("{}", serde_json::to_string(.0).unwrap_or_default())]
    PartialFailure(Box<BatchAnswer>),
    /// A reconcile that acts, at an instant too far from now; nothing was sent.
    #[error(transparent)]
    AtOutOfBounds(AtOutOfBounds),
    /// The invocation's deadline had passed before the run began; nothing was sent.
    #[error(
        "the invocation's deadline had already passed when the run began, so nothing was \
         sent: a call then would have had no time limit. Invoke again; if this repeats, \
         check the function's timeout and the clock of whatever runs it"
    )]
    DeadlineAlreadyPassed,
    /// The answer could not be encoded.
    #[error("could not encode the answer as JSON: {0}")]
    Encode(#[from] serde_json::Error),
}

impl FunctionError {
    /// The Lambda error type, which a dead-letter queue or an alarm can filter on; its
    /// HTTP status is what an HTTP caller gets.
    pub fn kind(&self) -> ErrorType {
        match self {
            Self::InvalidEvent(invalid) => invalid.error.error_type(),
            Self::NoProject => FailureKind::NoProject.into(),
            Self::NoGraphsConfigured => ErrorType::NoGraphsConfigured,
            Self::NoSchedulesConfigured => ErrorType::NoSchedulesConfigured,
            Self::NotAllowed { .. } => FailureKind::NotAllowed.into(),
            Self::Select(error) => error.kind().into(),
            Self::Graph(error) => error.kind().into(),
            Self::PartialFailure(_) => ErrorType::PartialFailure,
            Self::AtOutOfBounds(_) => ErrorType::InvalidEvent,
            Self::DeadlineAlreadyPassed => FailureKind::DeadlineExceeded.into(),
            Self::Encode(_) => ErrorType::InternalError,
        }
    }

    /// The error in a sentence, for a log line: a partial failure's sum rather than its
    /// whole answer, which its own `summary` line has already counted.
    pub fn brief(&self) -> String {
        match self {
            Self::PartialFailure(batch) => batch.partial_failure(),
            other => other.to_string(),
        }
    }

    /// The HTTP status for an HTTP caller: its kind's.
    pub fn http_status(&self) -> StatusCode {
        self.kind().http_status()
    }
}

impl From<FunctionError> for Diagnostic {
    fn from(error: FunctionError) -> Self {
        Diagnostic {
            error_type: error.kind().name().to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// The `error` object of an HTTP error body or of a failed graph in a batch.
#[derive(Debug, Serialize)]
struct ErrorDetail {
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
    fn of_stop(error: &GraphError) -> Self {
        Self::of_upstream(error.kind().into(), error.to_string(), error.ges())
    }

    fn of_upstream(code: ErrorType, message: String, ges: Option<&GesError>) -> Self {
        Self {
            code,
            message,
            request_id: None,
            ges_code: ges.and_then(|ges| ges.code.clone()),
            ges_request_id: ges.and_then(|ges| ges.request_id.clone()),
        }
    }

    fn of_function(error: &FunctionError, context: &Context) -> Self {
        let base = match error {
            FunctionError::Graph(stop) => Self::of_stop(stop),
            FunctionError::Select(select) => {
                Self::of_upstream(select.kind().into(), select.to_string(), select.ges())
            }
            // The batch is the body; the message only sums it up.
            FunctionError::PartialFailure(batch) => {
                Self::of_upstream(error.kind(), batch.partial_failure(), None)
            }
            other => Self::of_upstream(other.kind(), other.to_string(), None),
        };
        Self {
            request_id: Some(context.request_id.clone()).filter(|id| !id.is_empty()),
            ..base
        }
    }
}

/// The body of an HTTP answer to a partial failure: the batch, with the `error` every
/// HTTP failure has beside it.
#[derive(Serialize)]
struct PartialFailureBody<'a> {
    #[serde(flatten)]
    batch: &'a BatchAnswer,
    error: ErrorDetail,
}

/// The answer for the caller: HTTP callers get a response whatever happened; other
/// callers get the report, or the error for the runtime to report.
pub fn render(
    trigger: Option<&Trigger>,
    result: Result<Answer, FunctionError>,
    context: &Context,
) -> Result<Value, FunctionError> {
    let Some(Trigger::Http(api)) = trigger else {
        return Ok(serde_json::to_value(result?)?);
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let (status, body) = match result {
        Ok(answer) => (StatusCode::OK, serde_json::to_string(&answer)?),
        Err(error) => {
            let status = error.kind().http_status();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
            }
            if status == StatusCode::METHOD_NOT_ALLOWED {
                headers.insert(ALLOW, HeaderValue::from_static("POST"));
            }
            let detail = ErrorDetail::of_function(&error, context);
            let body = match &error {
                FunctionError::PartialFailure(batch) => {
                    serde_json::to_string(&PartialFailureBody {
                        batch,
                        error: detail,
                    })?
                }
                _ => serde_json::to_string(&serde_json::json!({ "error": detail }))?,
            };
            (status, body)
        }
    };
    http_response(*api, status, headers, body)
}

/// The answer to an SQS batch, for an event source mapping with
/// `ReportBatchItemFailures`: `{"batchItemFailures": [{"itemIdentifier": id}, ...]}`, the
/// messages to deliver again, exactly the failed ones (none: the whole batch is done).
/// Never a Lambda error, which would have SQS deliver every message again.
pub fn batch_item_failures(failed: &[MessageId]) -> Result<Value, FunctionError> {
    let mut response = SqsBatchResponse::default();
    response.set_failures(failed.iter().map(MessageId::as_str));
    Ok(serde_json::to_value(response)?)
}

fn http_response(
    api: HttpApi,
    status: StatusCode,
    headers: HeaderMap,
    body: String,
) -> Result<Value, FunctionError> {
    let status = i64::from(status.as_u16());
    Ok(match api {
        HttpApi::RestApi => {
            let mut response = ApiGatewayProxyResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(Body::Text(body));
            serde_json::to_value(response)?
        }
        HttpApi::HttpApi => {
            let mut response = ApiGatewayV2httpResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(Body::Text(body));
            serde_json::to_value(response)?
        }
        HttpApi::FunctionUrl => {
            let mut response = LambdaFunctionUrlResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(body);
            serde_json::to_value(response)?
        }
    })
}
