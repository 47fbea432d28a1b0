//! The kinds of failure a stop or a fleet selection can end in: one list, so that the
//! name a script or an alarm filters on and the HTTP status a gateway caller gets are
//! decided in one place and cannot disagree. A leaf module: it uses nothing of ours.

use std::fmt;

use http::StatusCode;

/// What a caller acts on when a stop or a selection fails. Each kind has a stable
/// [`name`](FailureKind::name) (the Lambda error type, the CLI's suffix) and an
/// [`http_status`](FailureKind::http_status), both as the README's error table gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// The graph does not exist in that project.
    GraphNotFound,
    /// GES does not know the project a selector lists.
    ProjectNotFound,
    /// GES (or IAM) refused the credentials.
    Unauthorized,
    /// The credentials may not do this.
    Forbidden,
    /// GES refused this graph's stop (a database-edition graph, say).
    Rejected,
    /// GES, IAM or the gateway in front of them is failing, throttling or unreachable.
    UpstreamUnavailable,
    /// The invocation's deadline came before GES answered.
    DeadlineExceeded,
    /// The stop job ended with `failed`.
    JobFailed,
    /// GES accepted the stop but named no job.
    NoJobId,
    /// GES answered outside the contract.
    UnexpectedAnswer,
    /// A graph or project outside the allow-lists; nothing was sent.
    NotAllowed,
    /// No project is named or configured.
    NoProject,
    /// The selectors selected more graphs than allowed; nothing was stopped.
    TooManyGraphs,
    /// The call failed on our side (signing, a header, an answer too large to read).
    ClientError,
}

impl FailureKind {
    /// The name scripts, dead-letter consumers and alarms filter on.
    pub fn name(self) -> &'static str {
        match self {
            Self::GraphNotFound => "GraphNotFound",
            Self::ProjectNotFound => "ProjectNotFound",
            Self::Unauthorized => "Unauthorized",
            Self::Forbidden => "Forbidden",
            Self::Rejected => "Rejected",
            Self::UpstreamUnavailable => "UpstreamUnavailable",
            Self::DeadlineExceeded => "DeadlineExceeded",
            Self::JobFailed => "JobFailed",
            Self::NoJobId => "NoJobId",
            Self::UnexpectedAnswer => "UnexpectedAnswer",
            Self::NotAllowed => "NotAllowed",
            Self::NoProject => "NoProject",
            Self::TooManyGraphs => "TooManyGraphs",
            Self::ClientError => "ClientError",
        }
    }

    /// The status an HTTP caller gets.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::NoProject => StatusCode::BAD_REQUEST,
            Self::NotAllowed => StatusCode::FORBIDDEN,
            Self::GraphNotFound | Self::ProjectNotFound => StatusCode::NOT_FOUND,
            Self::Rejected => StatusCode::CONFLICT,
            // The request is well formed, but asks for more than the caller said it meant.
            Self::TooManyGraphs => StatusCode::UNPROCESSABLE_ENTITY,
            Self::UpstreamUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::DeadlineExceeded => StatusCode::GATEWAY_TIMEOUT,
            // GES refused our credentials or permissions, or answered outside the
            // contract: the caller's request was fine, the upstream was not.
            Self::Unauthorized
            | Self::Forbidden
            | Self::JobFailed
            | Self::NoJobId
            | Self::UnexpectedAnswer
            | Self::ClientError => StatusCode::BAD_GATEWAY,
        }
    }

    /// What a refusal with this HTTP status means: one place decides, for stops and
    /// look-ups alike (a listing's `404` is [`FailureKind::ProjectNotFound`] instead).
    pub fn of_status(status: u16) -> Self {
        match status {
            400 => Self::Rejected,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::GraphNotFound,
            429 | 500..=599 => Self::UpstreamUnavailable,
            _ => Self::UnexpectedAnswer,
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's error table, row by row: names and statuses are a contract.
    #[test]
    fn names_and_statuses_are_the_readmes() {
        for (kind, name, status) in [
            (FailureKind::NoProject, "NoProject", 400),
            (FailureKind::NotAllowed, "NotAllowed", 403),
            (FailureKind::GraphNotFound, "GraphNotFound", 404),
            (FailureKind::ProjectNotFound, "ProjectNotFound", 404),
            (FailureKind::TooManyGraphs, "TooManyGraphs", 422),
            (FailureKind::Unauthorized, "Unauthorized", 502),
            (FailureKind::Forbidden, "Forbidden", 502),
            (FailureKind::Rejected, "Rejected", 409),
            (FailureKind::UpstreamUnavailable, "UpstreamUnavailable", 503),
            (FailureKind::DeadlineExceeded, "DeadlineExceeded", 504),
            (FailureKind::JobFailed, "JobFailed", 502),
            (FailureKind::NoJobId, "NoJobId", 502),
            (FailureKind::UnexpectedAnswer, "UnexpectedAnswer", 502),
            (FailureKind::ClientError, "ClientError", 502),
        ] {
            assert_eq!(kind.name(), name);
            assert_eq!(kind.to_string(), name);
            assert_eq!(kind.http_status().as_u16(), status, "{name}");
        }
    }

    #[test]
    fn statuses_classify_refusals() {
        assert_eq!(FailureKind::of_status(400), FailureKind::Rejected);
        assert_eq!(FailureKind::of_status(404), FailureKind::GraphNotFound);
        assert_eq!(
            FailureKind::of_status(429),
            FailureKind::UpstreamUnavailable
        );
        assert_eq!(
            FailureKind::of_status(501),
            FailureKind::UpstreamUnavailable
        );
        assert_eq!(FailureKind::of_status(200), FailureKind::UnexpectedAnswer);
        assert_eq!(FailureKind::of_status(409), FailureKind::UnexpectedAnswer);
    }
}
