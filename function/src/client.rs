//! One HTTP client that executes any generated GES operation: it renders the request,
//! authenticates it, sends it, reads the answer within a size cap and decodes it into
//! the operation's documented response type.

use std::time::Instant;

use bytes::{Bytes, BytesMut};
use ges_api::runtime::{DecodeError, EncodeError, Operation, RawResponse};
use ges_api::signing::SignatureError;
use ges_api::types::{ListGraphsRequest, ShowGraphRequest, ShowJobRequest, StopGraphRequest};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;
use url::Url;

use crate::config::Config;
use crate::credentials::{Credentials, OutgoingRequest};
use crate::endpoint::Endpoint;

/// The most of an answer the client reads. GES answers in a few hundred bytes; a list
/// of 1,000 graphs is well under this. More means something is wrong upstream, and
/// reading it all would only cost memory.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

const USER_AGENT: &str = concat!("ges-stop/", env!("CARGO_PKG_VERSION"));

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
}

/// Talks to one GES endpoint with one set of credentials. Cheap to share: build it
/// once and borrow it, so that connections are reused across calls.
#[derive(Debug, Clone)]
pub struct GesClient {
    http: reqwest::Client,
    endpoint: Endpoint,
    credentials: Credentials,
}

impl GesClient {
    /// A client for the configured endpoint and credentials.
    pub fn new(config: &Config) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .connect_timeout(config.timeouts.connect)
            .timeout(config.timeouts.request)
            // GES answers directly; a redirect would carry our signed headers elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ClientError::Build { source })?;
        Ok(Self {
            http,
            endpoint: config.endpoint.clone(),
            credentials: config.credentials.clone(),
        })
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends one operation and decodes the answer.
    pub async fn execute<O>(&self, operation: &O) -> Result<Reply<O::Response>, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        let request = self.render(operation)?;
        let url = self.url(&request, O::OPERATION_ID)?;
        let headers = header_map(&request.headers)?;
        let started = Instant::now();
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .headers(headers);
        // A POST with no body still says Content-Length: 0, as the SDK's does: some
        // gateways refuse a POST that gives no length at all.
        if request.method != http::Method::GET || !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        let response = builder
            .send()
            .await
            .map_err(|source| transport(O::OPERATION_ID, &self.endpoint, source))?;

        let status = response.status().as_u16();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = read_capped(response, O::OPERATION_ID, &self.endpoint, &request_id).await?;
        tracing::debug!(
            operation = O::OPERATION_ID,
            status,
            request_id = request_id.as_deref().unwrap_or(""),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "GES answered"
        );
        let raw = RawResponse {
            status,
            request_id,
            body,
        };
        let response = O::decode(&raw)?;
        Ok(Reply {
            response,
            request_id: raw.request_id,
        })
    }

    fn render<O: Operation + ProjectScoped>(
        &self,
        operation: &O,
    ) -> Result<OutgoingRequest, ClientError> {
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
        self.credentials.authorize(
            &mut request,
            operation.project_id(),
            OffsetDateTime::now_utc(),
        )?;
        Ok(request)
    }

    /// The URL for a rendered request. It must keep exactly the path that was rendered
    /// (and signed): a URL parser that resolved a `.` or `..` segment would send the
    /// request somewhere its parameters never named.
    fn url(&self, request: &OutgoingRequest, operation: &'static str) -> Result<Url, ClientError> {
        let mut url = self.endpoint.url().clone();
        url.set_path(&request.path);
        let query = request.query_string();
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        if url.path() != request.path {
            return Err(ClientError::PathChanged {
                operation,
                rendered: request.path.clone(),
            });
        }
        Ok(url)
    }
}

fn header_map(headers: &[(&'static str, String)]) -> Result<HeaderMap, ClientError> {
    let mut map = HeaderMap::with_capacity(headers.len());
    // `Host` is signed but not set here: the HTTP client derives the same value from
    // the URL (host, and the port when it is not the default) and, over HTTP/2, must
    // send it as `:authority` rather than as a header.
    for (name, value) in headers.iter().filter(|(name, _)| *name != "Host") {
        let header = || ClientError::Header { header: name };
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| header())?;
        let header_value = HeaderValue::from_str(value).map_err(|_| header())?;
        map.append(header_name, header_value);
    }
    Ok(map)
}

async fn read_capped(
    mut response: reqwest::Response,
    operation: &'static str,
    endpoint: &Endpoint,
    request_id: &Option<String>,
) -> Result<Bytes, ClientError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_RESPONSE_BYTES as u64)
    {
        return Err(ClientError::ResponseTooLarge {
            operation,
            limit: MAX_RESPONSE_BYTES,
            request_id: request_id.clone(),
        });
    }
    let mut body = BytesMut::new();
    // Bounded: each chunk grows `body`, and the loop ends once it passes the cap.
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|source| transport(operation, endpoint, source))?
    {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ClientError::ResponseTooLarge {
                operation,
                limit: MAX_RESPONSE_BYTES,
                request_id: request_id.clone(),
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn transport(operation: &'static str, endpoint: &Endpoint, source: reqwest::Error) -> ClientError {
    // reqwest's message names the URL: ours carries no secret (credentials travel in
    // headers), but strip it anyway so the message stays short and stable.
    let source = source.without_url();
    if source.is_timeout() {
        ClientError::Timeout {
            operation,
            endpoint: endpoint.to_string(),
            source,
        }
    } else {
        ClientError::Transport {
            operation,
            endpoint: endpoint.to_string(),
            source,
        }
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
        "{operation}: could not reach GES at {endpoint}: {source}; check the endpoint (GES_ENDPOINT or HUAWEICLOUD_SDK_REGION) and the network"
    )]
    Transport {
        /// The operation.
        operation: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong.
        source: reqwest::Error,
    },
    /// GES did not answer in time.
    #[error(
        "{operation}: GES at {endpoint} did not answer in time ({source}); it may be overloaded: try again later, or raise GES_REQUEST_TIMEOUT_SECS"
    )]
    Timeout {
        /// The operation.
        operation: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong.
        source: reqwest::Error,
    },
    /// The answer was larger than [`MAX_RESPONSE_BYTES`].
    #[error("{operation}: GES's answer is larger than {limit} bytes (request id {}); refusing to read it", request_id.as_deref().unwrap_or("none"))]
    ResponseTooLarge {
        /// The operation.
        operation: &'static str,
        /// The cap.
        limit: usize,
        /// The `X-Request-Id`, if any.
        request_id: Option<String>,
    },
    /// The answer does not match the contract.
    #[error(transparent)]
    Decode(#[from] DecodeError),
}
