//! FunctionGraph's custom runtime API, as Huawei's "Custom Runtime" page documents it
//! (user guide, functiongraph_01_0406; whole in the OTC mirror,
//! `umn/source/before_you_start/supported_programming_languages/custom_runtime.rst`): the
//! runtime fetches an invocation with `GET http://$RUNTIME_API_ADDR/v1/runtime/invocation/
//! request` (the body is the event; the headers carry the request id, `X-Cff-Request-Id`,
//! and the agency's credentials), answers it with `POST .../v1/runtime/invocation/
//! response/{request_id}`, or reports its failure with `POST .../v1/runtime/invocation/
//! error/{request_id}`, in a loop until FunctionGraph ends the instance.
//!
//! The page names no initialisation-error path: a configuration error at start is logged
//! once (`main.rs`), and every invocation is then answered at the error path. It gives no
//! deadline header: the deadline is the invocation's receipt plus `RUNTIME_TIMEOUT`.
//!
//! Bounded: the event body read (the largest FunctionGraph passes on), each answer's body
//! read back, and the failures of the fetch in a row (each followed by a pause, as the
//! page's own Go example retries a non-200 answer after 50 ms).

use std::time::Duration;

use ges_api::functiongraph;
use ges_client::run::ErrorType;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::agency;
use crate::answer::Reply;
use crate::event::EventError;
use crate::handler::{self, Context, Handler};

/// Where the runtime API is, `host:port` (Table 2 of the page: "RUNTIME_API_ADDR: host
/// IP address and port of the custom runtime API").
pub const RUNTIME_API_ADDR: &str = "RUNTIME_API_ADDR";
/// The function's timeout (Table 2: "RUNTIME_TIMEOUT: function timeout duration"). The
/// page states no unit; a function's timeout is set in whole seconds (Huawei, "How Long
/// Does It Take to Execute a FunctionGraph Function?", functiongraph_03_0250: "the
/// timeout duration (unit: s)"; the "Creating a Function" API, functiongraph_06_0108:
/// `timeout`, 3 to 259,200 s), so seconds it is read as.
pub const RUNTIME_TIMEOUT: &str = "RUNTIME_TIMEOUT";
/// The request id header (Table 1), read case-insensitively, as the page's Bash example
/// reads it (`grep -Fi x-cff-request-id`).
pub use ges_api::functiongraph::REQUEST_ID;

/// The largest event read: FunctionGraph's synchronous invocations carry at most 6 MB
/// (`RUNTIME_MAX_RESP_BODY_SIZE`'s default is 6,291,456 bytes, Huawei's
/// "Configuring Environment Variables", functiongraph_01_0154); ours are a few hundred
/// bytes.
pub const MAX_EVENT_BYTES: usize = 6_291_456;
/// The most of the runtime API's answer to a response or error post that is read.
const MAX_ACK_BYTES: usize = 64 * 1024;
/// The longest function timeout FunctionGraph allows ("Creating a Function",
/// functiongraph_06_0108: 3 to 259,200 s).
const MAX_TIMEOUT_SECS: u64 = 259_200;
/// How many fetches may fail in a row before the runtime gives up and exits (FunctionGraph
/// then starts another instance).
pub const MAX_FETCH_FAILURES: u32 = 300;
/// The pauses after a failed fetch: the page's 50 ms first, doubling to a second.
const FIRST_PAUSE: Duration = Duration::from_millis(50);
const LONGEST_PAUSE: Duration = Duration::from_secs(1);
/// How long a response or error post may take.
const POST_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest request id accepted: it goes into the answer's path.
const MAX_REQUEST_ID_CHARS: usize = 128;

/// Why the runtime cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// `RUNTIME_API_ADDR` is not set or not `host:port`.
    #[error(
        "RUNTIME_API_ADDR is {0}: FunctionGraph sets it to the runtime API's host:port; run \
         the function as a FunctionGraph custom runtime"
    )]
    Address(&'static str),
    /// `RUNTIME_TIMEOUT` is not a whole number of seconds in FunctionGraph's range.
    #[error(
        "RUNTIME_TIMEOUT is {value:?}: give a whole number of seconds from 1 to {MAX_TIMEOUT_SECS}"
    )]
    Timeout {
        /// Its value, cut to 40 characters.
        value: String,
    },
    /// The HTTP client could not be set up.
    #[error("could not set up the HTTP client for the runtime API: {0}")]
    Client(reqwest::Error),
    /// The runtime API failed too many times in a row.
    #[error(
        "the runtime API at {addr} failed {MAX_FETCH_FAILURES} times in a row (last: {last}); \
         exiting so that FunctionGraph starts a new instance"
    )]
    Unavailable {
        /// Where.
        addr: String,
        /// The last failure.
        last: String,
    },
}

/// The runtime API of this instance.
#[derive(Debug, Clone)]
pub struct RuntimeApi {
    client: reqwest::Client,
    addr: String,
}

/// One invocation, as fetched.
#[derive(Debug)]
pub struct Fetched {
    /// Its request id.
    pub request_id: String,
    /// The headers it came with.
    pub headers: HeaderMap,
    /// The event; none when it was larger than [`MAX_EVENT_BYTES`].
    pub event: Option<Vec<u8>>,
}

impl RuntimeApi {
    /// The runtime API at `addr` (`host:port`).
    pub fn new(addr: &str) -> Result<Self, RuntimeError> {
        let addr = addr.trim();
        if addr.is_empty() || addr.contains('/') || !addr.contains(':') {
            return Err(RuntimeError::Address(if addr.is_empty() {
                "not set"
            } else {
                "not host:port"
            }));
        }
        // Plain HTTP on the host: no timeouts on the client (the fetch long-polls), and
        // no proxy between the runtime and its API.
        let client = ges_client::transport::build_client(ges_client::transport::ClientOptions {
            no_proxy: true,
            ..Default::default()
        })
        .map_err(RuntimeError::Client)?;
        Ok(Self {
            client,
            addr: addr.to_owned(),
        })
    }

    /// The runtime API `RUNTIME_API_ADDR` names.
    pub fn from_env() -> Result<Self, RuntimeError> {
        Self::new(&std::env::var(RUNTIME_API_ADDR).unwrap_or_default())
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The next invocation: waits as long as the runtime API takes to give one; a
    /// refused connection, a non-200 answer or one without a usable request id is
    /// tried again after a pause, at most [`MAX_FETCH_FAILURES`] times in a row.
    pub async fn next(&self) -> Result<Fetched, RuntimeError> {
        let mut pause = FIRST_PAUSE;
        let mut last = String::new();
        for _ in 0..MAX_FETCH_FAILURES {
            match self.fetch().await {
                Ok(fetched) => return Ok(fetched),
                Err(why) => {
                    tracing::debug!(why = %why, "no invocation from the runtime API");
                    last = why;
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(LONGEST_PAUSE);
        }
        Err(RuntimeError::Unavailable {
            addr: self.addr.clone(),
            last,
        })
    }

    async fn fetch(&self) -> Result<Fetched, String> {
        let mut response = self
            .client
            .get(self.url(functiongraph::NEXT_INVOCATION_PATH))
            .send()
            .await
            .map_err(|error| ges_client::transport::quiet(error).to_string())?;
        if response.status() != StatusCode::OK {
            return Err(format!("status {}", response.status().as_u16()));
        }
        let request_id = response
            .headers()
            .get(REQUEST_ID)
            .and_then(|value| value.to_str().ok())
            .filter(|id| usable_request_id(id))
            .map(str::to_owned)
            .ok_or_else(|| {
                // An invocation that cannot be answered: FunctionGraph times it out.
                let why = format!("an invocation without a usable {REQUEST_ID}");
                tracing::warn!(why = %why, "an invocation that cannot be answered");
                why
            })?;
        let headers = std::mem::take(response.headers_mut());
        let event = read_bounded(&mut response, MAX_EVENT_BYTES)
            .await
            .map_err(|error| ges_client::transport::quiet(error).to_string())?;
        Ok(Fetched {
            request_id,
            headers,
            event,
        })
    }

    /// Posts `reply` for `request_id`, at the response or the error path.
    pub async fn reply(&self, request_id: &str, reply: &Reply) -> Result<(), String> {
        let path = match reply {
            Reply::Response(_) => functiongraph::response_path(request_id),
            Reply::Error { .. } => functiongraph::error_path(request_id),
        };
        let mut response = self
            .client
            .post(self.url(&path))
            .header("Content-Type", "application/json")
            .body(reply.body())
            .timeout(POST_TIMEOUT)
            .send()
            .await
            .map_err(|error| ges_client::transport::quiet(error).to_string())?;
        let status = response.status();
        // Read (bounded) so that the connection is reused; what it says is not needed.
        let _ = read_bounded(&mut response, MAX_ACK_BYTES).await;
        if status.is_success() {
            Ok(())
        } else {
            Err(format!("status {}", status.as_u16()))
        }
    }
}

/// A request id that can go into a path as it is.
fn usable_request_id(id: &str) -> bool {
    (1..=MAX_REQUEST_ID_CHARS).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
}

/// The body, if it is at most `limit` bytes.
async fn read_bounded(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// `RUNTIME_TIMEOUT`, read from `value`: none when unset.
pub fn timeout(value: Option<&str>) -> Result<Option<Duration>, RuntimeError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    match value.parse::<u64>() {
        Ok(secs) if (1..=MAX_TIMEOUT_SECS).contains(&secs) => Ok(Some(Duration::from_secs(secs))),
        _ => Err(RuntimeError::Timeout {
            value: value.chars().take(40).collect(),
        }),
    }
}

/// What serves the invocations: the handler, or, when the function could not start, the
/// reason, which every invocation is answered with.
#[derive(Debug)]
pub enum Function {
    /// Ready. Boxed: the two arms differ much in size, and there is one of them.
    Ready(Box<Handler>),
    /// Not configured: why.
    Broken(String),
}

impl Function {
    async fn serve(&self, fetched: &Fetched, timeout: Option<Duration>) -> Reply {
        match self {
            Self::Ready(handler) => {
                let context = Context {
                    request_id: fetched.request_id.clone(),
                    credentials: agency::from_headers(&fetched.headers),
                    answer_by: handler::answer_by(timeout),
                };
                handler
                    .invoke(
                        fetched.event.as_deref().ok_or(EventError::TooLarge {
                            limit: MAX_EVENT_BYTES,
                        }),
                        &context,
                    )
                    .await
            }
            Self::Broken(reason) => Reply::error(ErrorType::InvalidConfiguration, reason.clone()),
        }
    }
}

/// Serves invocations until the runtime API fails for good, or, when `most` is given,
/// that many have been answered (tests).
pub async fn serve(
    api: &RuntimeApi,
    function: &Function,
    timeout: Option<Duration>,
    most: Option<usize>,
) -> Result<(), RuntimeError> {
    let mut served = 0usize;
    while most.is_none_or(|most| served < most) {
        let fetched = api.next().await?;
        let span = tracing::info_span!("invocation", request_id = %fetched.request_id);
        async {
            let reply = function.serve(&fetched, timeout).await;
            if let Reply::Error { error_type, .. } = &reply {
                tracing::info!(error_type = error_type.name(), "answered with an error");
            }
            if let Err(why) = api.reply(&fetched.request_id, &reply).await {
                tracing::warn!(why = %why, "the runtime API did not take the answer");
            }
        }
        .instrument(span)
        .await;
        served += 1;
    }
    Ok(())
}
