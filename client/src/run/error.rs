//! Why a run reached no outcome ([`RunError`]), and the kind each reason is
//! ([`RunError::kind`]): what a front door reports, and what its HTTP status follows.

use super::at_bound::AtOutOfBounds;
use super::report::{BatchAnswer, ErrorDetail};
use super::status::ErrorType;
use crate::failure::FailureKind;
use crate::fleet::SelectError;
use crate::ges::error::GraphError;
use crate::ges::report::GraphTarget;

/// A run that reached no outcome, or whose graphs did not all reach one.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Neither the request nor the configuration names a project.
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
    /// A reconcile, with no schedules document and tag schedules off.
    #[error(
        "the event asks for a reconcile, but no schedules are configured: set GES_SCHEDULES to \
         the schedules document, or GES_SCHEDULES_FILE to a file holding it, or let tags hold \
         schedules (GES_TAG_SCHEDULES=stop or start, not off)"
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
    /// The one graph of the run failed.
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
    /// No credentials are configured (each run is to bring its own) and this run
    /// brought none; nothing was sent.
    #[error(
        "this invocation brought no credentials and none are configured, so nothing was sent: \
         give the function an agency (FunctionGraph then hands each invocation its temporary \
         credentials), or configure HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, GES_AUTH_TOKEN, \
         or GES_IAM_USER, GES_IAM_PASSWORD and GES_IAM_DOMAIN"
    )]
    NoCredentials,
    /// The run's deadline had passed before it began; nothing was sent.
    #[error(
        "the invocation's deadline had already passed when the run began, so nothing was \
         sent: a call then would have had no time limit. Invoke again; if this repeats, \
         check the function's timeout and the clock of whatever runs it"
    )]
    DeadlineAlreadyPassed,
}

impl RunError {
    /// The kind of failure, which a dead-letter queue or an alarm can filter on; its
    /// HTTP status is what an HTTP caller gets.
    pub fn kind(&self) -> ErrorType {
        match self {
            Self::NoProject => FailureKind::NoProject.into(),
            Self::NoGraphsConfigured => ErrorType::NoGraphsConfigured,
            Self::NoSchedulesConfigured => ErrorType::NoSchedulesConfigured,
            Self::NotAllowed { .. } => FailureKind::NotAllowed.into(),
            Self::Select(error) => error.kind().into(),
            Self::Graph(error) => error.kind().into(),
            Self::PartialFailure(_) => ErrorType::PartialFailure,
            Self::AtOutOfBounds(_) => ErrorType::InvalidEvent,
            Self::NoCredentials => ErrorType::InvalidConfiguration,
            Self::DeadlineAlreadyPassed => FailureKind::DeadlineExceeded.into(),
        }
    }

    /// The `error` object that says it: a partial failure's only sums up its batch,
    /// which goes beside it.
    pub fn detail(&self) -> ErrorDetail {
        match self {
            Self::Graph(stop) => ErrorDetail::of_stop(stop),
            Self::Select(select) => {
                ErrorDetail::of_upstream(select.kind().into(), select.to_string(), select.ges())
            }
            Self::PartialFailure(batch) => {
                ErrorDetail::of_upstream(self.kind(), batch.partial_failure(), None)
            }
            other => ErrorDetail::of_upstream(other.kind(), other.to_string(), None),
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
}
