//! Why federated credentials could not be obtained: the ID token could not be read, or
//! AWS STS (the function's own ID token) or Huawei Cloud STS (the temporary AK/SK it is
//! traded for) refused or failed. One type for both services, so that each message
//! names the service, the call, what was said and what to enable or grant. A leaf below
//! the modules that make these calls; no variant holds a secret.

use crate::credentials::refusal::Refusal;
use crate::failure::FailureKind;
use crate::transport::retry::Attempts;

pub(crate) use crate::credentials::refusal::Service;

/// Huawei Cloud STS's credentials had no life left when they arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredCredentials {
    /// `credentials.expiration` as STS wrote it, cut to 40 characters.
    pub expiration: String,
    /// This machine's time when they arrived.
    pub now: String,
    /// The request id, if any.
    pub request_id: Option<String>,
}

/// A failed federation step.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    /// The ID token file could not be read.
    #[error(
        "cannot read the ID token file {path} (HUAWEICLOUD_OIDC_TOKEN_FILE): {why}; check that \
         it exists, is readable by this process and holds the token"
    )]
    TokenFile {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// What was given as the ID token is not a JWT.
    #[error(
        "the ID token from {from} is not a JWT: {why}; an OIDC ID token is three base64url \
         parts joined by dots, 4 to 20,000 characters"
    )]
    NotAJwt {
        /// Where it came from: a variable, a file, or AWS STS.
        from: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The service answered with an error. Its message is not repeated: an STS message
    /// can hold the ID token it refused.
    #[error("{0}")]
    Refused(Refusal),
    /// The service could not be reached.
    #[error(
        "{call}: could not reach {service} at {endpoint} after {}: {}; check {} and the \
         network",
        Attempts::sent_times(*attempts),
        unanswered(source),
        service.endpoint_variables()
    )]
    Transport {
        /// The service.
        service: Service,
        /// The call.
        call: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The deadline came before the service answered.
    #[error(
        "{call}: the deadline came before {service} answered, after {}; it may be slow or \
         unreachable: try again later, and check {}",
        Attempts::sent_times(*attempts),
        service.endpoint_variables()
    )]
    DeadlineExceeded {
        /// The service.
        service: Service,
        /// The call.
        call: &'static str,
        /// How many times the request was sent (0: it waited for another's fetch).
        attempts: u32,
    },
    /// The service's answer is not what it answers. `why` says where, never what the
    /// answer held.
    #[error(
        "{call}: {service}'s answer cannot be used: {why} (request id {})",
        request_id.as_deref().unwrap_or("none")
    )]
    Malformed {
        /// The service.
        service: Service,
        /// The call.
        call: &'static str,
        /// What is wrong with it.
        why: String,
        /// The request id, if any.
        request_id: Option<String>,
    },
    /// The request could not be signed or sent as rendered.
    #[error("{call}: could not put the request to {service} together: {why}")]
    Request {
        /// The service.
        service: Service,
        /// The call.
        call: &'static str,
        /// Why.
        why: String,
    },
    /// Huawei Cloud STS's credentials had no life left when they arrived.
    #[error(
        "Huawei Cloud STS issued credentials that expire at {} while this machine's clock says \
         {} (request id {}): check this machine's clock (NTP), and that \
         HUAWEICLOUD_SDK_STS_ENDPOINT is STS; ges-stop asks again in {} s",
        .0.expiration,
        .0.now,
        .0.request_id.as_deref().unwrap_or("none"),
        EXPIRED_CREDENTIALS_BACKOFF.as_secs()
    )]
    ExpiredOnArrival(ExpiredCredentials),
}

/// Why a request got no answer, causes included: reqwest's own message ("error sending
/// request") hides whether it timed out or the connection was refused.
fn unanswered(source: &reqwest::Error) -> String {
    let mut why = source.to_string();
    let mut cause = std::error::Error::source(source);
    // A few causes at most, so that the message stays one line.
    for _ in 0..4 {
        let Some(error) = cause else { break };
        why.push_str(": ");
        why.push_str(&error.to_string());
        cause = error.source();
    }
    if source.is_timeout() {
        why.push_str(
            " (no answer within GES_REQUEST_TIMEOUT_SECS, or GES_CONNECT_TIMEOUT_SECS to connect)",
        );
    }
    why
}

/// After STS gave credentials that were already expired, how long every request is
/// refused at once rather than asking again (as for IAM's tokens).
pub(crate) const EXPIRED_CREDENTIALS_BACKOFF: std::time::Duration =
    std::time::Duration::from_secs(60);

impl FederationError {
    /// What a caller acts on: the credentials were refused, the caller may not, or a
    /// service is failing or slow.
    pub fn failure_kind(&self) -> FailureKind {
        match self {
            Self::Refused(refusal) if crate::transport::retry::retryable_status(refusal.status) => {
                FailureKind::UpstreamUnavailable
            }
            Self::Refused(Refusal { status: 403, .. }) => FailureKind::Forbidden,
            Self::Refused(_) | Self::NotAJwt { .. } | Self::ExpiredOnArrival(_) => {
                FailureKind::Unauthorized
            }
            Self::Transport { .. } => FailureKind::UpstreamUnavailable,
            Self::DeadlineExceeded { .. } => FailureKind::DeadlineExceeded,
            Self::Malformed { .. } => FailureKind::UnexpectedAnswer,
            Self::TokenFile { .. } | Self::Request { .. } => FailureKind::ClientError,
        }
    }
}
