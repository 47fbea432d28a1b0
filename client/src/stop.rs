//! Stopping one graph: the call, and what its answer means for the user.

use std::fmt;

use ges_api::runtime::{BodyText, DecodeError, Operation};
use ges_api::types::{
    ErrorBody, GraphId, GraphStatus, JobId, JobStatus, ProjectId, ShowGraphRequest,
    StopGraphRequest,
};
use serde::Serialize;
use tokio::time::Instant;

use crate::client::{ClientError, ClientErrorKind, GesClient, ProjectScoped, Reply};
use crate::failure::FailureKind;
use crate::retry::Attempts;

/// The error code GES answers a stop with when the graph is not running.
pub const NOT_RUNNING: &str = "GES.7001";

/// Which graph to stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopTarget {
    /// The graph's project.
    pub project_id: ProjectId,
    /// The graph.
    pub graph_id: GraphId,
}

/// What a stop achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopOutcome {
    /// GES accepted the stop and started a job.
    Stopping,
    /// The graph was not running (`GES.7001`): nothing to do. A nightly stop must not
    /// fail because someone stopped the graph by hand.
    AlreadyStopped,
    /// The stop job ended with `success` (when asked to wait for it).
    Stopped,
    /// A dry run found the graph running: a real run would stop it.
    WouldStop,
    /// A fleet selection left the graph alone; the report says why (opted out, or in a
    /// status GES cannot stop).
    Skipped,
}

/// The result of one stop (or, in a dry run, of one look-up), as the command line and
/// the function report it. What a fleet selection adds about the graph (its name) is not
/// here: the function's batch entry carries it beside the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopReport {
    /// The graph.
    pub graph_id: GraphId,
    /// Its project.
    pub project_id: ProjectId,
    /// The stop job, when GES started one.
    pub job_id: Option<JobId>,
    /// What happened.
    pub outcome: StopOutcome,
    /// The job's status when a wait ended before the job did, at its last look. Absent,
    /// with a `reason`, when the wait's deadline came before its first look: this is
    /// GES's word on the job, never a guess of ours.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job_status: Option<JobStatus>,
    /// The graph's status, when a dry run looked it up (or a listing showed it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graph_status: Option<GraphStatus>,
    /// GES's `X-Request-Id` for the stop call (or the look-up, in a dry run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// How many times the stop (or look-up) was sent: in the answer only when it took
    /// more than one.
    #[serde(skip_serializing_if = "Attempts::at_most_one")]
    pub attempts: Attempts,
    /// Why the outcome is what it is, when it needs saying: a selection that settled the
    /// graph without a call, a stop retried after a lost answer, a wait that did not look.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl StopOutcome {
    /// The outcome as answers and log lines spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopping => "stopping",
            Self::AlreadyStopped => "already_stopped",
            Self::Stopped => "stopped",
            Self::WouldStop => "would_stop",
            Self::Skipped => "skipped",
        }
    }
}

impl StopReport {
    /// A report with only the graph, the outcome and the request id.
    pub(crate) fn new(
        target: &StopTarget,
        outcome: StopOutcome,
        request_id: Option<String>,
    ) -> Self {
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
}

/// Asks GES to stop one graph; neither an attempt nor a retry runs past `deadline`
/// (with none, the client's timeouts bound it).
pub async fn stop_graph(
    client: &GesClient,
    target: &StopTarget,
    deadline: Option<Instant>,
) -> Result<StopReport, StopError> {
    let request = StopGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
    };
    let Reply {
        response,
        request_id,
        attempts,
    } = call(client, target, &request, deadline).await?;
    match response.into_result() {
        Ok(result) => match result.job_id {
            Some(job_id) => Ok(StopReport {
                job_id: Some(job_id),
                attempts,
                ..StopReport::new(target, StopOutcome::Stopping, request_id)
            }),
            None => Err(StopError::NoJobId {
                target: target.clone(),
                request_id,
                attempts,
            }),
        },
        Err((400, body)) if body.error_code.as_deref() == Some(NOT_RUNNING) => Ok(StopReport {
            attempts,
            // An earlier attempt reached GES and its answer was lost: that attempt most
            // likely stopped the graph, and its job id went with the answer. Said, so
            // that nobody reads "already stopped" as "stopped by someone else".
            reason: (attempts.unanswered() > 0).then(|| {
                format!(
                    "GES answered {NOT_RUNNING} (not running) to a retried stop: the first \
                     attempt probably stopped it; its job id was lost"
                )
            }),
            ..StopReport::new(target, StopOutcome::AlreadyStopped, request_id)
        }),
        Err((status, body)) => Err(StopError::refused(
            target, status, &body, request_id, attempts,
        )),
    }
}

/// A dry run of [`stop_graph`]: looks the graph up and says what a stop would do,
/// without stopping anything (a graph that is not running would answer `GES.7001`).
/// Neither an attempt nor a retry runs past `deadline`.
pub async fn preview_stop(
    client: &GesClient,
    target: &StopTarget,
    deadline: Option<Instant>,
) -> Result<StopReport, StopError> {
    let request = ShowGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
    };
    let Reply {
        response,
        request_id,
        attempts,
    } = call(client, target, &request, deadline).await?;
    match response.into_result() {
        Ok(result) => {
            let outcome = match result.graph.status {
                GraphStatus::Running => StopOutcome::WouldStop,
                _ => StopOutcome::AlreadyStopped,
            };
            Ok(StopReport {
                graph_status: Some(result.graph.status),
                attempts,
                ..StopReport::new(target, outcome, request_id)
            })
        }
        Err((status, body)) => Err(StopError::refused(
            target, status, &body, request_id, attempts,
        )),
    }
}

/// Sends one operation about a graph, retried as the client's policy says but not past
/// `deadline`: its documented answer, or the failure to get one as a [`StopError`].
pub(crate) async fn call<O: Operation + ProjectScoped>(
    client: &GesClient,
    target: &StopTarget,
    request: &O,
    deadline: Option<Instant>,
) -> Result<Reply<O::Response>, StopError> {
    client
        .execute_before(request, deadline)
        .await
        .map_err(|error| StopError::from_client(target, error))
}

/// What GES said when it refused: status, its error code and message, its request id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GesError {
    /// The HTTP status code.
    pub status: u16,
    /// GES's (or its gateway's) error code, such as `GES.7001` or `APIGW.0301`.
    pub code: Option<String>,
    /// GES's message.
    pub message: Option<String>,
    /// The `X-Request-Id`.
    pub request_id: Option<String>,
    /// How the attempts went: how many times the request was sent, the first included.
    pub attempts: Attempts,
}

impl GesError {
    /// Reads an error body the way the official SDK does: GES's own fields first, then
    /// the API gateway's `{"error": {"code", "message"}}`.
    pub fn from_body(status: u16, body: &ErrorBody, request_id: Option<String>) -> Self {
        let gateway = body.error.as_ref();
        Self {
            status,
            code: body
                .error_code
                .clone()
                .or_else(|| gateway.and_then(|error| error.code.clone())),
            message: body
                .error_msg
                .clone()
                .or_else(|| gateway.and_then(|error| error.message.clone())),
            request_id,
            attempts: Attempts::ONE,
        }
    }

    /// An answer that did not parse as the contract says: its status, and GES's (or
    /// the gateway's) error code and message when the body is an error body anyway (a
    /// gateway's `429`, which the contract does not document), else the body as the
    /// message, as the SDK does for a plain-text 5xx.
    pub fn from_undecoded(error: &DecodeError) -> Self {
        let request_id = error.request_id().map(str::to_owned);
        if let Ok(body) = serde_json::from_slice::<ErrorBody>(error.body()) {
            let ges = Self::from_body(error.status(), &body, request_id.clone());
            if ges.code.is_some() {
                return ges;
            }
        }
        let text = BodyText(error.body()).to_string();
        Self {
            status: error.status(),
            code: None,
            message: (!error.body().is_empty()).then_some(text),
            request_id,
            attempts: Attempts::ONE,
        }
    }
}

impl fmt::Display for GesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        write!(
            f,
            " (request id {}, after {})",
            self.request_id.as_deref().unwrap_or("none"),
            self.attempts
        )
    }
}

/// A stop that did not reach an outcome. The kinds are what a caller acts on; every one
/// keeps what GES said.
#[derive(Debug, thiserror::Error)]
pub enum StopError {
    /// The graph does not exist in that project.
    #[error("graph {} was not found in project {}: {ges}; check the graph ID and the project ID", target.graph_id, target.project_id)]
    GraphNotFound {
        /// The graph asked for.
        target: StopTarget,
        /// What GES said.
        ges: Box<GesError>,
    },
    /// GES refused the credentials.
    #[error(
        "GES refused the credentials: {ges}; check HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or GES_AUTH_TOKEN (a token lives 24 hours)"
    )]
    Unauthorized {
        /// What GES said.
        ges: Box<GesError>,
    },
    /// The credentials may not stop this graph.
    #[error("the credentials may not stop graph {} in project {}: {ges}; grant the user or agency a GES role (such as GES Operator) in that project", target.graph_id, target.project_id)]
    Forbidden {
        /// The graph asked for.
        target: StopTarget,
        /// What GES said.
        ges: Box<GesError>,
    },
    /// GES refused this stop for another reason, such as a database-edition graph.
    #[error("GES refused to stop graph {} in project {}: {ges}", target.graph_id, target.project_id)]
    Rejected {
        /// The graph asked for.
        target: StopTarget,
        /// What GES said.
        ges: Box<GesError>,
    },
    /// GES, or the gateway in front of it, is failing or throttling.
    #[error("GES is unavailable: {ges}; try again later")]
    UpstreamUnavailable {
        /// What GES said.
        ges: Box<GesError>,
    },
    /// An answer the contract does not document, with a status that says nothing more.
    #[error("GES gave an unexpected answer: {ges}")]
    UnexpectedAnswer {
        /// What GES said.
        ges: Box<GesError>,
    },
    /// The stop job ended with `failed`.
    #[error("GES could not stop graph {} in project {}: job {job_id} failed: {reason}; look at the graph in the GES console", target.graph_id, target.project_id)]
    JobFailed {
        /// The graph asked for.
        target: StopTarget,
        /// The job.
        job_id: JobId,
        /// GES's `fail_reason`.
        reason: String,
    },
    /// The invocation's deadline came before GES answered.
    #[error("the deadline ran out before GES answered for graph {} in project {}{}; the stop may still happen: run again to see", target.graph_id, target.project_id, AfterAttempts(*attempts))]
    DeadlineExceeded {
        /// The graph asked for.
        target: StopTarget,
        /// How the last call's attempts went (none sent when not known).
        attempts: Attempts,
    },
    /// GES accepted the stop but named no job.
    #[error("GES accepted the stop of graph {} but returned no job ID (request id {}, after {}); check the graph's status in the GES console", target.graph_id, request_id.as_deref().unwrap_or("none"), attempts)]
    NoJobId {
        /// The graph asked for.
        target: StopTarget,
        /// The `X-Request-Id`.
        request_id: Option<String>,
        /// How the stop's attempts went.
        attempts: Attempts,
    },
    /// The call itself failed.
    #[error(transparent)]
    Client(ClientError),
}

impl StopError {
    /// The kind of failure: its name for scripts and Lambda error types, and its HTTP
    /// status.
    pub fn kind(&self) -> FailureKind {
        match self {
            Self::GraphNotFound { .. } => FailureKind::GraphNotFound,
            Self::Unauthorized { .. } => FailureKind::Unauthorized,
            Self::Forbidden { .. } => FailureKind::Forbidden,
            Self::Rejected { .. } => FailureKind::Rejected,
            Self::UpstreamUnavailable { .. } => FailureKind::UpstreamUnavailable,
            Self::UnexpectedAnswer { .. } => FailureKind::UnexpectedAnswer,
            Self::NoJobId { .. } => FailureKind::NoJobId,
            Self::JobFailed { .. } => FailureKind::JobFailed,
            Self::DeadlineExceeded { .. } => FailureKind::DeadlineExceeded,
            Self::Client(error) => error.failure_kind(),
        }
    }

    /// What GES said, when it said anything.
    pub fn ges(&self) -> Option<&GesError> {
        match self {
            Self::GraphNotFound { ges, .. }
            | Self::Unauthorized { ges }
            | Self::Forbidden { ges, .. }
            | Self::Rejected { ges, .. }
            | Self::UpstreamUnavailable { ges }
            | Self::UnexpectedAnswer { ges } => Some(ges.as_ref()),
            Self::NoJobId { .. }
            | Self::JobFailed { .. }
            | Self::DeadlineExceeded { .. }
            | Self::Client(_) => None,
        }
    }

    /// A documented refusal, with GES's error body, after this many attempts.
    pub(crate) fn refused(
        target: &StopTarget,
        status: u16,
        body: &ErrorBody,
        request_id: Option<String>,
        attempts: Attempts,
    ) -> Self {
        Self::from_answer(
            target,
            GesError {
                attempts,
                ..GesError::from_body(status, body, request_id)
            },
        )
    }

    /// How the failed call's attempts went (none sent when not known, or never sent).
    pub fn attempts(&self) -> Attempts {
        match self {
            Self::GraphNotFound { ges, .. }
            | Self::Unauthorized { ges }
            | Self::Forbidden { ges, .. }
            | Self::Rejected { ges, .. }
            | Self::UpstreamUnavailable { ges }
            | Self::UnexpectedAnswer { ges } => ges.attempts,
            Self::NoJobId { attempts, .. } | Self::DeadlineExceeded { attempts, .. } => *attempts,
            Self::JobFailed { .. } => Attempts::ONE,
            Self::Client(error) => error.attempts(),
        }
    }

    /// Classifies a refusal by its status code: one place decides what each means,
    /// whether the body parsed or not.
    fn from_answer(target: &StopTarget, ges: GesError) -> Self {
        let target = target.clone();
        let ges = Box::new(ges);
        match FailureKind::of_status(ges.status) {
            FailureKind::Rejected => Self::Rejected { target, ges },
            FailureKind::Unauthorized => Self::Unauthorized { ges },
            FailureKind::Forbidden => Self::Forbidden { target, ges },
            FailureKind::GraphNotFound => Self::GraphNotFound { target, ges },
            FailureKind::UpstreamUnavailable => Self::UpstreamUnavailable { ges },
            _ => Self::UnexpectedAnswer { ges },
        }
    }

    fn from_client(target: &StopTarget, error: ClientError) -> Self {
        let attempts = error.attempts();
        match error.kind() {
            ClientErrorKind::Decode { source } => Self::from_answer(
                target,
                GesError {
                    attempts,
                    ..GesError::from_undecoded(source)
                },
            ),
            ClientErrorKind::DeadlineExceeded => Self::DeadlineExceeded {
                target: target.clone(),
                attempts,
            },
            _ => Self::Client(error),
        }
    }
}

/// ", after 3 attempts" when the number is known, nothing otherwise.
pub(crate) struct AfterAttempts(pub(crate) Attempts);

impl fmt::Display for AfterAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.sent() {
            0 => Ok(()),
            _ => write!(f, ", after {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use ges_api::runtime::RawResponse;

    use super::*;

    fn undecoded(status: u16, body: &'static str) -> GesError {
        let raw = RawResponse {
            status,
            request_id: Some("rid".to_owned()),
            body: Bytes::from_static(body.as_bytes()),
        };
        GesError::from_undecoded(&DecodeError::unexpected_status("StopGraph", &raw))
    }

    #[test]
    fn an_undocumented_answer_keeps_the_code_of_its_error_body() {
        let ges = undecoded(
            429,
            r#"{"error_code":"APIGW.0308","error_msg":"Throttled."}"#,
        );
        assert_eq!(ges.code.as_deref(), Some("APIGW.0308"));
        assert_eq!(ges.message.as_deref(), Some("Throttled."));
        let ges = undecoded(502, r#"{"error":{"code":"APIGW.0203","message":"Down."}}"#);
        assert_eq!(ges.code.as_deref(), Some("APIGW.0203"));
        // Not an error body: the body is the message.
        let ges = undecoded(502, "Bad Gateway");
        assert_eq!(ges.code, None);
        assert_eq!(ges.message.as_deref(), Some("\"Bad Gateway\""));
        let ges = undecoded(200, r#"{"job_id": 42}"#);
        assert_eq!(ges.code, None);
        assert_eq!(ges.request_id.as_deref(), Some("rid"));
        assert_eq!(
            GesError {
                attempts: Attempts::sent_times(3),
                ..ges
            }
            .to_string(),
            r#"HTTP 200: "{\"job_id\": 42}" (request id rid, after 3 attempts)"#
        );
    }
}
