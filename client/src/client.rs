//! One HTTP client that executes any generated GES operation: it renders the request,
//! authenticates it, sends it, reads the answer within a size cap and decodes it into
//! the operation's documented response type.

use std::time::SystemTime;

use bytes::Bytes;
use ges_api::runtime::{DecodeError, EncodeError, Operation, RawResponse};
use ges_api::signing::SignatureError;
use ges_api::types::{ListGraphsRequest, ShowGraphRequest, ShowJobRequest, StopGraphRequest};
use http::header::HeaderMap;
use time::OffsetDateTime;
use tokio::time::Instant;
use url::Url;

use crate::config::Config;
use crate::credentials::{Authorized, Credentials, CredentialsError};
use crate::endpoint::Endpoint;
use crate::iam::IamError;
use crate::retry::{self, Attempts, GiveUp, Next, RetryPolicy, Verdict};
use crate::transport::{self, OutgoingRequest, ReadError, Transport, USER_AGENT};

/// The most of an answer the client reads. GES answers in a few hundred bytes; a list
/// of 1,000 graphs is well under this. More means something is wrong upstream, and
/// reading it all would only cost memory.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// An operation that acts inside one project: the signer scopes the request to it.
pub trait ProjectScoped {
    /// The project the request names.
    fn project_id(&self) -> &str;
}

macro_rules! project_scoped {
    ($($request:ty),* $(,)?) => {$(
        impl ProjectScoped for $request {
            fn project_id(&self) -> &str {
                self.project_id.as_str()
            }
        }
    )*};
}

project_scoped!(
    StopGraphRequest,
    ShowGraphRequest,
    ListGraphsRequest,
    ShowJobRequest
);

/// A decoded answer and the request id GES gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<R> {
    /// The documented answer.
    pub response: R,
    /// The `X-Request-Id` header, which GES support asks for.
    pub request_id: Option<String>,
    /// How many times the request was sent, the first included.
    pub attempts: u32,
}

/// Talks to one GES endpoint with one set of credentials. Cheap to share: build it
/// once and borrow it, so that connections are reused across calls.
#[derive(Debug, Clone)]
pub struct GesClient {
    http: Transport,
    endpoint: Endpoint,
    credentials: Credentials,
    retry: RetryPolicy,
}

impl GesClient {
    /// A client for the configured endpoint and credentials.
    pub fn new(config: &Config) -> Result<Self, ClientError> {
        let http = Transport::new(config.timeouts, config.retry, &config.trust)
            .map_err(|source| ClientError::Build { source })?;
        Ok(Self {
            http,
            endpoint: config.endpoint.clone(),
            credentials: config.credentials.clone(),
            retry: config.retry,
        })
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The same client for another endpoint (another region's GES): connections,
    /// credentials and their token cache are shared.
    pub fn with_endpoint(&self, endpoint: Endpoint) -> Self {
        Self {
            endpoint,
            ..self.clone()
        }
    }

    /// The transport, for IAM calls made with the same connections and timeouts.
    pub(crate) fn http(&self) -> &Transport {
        &self.http
    }

    /// The credentials requests are sent with.
    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Sends one operation and decodes the answer, retrying as the configured
    /// [`RetryPolicy`] says, with no deadline but the timeouts (the command line).
    pub async fn execute<O>(&self, operation: &O) -> Result<Reply<O::Response>, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        self.execute_before(operation, None).await
    }

    /// Sends one operation and decodes the answer. A connection that fails or breaks,
    /// an answer that does not come in time, and `429`, `500`, `502`, `503`, `504` are
    /// tried again (see [`crate::retry`]); no attempt or pause runs past `deadline`.
    /// The answer, or the error, says how many attempts were made.
    pub async fn execute_before<O>(
        &self,
        operation: &O,
        deadline: Option<Instant>,
    ) -> Result<Reply<O::Response>, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let started = Instant::now();
            let sent = self.send_authorized(operation, deadline).await;
            let verdict = match &sent {
                Ok(answer) => {
                    retry::verdict_on_answer(answer.status, &answer.headers, SystemTime::now())
                }
                Err(error) if error.is_retryable() => Verdict::Retry { retry_after: None },
                Err(_) => Verdict::Final,
            };
            let next = self.retry.next(attempts, verdict, Instant::now(), deadline);
            // Only for the log lines below: a call that succeeds formats nothing.
            let failure = || match &sent {
                Ok(answer) => format!("HTTP {}", answer.status),
                Err(error) => error.to_string(),
            };
            match next {
                Next::RetryAfter(pause) => {
                    tracing::info!(
                        operation = O::OPERATION_ID,
                        attempt = attempts,
                        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
                        pause_ms = pause.as_secs_f64() * 1e3,
                        failure = %failure(),
                        "GES call failed; trying again"
                    );
                    tokio::time::sleep(pause).await;
                }
                Next::GiveUp(why) => {
                    if why != GiveUp::Final {
                        tracing::warn!(
                            operation = O::OPERATION_ID,
                            attempts,
                            reason = ?why,
                            failure = %failure(),
                            "GES call failed; not trying again"
                        );
                    }
                    return finish::<O>(sent, attempts);
                }
            }
        }
    }

    /// One attempt, plus one more when GES refused (`401`) the cached IAM token the
    /// first was sent with: the token is dropped and the request sent again with a
    /// fresh one. Once only, so that credentials GES keeps refusing end in `401`.
    async fn send_authorized<O>(
        &self,
        operation: &O,
        deadline: Option<Instant>,
    ) -> Result<Answer, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        let (answer, authorized) = self.attempt(operation, deadline).await?;
        if answer.status != 401 || !self.credentials.reject(authorized).await {
            return Ok(answer);
        }
        tracing::info!(
            operation = O::OPERATION_ID,
            request_id = answer.request_id.as_deref().unwrap_or(""),
            "GES refused the IAM token (401); sending once more with a fresh token"
        );
        let (answer, _) = self.attempt(operation, deadline).await?;
        Ok(answer)
    }

    /// One attempt: render and authenticate the request afresh (a signature is dated),
    /// send it, and read the answer within the size cap, all before `deadline`.
    async fn attempt<O>(
        &self,
        operation: &O,
        deadline: Option<Instant>,
    ) -> Result<(Answer, Authorized), ClientError>
    where
        O: Operation + ProjectScoped,
    {
        let (request, authorized) = self.render(operation, deadline).await?;
        let url = self.url(&request, O::OPERATION_ID)?;
        let started = Instant::now();
        let builder = self
            .http
            .request(url, request)
            .map_err(|bad| ClientError::Header { header: bad.header })?;
        let exchange = async {
            let response = builder
                .send()
                .await
                .map_err(|source| transport(O::OPERATION_ID, &self.endpoint, source))?;
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let request_id = transport::header_text(&headers, "x-request-id");
            let body = match transport::read_capped(response, MAX_RESPONSE_BYTES).await {
                Ok(body) => body,
                Err(ReadError::TooLarge { limit }) => {
                    return Err(ClientError::ResponseTooLarge {
                        operation: O::OPERATION_ID,
                        limit,
                        request_id,
                        attempts: 1,
                    });
                }
                Err(ReadError::Transport(source)) => {
                    return Err(self::transport(O::OPERATION_ID, &self.endpoint, source));
                }
            };
            Ok(Answer {
                status,
                headers,
                request_id,
                body,
            })
        };
        let answer = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, exchange)
                .await
                .unwrap_or(Err(ClientError::DeadlineExceeded {
                    operation: O::OPERATION_ID,
                    attempts: 1,
                })),
            None => exchange.await,
        }?;
        tracing::debug!(
            operation = O::OPERATION_ID,
            status = answer.status,
            request_id = answer.request_id.as_deref().unwrap_or(""),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "GES answered"
        );
        Ok((answer, authorized))
    }

    async fn render<O: Operation + ProjectScoped>(
        &self,
        operation: &O,
        deadline: Option<Instant>,
    ) -> Result<(OutgoingRequest, Authorized), ClientError> {
        let body = operation.body()?.unwrap_or_default();
        let mut headers: Vec<(&'static str, String)> = vec![
            ("Host", self.endpoint.host_header()),
            ("Content-Type", "application/json".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
        ];
        headers.extend(operation.headers());
        let mut request = OutgoingRequest {
            method: O::METHOD,
            path: format!("{}{}", self.endpoint.base_path(), operation.path()),
            query: operation
                .query()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
            headers,
            body,
        };
        let authorized = self
            .credentials
            .authorize(
                &self.http,
                &mut request,
                Some(operation.project_id()),
                OffsetDateTime::now_utc(),
                deadline,
            )
            .await?;
        Ok((request, authorized))
    }

    /// The URL for a rendered request. It must keep exactly the path that was rendered
    /// (and signed): a URL parser that resolved a `.` or `..` segment would send the
    /// request somewhere its parameters never named.
    fn url(&self, request: &OutgoingRequest, operation: &'static str) -> Result<Url, ClientError> {
        let url = request.url(&self.endpoint);
        if url.path() != request.path {
            return Err(ClientError::PathChanged {
                operation,
                rendered: request.path.clone(),
            });
        }
        Ok(url)
    }
}

/// An answer as it came, before it is decoded.
struct Answer {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    body: Bytes,
}

/// The last attempt's result, decoded, with the number of attempts made.
fn finish<O: Operation>(
    sent: Result<Answer, ClientError>,
    attempts: u32,
) -> Result<Reply<O::Response>, ClientError> {
    let answer = sent.map_err(|error| error.after(attempts))?;
    let raw = RawResponse {
        status: answer.status,
        request_id: answer.request_id,
        body: answer.body,
    };
    let response = O::decode(&raw).map_err(|source| ClientError::Decode { source, attempts })?;
    Ok(Reply {
        response,
        request_id: raw.request_id,
        attempts,
    })
}

fn transport(operation: &'static str, endpoint: &Endpoint, source: reqwest::Error) -> ClientError {
    // reqwest's message names the URL: the message names the endpoint already, and a
    // URL is no place to look for secrets in.
    let source = transport::quiet(source);
    if source.is_timeout() {
        ClientError::Timeout {
            operation,
            endpoint: endpoint.to_string(),
            source,
            attempts: 1,
        }
    } else {
        ClientError::Transport {
            operation,
            endpoint: endpoint.to_string(),
            source,
            attempts: 1,
        }
    }
}

impl From<CredentialsError> for ClientError {
    fn from(error: CredentialsError) -> Self {
        match error {
            CredentialsError::Sign(error) => Self::Sign(error),
            CredentialsError::Iam(error) => Self::Iam(error),
        }
    }
}

/// An error and its causes, as one line: reqwest's own message ("error sending
/// request") says little; the cause ("connection closed before message completed")
/// says what happened. None of them carries a header, so none carries a secret.
struct Causes<'a>(&'a reqwest::Error);

impl std::fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = std::error::Error::source(self.0);
        let mut shown = 0;
        while let Some(error) = cause {
            // At most a few causes, so that a message stays one short line.
            if shown == 4 {
                break;
            }
            write!(f, ": {error}")?;
            cause = error.source();
            shown += 1;
        }
        Ok(())
    }
}

/// A call that did not produce a documented answer.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The HTTP client could not be set up.
    #[error("could not set up the HTTPS client: {source}")]
    Build {
        /// Why.
        source: reqwest::Error,
    },
    /// The request could not be signed.
    #[error("could not sign the request with HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK: {0}")]
    Sign(#[from] SignatureError),
    /// IAM did not give a token.
    #[error(transparent)]
    Iam(#[from] IamError),
    /// The request body could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// A header's name or value cannot go in an HTTP header.
    #[error("header {header} cannot be sent: it holds characters an HTTP header cannot carry")]
    Header {
        /// The header's name.
        header: &'static str,
    },
    /// The URL parser changed the rendered path.
    #[error(
        "{operation}: refusing to send: the path {rendered:?} would change shape once parsed as a URL"
    )]
    PathChanged {
        /// The operation.
        operation: &'static str,
        /// The path as rendered.
        rendered: String,
    },
    /// GES could not be reached, or the connection broke.
    #[error(
        "{operation}: could not reach GES at {endpoint} after {}: {}; check the endpoint (GES_ENDPOINT or HUAWEICLOUD_SDK_REGION) and the network", Attempts(*attempts), Causes(source)
    )]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// GES did not answer in time.
    #[error(
        "{operation}: GES at {endpoint} did not answer in time ({}) after {}; it may be overloaded: try again later, or raise GES_REQUEST_TIMEOUT_SECS (GES_CONNECT_TIMEOUT_SECS if it was the connection)", Causes(source), Attempts(*attempts)
    )]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The deadline came before GES answered.
    #[error(
        "{operation}: the deadline came before GES answered, after {}", Attempts(*attempts)
    )]
    DeadlineExceeded {
        /// The operation.
        operation: &'static str,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The answer was larger than [`MAX_RESPONSE_BYTES`].
    #[error("{operation}: GES's answer is larger than {limit} bytes (request id {}, after {}); refusing to read it", request_id.as_deref().unwrap_or("none"), Attempts(*attempts))]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The cap.
        limit: usize,
        /// The `X-Request-Id`, if any.
        request_id: Option<String>,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The answer does not match the contract.
    #[error("{source} (after {})", Attempts(*attempts))]
    Decode {
        /// What does not match.
        source: DecodeError,
        /// How many times the request was sent.
        attempts: u32,
    },
}

impl ClientError {
    /// Whether another attempt may mend it: a connection that failed or broke, or an
    /// answer that did not come in time.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Transport { .. } | Self::Timeout { .. })
    }

    /// How many times the request was sent (0 when it never was).
    pub fn attempts(&self) -> u32 {
        match self {
            Self::Transport { attempts, .. }
            | Self::Timeout { attempts, .. }
            | Self::DeadlineExceeded { attempts, .. }
            | Self::ResponseTooLarge { attempts, .. }
            | Self::Decode { attempts, .. } => *attempts,
            _ => 0,
        }
    }

    /// The same error, saying that the request was sent `attempts` times.
    fn after(mut self, attempts: u32) -> Self {
        match &mut self {
            Self::Transport { attempts: n, .. }
            | Self::Timeout { attempts: n, .. }
            | Self::DeadlineExceeded { attempts: n, .. }
            | Self::ResponseTooLarge { attempts: n, .. }
            | Self::Decode { attempts: n, .. } => *n = attempts,
            _ => {}
        }
        self
    }
}
