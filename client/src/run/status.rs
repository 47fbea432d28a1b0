//! The kinds of failure a run, or a request for one, ends in: the core's failure kinds
//! and a run's own. Each has its name (the Lambda `errorType`, the HTTP body's
//! `error.code`, the command line's error line) and its HTTP status in one place, so that
//! every front door that answers over HTTP answers alike. A leaf module.

use std::fmt;

use crate::failure::FailureKind;
use http::StatusCode;
use serde::{Serialize, Serializer};

/// Why an invocation reached no outcome, as its caller filters on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorType {
    /// A stop or a selection failed this way (GES, IAM, the allow-lists, the project).
    Failure(FailureKind),
    /// The event matches no accepted shape, or holds a bad value.
    InvalidEvent,
    /// An HTTP path that is no route.
    RouteNotFound,
    /// An HTTP method other than POST.
    MethodNotAllowed,
    /// A classic scheduled event, with no graphs configured for it.
    NoGraphsConfigured,
    /// A reconcile, with no schedules configured.
    NoSchedulesConfigured,
    /// Some graphs of several failed.
    PartialFailure,
    /// The function could not start: its configuration is wrong.
    InvalidConfiguration,
    /// The answer could not be made (a bug, not the caller's doing).
    InternalError,
}

impl ErrorType {
    /// The name: the Lambda error type, and the HTTP body's `error.code`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Failure(kind) => kind.name(),
            Self::InvalidEvent => "InvalidEvent",
            Self::RouteNotFound => "RouteNotFound",
            Self::MethodNotAllowed => "MethodNotAllowed",
            Self::NoGraphsConfigured => "NoGraphsConfigured",
            Self::NoSchedulesConfigured => "NoSchedulesConfigured",
            Self::PartialFailure => "PartialFailure",
            Self::InvalidConfiguration => "InvalidConfiguration",
            Self::InternalError => "InternalError",
        }
    }

    /// The status an HTTP caller gets.
    pub fn http_status(self) -> StatusCode {
        match self {
            Self::Failure(kind) => kind.http_status(),
            Self::InvalidEvent | Self::NoGraphsConfigured | Self::NoSchedulesConfigured => {
                StatusCode::BAD_REQUEST
            }
            Self::RouteNotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            // Some graphs failed upstream; the request itself was fine.
            Self::PartialFailure => StatusCode::BAD_GATEWAY,
            Self::InvalidConfiguration | Self::InternalError => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<FailureKind> for ErrorType {
    fn from(kind: FailureKind) -> Self {
        Self::Failure(kind)
    }
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// As its name: what `error.code` says.
impl Serialize for ErrorType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's error table, for the function's own types.
    #[test]
    fn names_and_statuses_are_the_readmes() {
        for (error_type, name, status) in [
            (ErrorType::InvalidEvent, "InvalidEvent", 400),
            (ErrorType::RouteNotFound, "RouteNotFound", 404),
            (ErrorType::MethodNotAllowed, "MethodNotAllowed", 405),
            (ErrorType::NoGraphsConfigured, "NoGraphsConfigured", 400),
            (
                ErrorType::NoSchedulesConfigured,
                "NoSchedulesConfigured",
                400,
            ),
            (ErrorType::PartialFailure, "PartialFailure", 502),
            (ErrorType::InvalidConfiguration, "InvalidConfiguration", 500),
            (ErrorType::InternalError, "InternalError", 500),
            (FailureKind::NoProject.into(), "NoProject", 400),
            (FailureKind::TooManyGraphs.into(), "TooManyGraphs", 422),
        ] {
            assert_eq!(error_type.name(), name);
            assert_eq!(error_type.to_string(), name);
            assert_eq!(error_type.http_status().as_u16(), status, "{name}");
            assert_eq!(
                serde_json::to_value(error_type).unwrap(),
                serde_json::json!(name)
            );
        }
    }
}
