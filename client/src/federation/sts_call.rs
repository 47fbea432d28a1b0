//! One attempt of a call to either STS (AWS's `GetWebIdentityToken`, Huawei's
//! `AssumeAgencyWithOIDC`), and the retry verdict on it: what the two calls share under
//! the retry driver ([`crate::transport::retry::drive`]).

use std::time::SystemTime;

use crate::config::endpoint::Endpoint;
use crate::federation::error::{FederationError, Service};
use crate::transport::retry::{self, Verdict};
use crate::transport::{ExchangeError, Exchanged, OutgoingRequest, Transport};

/// An attempt's answer and its number, or why it brought none.
pub(crate) type Sent = Result<(Exchanged, u32), FederationError>;

/// Sends `request` once to `service` at `endpoint` and reads the answer within `limit`.
pub(crate) async fn send_once(
    transport: &Transport,
    (service, call): (Service, &'static str),
    endpoint: &Endpoint,
    request: OutgoingRequest,
    attempts: u32,
    limit: usize,
) -> Sent {
    let url = request.url(endpoint);
    match transport.exchange(url, request, limit).await {
        Ok(exchanged) => Ok((exchanged, attempts)),
        Err(ExchangeError::Transport(source)) => Err(FederationError::Transport {
            service,
            call,
            endpoint: endpoint.to_string(),
            source,
            attempts,
        }),
        Err(error) => Err(FederationError::Malformed {
            service,
            call,
            why: error.to_string(),
            request_id: None,
        }),
    }
}

/// Whether an attempt is worth another: a failure to connect, `429`, `5xx`, or an answer
/// `throttled` says is a throttling one (AWS's Query APIs throttle with `400
/// Throttling`).
pub(crate) fn verdict(sent: &Sent, throttled: impl Fn(&Exchanged) -> bool) -> Verdict {
    match sent {
        Ok((exchanged, _)) if throttled(exchanged) => Verdict::Retry {
            retry_after: None,
            unanswered: false,
        },
        Ok((exchanged, _)) => {
            retry::verdict_on_answer(exchanged.status, &exchanged.headers, SystemTime::now())
        }
        Err(FederationError::Transport { .. }) => Verdict::Retry {
            retry_after: None,
            unanswered: true,
        },
        Err(_) => Verdict::Final,
    }
}
