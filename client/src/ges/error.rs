//! Why a call about a graph did not reach an outcome ([`GraphError`]), what GES said
//! when it refused ([`GesError`]), and the one place such a call is sent ([`call`]).

use std::fmt;

use ges_api::runtime::{BodyText, DecodeError, Operation};
use ges_api::types::{ErrorBody, JobId};
use serde::Serialize;
use tokio::time::Instant;

use crate::failure::FailureKind;
use crate::ges::client::{ClientError, ClientErrorKind, GesClient, ProjectScoped, Reply};
use crate::ges::report::{Change, GraphTarget};
use crate::transport::retry::Attempts;

/// Sends one operation about a graph, retried as the client's policy says but not past
/// `deadline`: its documented answer, or the failure to get one as a [`GraphError`] about
/// `change`.
pub(crate) async fn call<O: Operation + ProjectScoped>(
    client: &GesClient,
    target: &GraphTarget,
    change: Change,
    request: &O,
    deadline: Option<Instant>,
) -> Result<Reply<O::Response>, GraphError> {
    client
        .execute_before(request, deadline)
        .await
        .map_err(|error| GraphError::from_client(target, change, error))
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
    /// GES's answers hold no credential, so its decode errors keep the body
    /// ([`ges_api::runtime::Answers::Quoted`]); one that did not shows no message.
    pub fn from_undecoded(error: &DecodeError) -> Self {
        let request_id = error.request_id().map(str::to_owned);
        let body: &[u8] = error.body().map_or(&[], |body| body.as_ref());
        if let Ok(body) = serde_json::from_slice::<ErrorBody>(body) {
            let ges = Self::from_body(error.status(), &body, request_id.clone());
            if ges.code.is_some() {
                return ges;
            }
        }
        let text = BodyText(body).to_string();
        Self {
            status: error.status(),
            code: None,
            message: (!body.is_empty()).then_some(text),
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

/// A call about a graph (a stop, a start, a look-up or a wait) that did not reach an
/// outcome. The kinds are what a caller acts on; every one
/// keeps what GES said.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    /// The graph does not exist in that project.
    #[error("graph {} was not found in project {}: {ges}; check the graph ID and the project ID", target.graph_id, target.project_id)]
    GraphNotFound {
        /// The graph asked for.
        target: GraphTarget,
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
    #[error("the credentials may not {change} graph {} in project {}: {ges}; grant the user or agency the action ges:graph:operate (stop and start alike) in that project", target.graph_id, target.project_id)]
    Forbidden {
        /// The graph asked for.
        target: GraphTarget,
        /// What was asked of it.
        change: Change,
        /// What GES said.
        ges: Box<GesError>,
    },
    /// GES refused this stop for another reason, such as a database-edition graph.
    #[error("GES refused to {change} graph {} in project {}: {ges}", target.graph_id, target.project_id)]
    Rejected {
        /// The graph asked for.
        target: GraphTarget,
        /// What was asked of it.
        change: Change,
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
    #[error("GES could not {change} graph {} in project {}: job {job_id} failed: {reason}; look at the graph in the GES console", target.graph_id, target.project_id)]
    JobFailed {
        /// The graph asked for.
        target: GraphTarget,
        /// What was asked of it.
        change: Change,
        /// The job.
        job_id: JobId,
        /// GES's `fail_reason`.
        reason: String,
    },
    /// The invocation's deadline came before GES answered.
    #[error("the deadline ran out before GES answered for graph {} in project {}{}; the {change} may still happen: run again to see", target.graph_id, target.project_id, AfterAttempts(*attempts))]
    DeadlineExceeded {
        /// The graph asked for.
        target: GraphTarget,
        /// What was asked of it.
        change: Change,
        /// How the last call's attempts went (none sent when not known).
        attempts: Attempts,
    },
    /// GES accepted the stop but named no job.
    #[error("GES accepted the {change} of graph {} but returned no job ID (request id {}, after {}); check the graph's status in the GES console", target.graph_id, request_id.as_deref().unwrap_or("none"), attempts)]
    NoJobId {
        /// The graph asked for.
        target: GraphTarget,
        /// What was asked of it.
        change: Change,
        /// The `X-Request-Id`.
        request_id: Option<String>,
        /// How the stop's attempts went.
        attempts: Attempts,
    },
    /// The call itself failed.
    #[error(transparent)]
    Client(ClientError),
}

impl GraphError {
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
        target: &GraphTarget,
        change: Change,
        status: u16,
        body: &ErrorBody,
        request_id: Option<String>,
        attempts: Attempts,
    ) -> Self {
        Self::from_answer(
            target,
            change,
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
    fn from_answer(target: &GraphTarget, change: Change, ges: GesError) -> Self {
        let target = target.clone();
        let ges = Box::new(ges);
        match FailureKind::of_status(ges.status) {
            FailureKind::Rejected => Self::Rejected {
                target,
                change,
                ges,
            },
            FailureKind::Unauthorized => Self::Unauthorized { ges },
            FailureKind::Forbidden => Self::Forbidden {
                target,
                change,
                ges,
            },
            FailureKind::GraphNotFound => Self::GraphNotFound { target, ges },
            FailureKind::UpstreamUnavailable => Self::UpstreamUnavailable { ges },
            _ => Self::UnexpectedAnswer { ges },
        }
    }

    fn from_client(target: &GraphTarget, change: Change, error: ClientError) -> Self {
        let attempts = error.attempts();
        match error.kind() {
            ClientErrorKind::Decode { source } => Self::from_answer(
                target,
                change,
                GesError {
                    attempts,
                    ..GesError::from_undecoded(source)
                },
            ),
            ClientErrorKind::DeadlineExceeded => Self::DeadlineExceeded {
                target: target.clone(),
                change,
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
        let origin = ges_api::runtime::Origin {
            operation: "StopGraph",
            service: "GES",
            answers: ges_api::runtime::Answers::Quoted,
        };
        GesError::from_undecoded(&DecodeError::unexpected_status(origin, &raw))
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
