//! What a run did to one graph: which graph ([`GraphTarget`]), the change asked of it
//! ([`Change`]), and how it came out ([`Outcome`], [`GraphReport`]). A leaf: the stop, the
//! start, the wait, the fleet selection and the schedules' reconcile all produce these.

use std::fmt;

use ges_api::types::{GraphId, GraphStatus, JobId, JobStatus, ProjectId};
use serde::Serialize;

use crate::transport::retry::Attempts;

/// Which graph to act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphTarget {
    /// The graph's project.
    pub project_id: ProjectId,
    /// The graph.
    pub graph_id: GraphId,
}

/// The change a call asks of a graph: what errors say was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Change {
    /// Stop a running graph.
    Stop,
    /// Start a stopped graph.
    Start,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stop => "stop",
            Self::Start => "start",
        })
    }
}

/// What a run did to a graph, or, in a dry run, would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// GES accepted the stop and started a job.
    Stopping,
    /// The graph was not running (`GES.7001`): nothing to do. A nightly stop must not
    /// fail because someone stopped the graph by hand.
    AlreadyStopped,
    /// The stop job ended with `success` (when asked to wait for it).
    Stopped,
    /// A dry run found the graph running: a real run would stop it.
    WouldStop,
    /// A selection left the graph alone; the report says why (opted out, in a status GES
    /// cannot change, a schedule that does not exist).
    Skipped,
    /// GES accepted the start and started a job (a schedule's period began).
    Starting,
    /// The schedule wants the graph running, and it is.
    AlreadyRunning,
    /// The graph is not as its schedule wants, and is rightly left so: between
    /// boundaries of a schedule that does not enforce, or a start its schedule does not
    /// allow. The report says which.
    Unchanged,
    /// A dry run found a stopped graph that a real run would start.
    WouldStart,
    /// A stop held while the graph serves requests (`spare_busy`), or while Cloud Eye
    /// cannot say whether it does; a later run stops it once quiet, or at `at_most`.
    Deferred,
}

impl Outcome {
    /// The outcome as answers and log lines spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopping => "stopping",
            Self::AlreadyStopped => "already_stopped",
            Self::Stopped => "stopped",
            Self::WouldStop => "would_stop",
            Self::Skipped => "skipped",
            Self::Starting => "starting",
            Self::AlreadyRunning => "already_running",
            Self::Unchanged => "unchanged",
            Self::WouldStart => "would_start",
            Self::Deferred => "deferred",
        }
    }
}

/// The result of one call about a graph (a stop, a start, or in a dry run a look-up),
/// as the command line and the function report it. What a selection adds about the
/// graph (its name, its schedule) is not here: the function's batch entry carries it
/// beside the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GraphReport {
    /// The graph.
    pub graph_id: GraphId,
    /// Its project.
    pub project_id: ProjectId,
    /// The stop or start job, when GES started one.
    pub job_id: Option<JobId>,
    /// What happened.
    pub outcome: Outcome,
    /// The job's status when a wait ended before the job did, at its last look. Absent,
    /// with a `reason`, when the wait's deadline came before its first look: this is
    /// GES's word on the job, never a guess of ours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_status: Option<JobStatus>,
    /// The graph's status, when a dry run looked it up (or a listing showed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_status: Option<GraphStatus>,
    /// GES's `X-Request-Id` for the call (or the look-up, in a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// How many times the call was sent: in the answer only when it took more than one.
    #[serde(skip_serializing_if = "Attempts::at_most_one")]
    pub attempts: Attempts,
    /// Why the outcome is what it is, when it needs saying: a selection that settled the
    /// graph without a call, a stop retried after a lost answer, a wait that did not look.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl GraphReport {
    /// A report with only the graph, the outcome and the request id.
    pub fn new(target: &GraphTarget, outcome: Outcome, request_id: Option<String>) -> Self {
        Self {
            graph_id: target.graph_id.clone(),
            project_id: target.project_id.clone(),
            job_id: None,
            outcome,
            job_status: None,
            graph_status: None,
            request_id,
            attempts: Attempts::default(),
            reason: None,
        }
    }

    /// A report settled without a call: the graph's listed status, and why.
    pub fn settled(
        target: &GraphTarget,
        outcome: Outcome,
        status: &GraphStatus,
        reason: String,
    ) -> Self {
        Self {
            graph_status: Some(status.clone()),
            reason: Some(reason),
            ..Self::new(target, outcome, None)
        }
    }
}
