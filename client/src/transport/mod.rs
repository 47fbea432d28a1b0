//! The one way ges-stop talks HTTP: every `reqwest::Client` in the workspace is built
//! here ([`build_client`]), with one user agent, no redirects and the TLS trust of
//! `tls.rs`; requests go on the wire from an [`OutgoingRequest`] whose headers
//! become one [`HeaderMap`] ([`header_map`]) with the credential headers marked
//! sensitive; answers are read within a size cap ([`read_capped`]); and reqwest's errors
//! lose the URL they carry ([`quiet`]) before anyone formats them.
//!
//! A leaf apart from `tls.rs`, `retry.rs` and `config/endpoint.rs`: the GES
//! client, the credentials, IAM and the secrets extension all use it, and it uses none of
//! them.

pub(crate) mod retry;
pub(crate) mod tls;

pub use retry::Attempts;
/// The retry budget's size and the shortest attempt, for tests that drive them.
#[cfg(feature = "test-support")]
pub use retry::{MIN_ATTEMPT_TIME, RetryBudget};
pub use tls::{SSL_CERT_DIR, SSL_CERT_FILE, TlsError, Trust, client_config};

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use ges_api::runtime::{DecodeError, EncodeError, Operation, RawResponse};
use ges_api::signing::{self, RequestView};
use http::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::config::endpoint::Endpoint;
use crate::transport::retry::RetryPolicy;

/// The `User-Agent` of every request ges-stop sends.
pub const USER_AGENT: &str = concat!("ges-stop/", env!("CARGO_PKG_VERSION"));

/// The headers that carry a credential: their values are marked sensitive, so that
/// `Debug` of a request or header map (and any tracing of it) shows `Sensitive`, and
/// hyper keeps them out of its HPACK table were HTTP/2 ever turned on. Answers' are
/// marked too ([`Transport::exchange`]): IAM answers its token in `X-Subject-Token`.
pub const CREDENTIAL_HEADERS: &[&str] = &[
    "X-Subject-Token",
    "X-Auth-Token",
    "Authorization",
    "X-Security-Token",
    "X-Amz-Security-Token",
    "X-Aws-Parameters-Secrets-Token",
];

/// Whether `name` is one of [`CREDENTIAL_HEADERS`], in any case.
pub fn is_credential_header(name: &str) -> bool {
    CREDENTIAL_HEADERS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(name))
}

/// How long to wait for an upstream (GES or IAM).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// For a TCP and TLS connection.
    pub connect: Duration,
    /// For one whole request, from sending it to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    /// The official SDK waits 60 s to connect and 120 s to read; a stop answers in well
    /// under a second, and a Lambda invocation has its own deadline, so we give up far
    /// sooner and leave time to report.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(30),
        }
    }
}

/// What differs between the HTTP clients ges-stop builds.
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Connect and request timeouts; none for a client that sets them per request.
    pub timeouts: Option<Timeouts>,
    /// The trusted roots; `None` for the compiled-in ones only (plain-HTTP clients to
    /// loopback need a TLS configuration to build, but never use it).
    pub trust: Option<Trust>,
    /// No proxy, whatever `HTTPS_PROXY`/`HTTP_PROXY` say: for loopback servers (the
    /// Secrets extension, the Runtime API) that must not see a proxy, nor a proxy them.
    pub no_proxy: bool,
}

/// Builds an HTTP client: the only `reqwest::Client::builder()` call in ges-stop, so that
/// every client has the same user agent, redirect policy and TLS provider (a client
/// built without `tls.rs`'s configuration panics: see there).
pub fn build_client(options: ClientOptions) -> Result<reqwest::Client, reqwest::Error> {
    let tls = match &options.trust {
        Some(trust) => trust.client_config(),
        None => crate::transport::tls::client_config(),
    };
    let mut builder = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        // GES and IAM answer directly; a redirect would carry our signed headers and
        // tokens to a host nobody configured.
        .redirect(reqwest::redirect::Policy::none())
        .tls_backend_preconfigured(tls);
    if let Some(timeouts) = options.timeouts {
        builder = builder
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request);
    }
    if options.no_proxy {
        builder = builder.no_proxy();
    }
    builder.build().map_err(quiet)
}

/// The HTTP client GES and IAM calls share (connections, timeouts, trust), and the
/// retry policy of the calls the transport retries itself (IAM's). Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    retry: RetryPolicy,
}

impl Transport {
    /// A transport with these timeouts, retry policy and trust.
    pub fn new(
        timeouts: Timeouts,
        retry: RetryPolicy,
        trust: &Trust,
    ) -> Result<Self, reqwest::Error> {
        let http = build_client(ClientOptions {
            timeouts: Some(timeouts),
            trust: Some(trust.clone()),
            no_proxy: false,
        })?;
        Ok(Self { http, retry })
    }

    /// A transport with the default timeouts, retries and trust, for a command that
    /// reads no configuration (`schedules check` fetching calendars).
    pub fn standalone() -> Result<Self, reqwest::Error> {
        Self::new(
            Timeouts::default(),
            RetryPolicy::default(),
            &Trust::default(),
        )
    }

    /// The HTTP client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// How failed IAM calls are tried again: as GES calls are.
    pub fn retry(&self) -> RetryPolicy {
        self.retry
    }

    /// Starts a request from a rendered one, to `url` (see [`OutgoingRequest::url`]):
    /// its headers ([`header_map`]) and its body (a POST with none still says
    /// `Content-Length: 0`, as the SDK's does: some gateways refuse a POST that gives
    /// no length at all).
    pub fn request(
        &self,
        url: Url,
        request: OutgoingRequest,
    ) -> Result<reqwest::RequestBuilder, BadHeader> {
        let headers = header_map(&request.headers)?;
        let mut builder = self
            .http
            .request(request.method.clone(), url)
            .headers(headers);
        if request.method != http::Method::GET || !request.body.is_empty() {
            builder = builder.body(request.body);
        }
        Ok(builder)
    }

    /// One exchange, GES's or IAM's: sends `request` to `url` and reads the answer's
    /// body within `limit` bytes. No retry and no deadline: those are the caller's.
    pub async fn exchange(
        &self,
        url: Url,
        request: OutgoingRequest,
        limit: usize,
    ) -> Result<Exchanged, ExchangeError> {
        let response = self
            .request(url, request)
            .map_err(ExchangeError::Header)?
            .send()
            .await
            .map_err(|source| ExchangeError::Transport(quiet(source)))?;
        let status = response.status().as_u16();
        let mut headers = response.headers().clone();
        for (name, value) in headers.iter_mut() {
            value.set_sensitive(is_credential_header(name.as_str()));
        }
        match read_capped(response, limit).await {
            Ok(body) => Ok(Exchanged {
                status,
                headers,
                body,
            }),
            Err(ReadError::TooLarge { limit }) => Err(ExchangeError::TooLarge { limit, headers }),
            Err(ReadError::Transport(source)) => Err(ExchangeError::Transport(source)),
        }
    }
}

/// An answer as it came, its body read within the cap, before it is decoded.
#[derive(Debug)]
pub struct Exchanged {
    /// The HTTP status code.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl Exchanged {
    /// The answer decoded as `O`'s documented response, with the response headers the
    /// contract declares for its status code; `request_id` is what the caller's service
    /// calls its request id (the errors keep it).
    pub fn decode<O: Operation>(
        &self,
        request_id: Option<String>,
    ) -> Result<O::Response, ges_api::runtime::DecodeError> {
        let raw = RawResponse {
            status: self.status,
            request_id,
            body: self.body.clone(),
        };
        O::decode_with_headers(&raw, &self.headers)
    }
}

/// Why an exchange brought no answer.
#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// A header cannot be sent; nothing was.
    #[error(transparent)]
    Header(BadHeader),
    /// The connection failed or broke, or the answer did not come in time (already
    /// [`quiet`]).
    #[error(transparent)]
    Transport(reqwest::Error),
    /// The answer's body is larger than the cap; nothing past it was read.
    #[error("the answer is larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
        /// The answer's headers, which say its request id.
        headers: HeaderMap,
    },
}

/// A credential service's error code (IAM's, either STS's), as a message may quote it:
/// 1 to 64 letters, digits, `.` and `_` (`AccessDenied`, `STS5.1206`, `IAM.0001`, `401`),
/// which the README's troubleshooting is keyed on. Anything else (a code that is a
/// sentence, or that holds a token) is not quoted: these services' answers may hold a
/// credential, so no byte of one reaches a message unless it is plainly a code.
pub fn plain_code(code: &str) -> Option<String> {
    let code = code.trim();
    let plain = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_');
    plain.then(|| code.to_owned())
}

/// A Huawei Cloud credential service's error code: what the contract's error type
/// decoded (`said_code`), else from the raw body in either shape Huawei's services
/// answer (the gateway's `{"error_code"}` or Keystone's `{"error": {"code"}}`, a number
/// the contract's type cannot hold); only a [`plain_code`]. Never the service's message:
/// STS's can repeat the ID token it refused.
pub fn refusal_code(body: &[u8], said_code: Option<&str>) -> Option<String> {
    if let Some(code) = said_code {
        return plain_code(code);
    }
    let raw: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |value: &serde_json::Value| match value {
        serde_json::Value::String(text) => plain_code(text),
        serde_json::Value::Number(number) => plain_code(&number.to_string()),
        _ => None,
    };
    text(&raw["error_code"]).or_else(|| text(&raw["error"]["code"]))
}

/// A request id as a message may show it: 1 to 128 letters, digits and `-_.:`, which
/// Huawei's (hexadecimal) and AWS's (UUIDs) are; anything else is not shown, since it
/// came from a service whose answers may hold a credential, and a message has a bound.
pub fn plain_request_id(id: &str) -> Option<String> {
    let id = id.trim();
    let plain = (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.:".contains(&byte));
    plain.then(|| id.to_owned())
}

/// What is wrong with a credential service's answer that did not decode, for a
/// "cannot be used" message: where and how it breaks the contract, never what it
/// holds (the contracts of IAM and STS withhold their answers: [`DecodeError`]'s
/// parts name fields and headers, not values).
pub fn undecodable(error: &DecodeError) -> String {
    match error {
        DecodeError::InvalidBody { status, source, .. } => {
            format!("its HTTP {status} body does not match the contract: {source}")
        }
        DecodeError::UnexpectedStatus { status, body, .. } => format!(
            "it answered HTTP {status}, which the contract does not document for a success; \
             {body}"
        ),
        DecodeError::MissingHeader { header, .. } => {
            format!("the answer has no {header} header")
        }
        DecodeError::InvalidHeader { header, reason, .. } => {
            format!("the {header} header cannot be used: {reason}")
        }
    }
}

/// A request as it will go on the wire, before it is handed to the HTTP client: what
/// the signer signs is byte for byte what is sent. Cloned to send it again: each attempt
/// is authenticated afresh.
#[derive(Clone)]
pub struct OutgoingRequest {
    /// The HTTP method.
    pub method: http::Method,
    /// The path, percent-encoded, base path included.
    pub path: String,
    /// The query parameters, not encoded.
    pub query: Vec<(String, String)>,
    /// Every header to send, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body; empty for none.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for OutgoingRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Credential headers by name only: their values are tokens and signatures.
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(name, value)| {
                let shown = if is_credential_header(name) {
                    "[REDACTED]"
                } else {
                    value.as_str()
                };
                (*name, shown)
            })
            .collect();
        f.debug_struct("OutgoingRequest")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("headers", &headers)
            // A body may hold a password (IAM's token request).
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl OutgoingRequest {
    /// `operation` rendered for `endpoint`: its method, its path under the endpoint's
    /// base path, its query and its body (empty for none), as the generated code renders
    /// them; `headers` first (the caller's `Host`, `User-Agent` and `Content-Type`, in
    /// the order it sends them), then the operation's own header parameters.
    pub fn for_operation<O: Operation>(
        endpoint: &Endpoint,
        operation: &O,
        mut headers: Vec<(&'static str, String)>,
    ) -> Result<Self, EncodeError> {
        headers.extend(operation.headers());
        Ok(Self {
            method: O::METHOD,
            path: format!("{}{}", endpoint.base_path(), operation.path()),
            query: operation
                .query()
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect(),
            headers,
            body: operation.body()?.unwrap_or_default(),
        })
    }

    /// The query string as sent: the signer's canonical form, so that what is signed
    /// is byte for byte what is sent.
    pub fn query_string(&self) -> String {
        signing::canonical_query(&self.query)
    }

    /// The URL on `endpoint`: its scheme, host and port, this request's path and query.
    pub fn url(&self, endpoint: &Endpoint) -> Url {
        let mut url = endpoint.url().clone();
        url.set_path(&self.path);
        let query = self.query_string();
        url.set_query((!query.is_empty()).then_some(query.as_str()));
        url
    }

    /// What the signer reads.
    pub(crate) fn signing_view(&self) -> RequestView<'_> {
        RequestView {
            method: self.method.as_str(),
            path: &self.path,
            query: self
                .query
                .iter()
                .map(|(key, value)| (key.as_str(), value.as_str()))
                .collect(),
            headers: self
                .headers
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect(),
            body: &self.body,
        }
    }
}

/// A header whose name or value cannot go in an HTTP header. Names the header, never
/// its value (which may be a credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("header {header} cannot be sent: it holds characters an HTTP header cannot carry")]
pub struct BadHeader {
    /// The header's name.
    pub header: &'static str,
}

/// Whether `value` can go in a header as every credential ges-stop sends does: visible
/// ASCII and spaces only. A control character (a line break pasted with a token) or a
/// non-ASCII one cannot be sent at all; configuration refuses such a credential at
/// start-up, naming its variable, rather than failing each call later.
pub fn is_header_text(value: &str) -> bool {
    value.bytes().all(|byte| (b' '..=b'~').contains(&byte))
}

/// The headers to send, with [`CREDENTIAL_HEADERS`] marked sensitive. `Host` is signed
/// but not set here: the HTTP client derives the same value from the URL (host, and the
/// port when it is not the default) and, over HTTP/2, must send it as `:authority`.
pub fn header_map(headers: &[(&'static str, String)]) -> Result<HeaderMap, BadHeader> {
    let mut map = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers.iter().filter(|(name, _)| *name != "Host") {
        let bad = || BadHeader { header: name };
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
        let mut header_value = HeaderValue::from_str(value).map_err(|_| bad())?;
        header_value.set_sensitive(is_credential_header(name));
        map.append(header_name, header_value);
    }
    Ok(map)
}

/// Why an answer's body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// More than the cap; nothing past it was read.
    #[error("the answer is larger than {limit} bytes")]
    TooLarge {
        /// The cap.
        limit: usize,
    },
    /// The connection failed while the body came.
    #[error(transparent)]
    Transport(reqwest::Error),
}

/// Reads an answer's body, refusing one larger than `limit` bytes: by its
/// `Content-Length` before reading, else as soon as the chunks pass it.
pub async fn read_capped(
    mut response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, ReadError> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ReadError::TooLarge { limit });
    }
    let mut body = BytesMut::new();
    // Bounded: each chunk grows `body`, and the loop ends once it passes the cap.
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| ReadError::Transport(quiet(error)))?
    {
        if body.len() + chunk.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A reqwest error without the URL it names: a URL may carry a query or user info
/// nobody should read in a log, and the message around it names the endpoint anyway.
/// Every reqwest error that reaches an error of ours goes through here.
pub fn quiet(error: reqwest::Error) -> reqwest::Error {
    error.without_url()
}

/// The request id a response gave in the header `name`, if it is a [`plain_request_id`].
pub fn request_id_header(headers: &HeaderMap, name: &str) -> Option<String> {
    header_text(headers, name).and_then(|id| plain_request_id(&id))
}

/// The header value a response gave `name`, if it is text.
pub fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers() -> Vec<(&'static str, String)> {
        vec![
            ("Host", "ges.example.com".to_owned()),
            ("User-Agent", USER_AGENT.to_owned()),
            ("X-Auth-Token", "very-secret-token".to_owned()),
            (
                "Authorization",
                "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=very-secret-sig"
                    .to_owned(),
            ),
            ("X-Security-Token", "very-secret-security".to_owned()),
            ("X-Project-Id", "p".to_owned()),
        ]
    }

    #[test]
    fn credential_headers_are_marked_sensitive() {
        let map = header_map(&headers()).unwrap();
        for name in ["x-auth-token", "authorization", "x-security-token"] {
            assert!(map[name].is_sensitive(), "{name}");
        }
        assert!(!map["user-agent"].is_sensitive());
        assert!(!map["x-project-id"].is_sensitive());
        assert!(map.get("host").is_none(), "Host comes from the URL");
        let shown = format!("{map:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }

    #[test]
    fn a_built_request_shows_no_secret() {
        let transport = Transport::new(
            Timeouts::default(),
            RetryPolicy::default(),
            &Trust::compiled_in(),
        )
        .unwrap();
        let endpoint: Endpoint = "https://ges.example.com".parse().unwrap();
        // A real token request: its body holds a password.
        let token_request = ges_api::iam::CreateTokenRequest {
            nocatalog: Some(true),
            body: ges_api::iam::TokenRequest {
                auth: ges_api::iam::Auth {
                    identity: ges_api::iam::Identity {
                        methods: vec![ges_api::iam::IdentityMethod::Password],
                        password: Some(ges_api::iam::PasswordIdentity {
                            user: ges_api::iam::PasswordUser {
                                domain: ges_api::iam::DomainName { name: "d".into() },
                                name: "u".into(),
                                password: "very-secret-password".into(),
                            },
                        }),
                        assume_role: None,
                    },
                    scope: None,
                },
            },
        };
        let outgoing =
            OutgoingRequest::for_operation(&endpoint, &token_request, headers()).unwrap();
        assert!(
            String::from_utf8_lossy(&outgoing.body).contains("very-secret-password"),
            "the password goes in the body"
        );
        let shown = format!("{outgoing:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let url = outgoing.url(&endpoint);
        let request = transport.request(url, outgoing).unwrap().build().unwrap();
        for name in ["x-auth-token", "authorization", "x-security-token"] {
            assert!(request.headers()[name].is_sensitive(), "{name}");
        }
        let shown = format!("{request:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("Sensitive"), "{shown}");
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_named_without_its_value() {
        let err = header_map(&[("X-Auth-Token", "very-secret\nx".to_owned())]).unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(
            shown.contains("X-Auth-Token") && !shown.contains("very-secret"),
            "{shown}"
        );
    }

    #[test]
    fn only_plain_codes_and_request_ids_are_quoted() {
        for code in ["AccessDenied", "STS5.1206", "IAM.0001", "401", "Throttling"] {
            assert_eq!(plain_code(code).as_deref(), Some(code));
        }
        for code in [
            "",
            "The token eyJhbGciOiJSUzI1NiJ9.eyJ4IjoxfQ.c2ln is invalid",
            "a/b",
            &"A".repeat(65),
        ] {
            assert_eq!(plain_code(code), None, "{code}");
        }
        let keystone = br#"{"error":{"code":401,"message":"The password is wrong."}}"#;
        assert_eq!(refusal_code(keystone, None).as_deref(), Some("401"));
        let gateway = br#"{"error_code":"APIGW.0301","error_msg":"eyJ.secret.x"}"#;
        assert_eq!(refusal_code(gateway, None).as_deref(), Some("APIGW.0301"));
        assert_eq!(refusal_code(b"<html>eyJ</html>", None), None);
        assert_eq!(refusal_code(gateway, Some("has space")), None);
        assert_eq!(plain_request_id("0a1b-2c3d").as_deref(), Some("0a1b-2c3d"));
        assert_eq!(plain_request_id(&"a".repeat(129)), None);
        assert_eq!(plain_request_id("a b"), None);
    }
}
