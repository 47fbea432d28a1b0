//! One HTTP client that executes any generated GES operation: it renders the request,
//! authenticates it, sends it, reads the answer within a size cap and decodes it into
//! the operation's documented response type.

use std::sync::Arc;
use std::time::SystemTime;

/// What the contract says about a request's project: generated for every operation
/// whose path names one, which the signer and the token cache scope the request to.
pub(crate) use ges_api::runtime::ProjectScoped;
use ges_api::runtime::{DecodeError, EncodeError, Operation};
use ges_api::signing::SignatureError;
use http::header::HeaderMap;
use time::OffsetDateTime;
use tokio::time::Instant;
use url::Url;

use crate::config::Config;
use crate::config::endpoint::Endpoint;
use crate::credentials::iam::IamError;
use crate::credentials::{Authorized, Credentials, CredentialsError};
use crate::failure::FailureKind;
use crate::federation::error::FederationError;
use crate::transport::retry::{self, Attempts, GiveUp, Next, RetryBudget, Verdict};
use crate::transport::{self, ExchangeError, Exchanged, OutgoingRequest, Transport, USER_AGENT};

/// The most of an answer the client reads. GES answers in a few hundred bytes; a list
/// of 1,000 graphs is well under this. More means something is wrong upstream, and
/// reading it all would only cost memory.
pub const MAX_RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// A decoded answer and the request id GES gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<R> {
    /// The documented answer.
    pub response: R,
    /// The `X-Request-Id` header, which GES support asks for.
    pub request_id: Option<String>,
    /// How the attempts went: how many were sent, the first included.
    pub attempts: Attempts,
    /// How many bytes the answer's body held, as read: what a listing counts against
    /// its bound on the bytes of all its pages.
    pub body_bytes: usize,
}

/// Talks to one GES endpoint with one set of credentials. Cheap to share: build it
/// once and borrow it, so that connections are reused across calls.
#[derive(Debug, Clone)]
pub struct GesClient {
    http: Transport,
    endpoint: Endpoint,
    credentials: Credentials,
    budget: Arc<RetryBudget>,
}

impl GesClient {
    /// A client for the configured endpoint and credentials.
    pub fn new(config: &Config) -> Result<Self, ClientError> {
        let http = Transport::new(config.timeouts, config.retry, &config.trust)
            .map_err(|source| ClientError::new(ClientErrorKind::Build { source }))?;
        Ok(Self {
            http,
            endpoint: config.endpoint.clone(),
            credentials: config.credentials.clone(),
            budget: Arc::new(RetryBudget::new()),
        })
    }

    /// The same client with a full retry budget of its own, shared by every call made
    /// through it and its [`GesClient::with_endpoint`]s: one per run (a Lambda
    /// invocation), so that a failing GES meets a bounded number of retries per run and
    /// one run's failures do not starve the next. The command line runs once per
    /// process: [`GesClient::new`]'s budget is that run's.
    pub fn for_run(&self) -> Self {
        Self {
            budget: Arc::new(RetryBudget::new()),
            ..self.clone()
        }
    }

    /// The same client, signing with `credentials` instead: a run's own.
    pub(crate) fn with_credentials(&self, credentials: Credentials) -> Self {
        Self {
            credentials,
            ..self.clone()
        }
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
    /// `RetryPolicy` says, with no deadline but the timeouts (the command line).
    pub async fn execute<O>(&self, operation: &O) -> Result<Reply<O::Response>, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        self.execute_before(operation, None).await
    }

    /// Sends one operation and decodes the answer. A connection that fails or breaks,
    /// an answer that does not come in time, and `429`, `500`, `502`, `503`, `504` are
    /// tried again (see `transport/retry.rs`); no attempt or pause runs past `deadline`.
    /// The answer, or the error, says how many attempts were made.
    pub async fn execute_before<O>(
        &self,
        operation: &O,
        deadline: Option<Instant>,
    ) -> Result<Reply<O::Response>, ClientError>
    where
        O: Operation + ProjectScoped,
    {
        // Only the rendering and the decoding know the operation's type: the attempts,
        // retries and signing between them are one function for every operation, not a
        // copy of them in the Lambda binary per operation it sends.
        let template = OutgoingRequest::for_operation(
            &self.endpoint,
            operation,
            vec![
                ("Host", self.endpoint.host_header()),
                ("Content-Type", "application/json".to_owned()),
                ("User-Agent", USER_AGENT.to_owned()),
            ],
        );
        let (sent, attempts) = match template {
            Ok(template) => {
                let call = Call {
                    template: &template,
                    operation_id: O::OPERATION_ID,
                    project_id: operation.project_id().as_ref(),
                };
                self.send_with_retries(call, deadline).await
            }
            Err(error) => {
                let mut attempts = Attempts::default();
                attempts.record_sent(false);
                (Err(error.into()), attempts)
            }
        };
        finish::<O>(sent, attempts)
    }

    /// Sends a rendered call until it is answered for good, retrying as the policy and
    /// the budget allow: the answer, or the last error, and the attempts made.
    async fn send_with_retries(
        &self,
        call: Call<'_>,
        deadline: Option<Instant>,
    ) -> (Result<Answer, ClientError>, Attempts) {
        let mut attempts = Attempts::default();
        // What the last retry took from the budget: an answer after it gives it back.
        let mut last_cost = 0;
        loop {
            let started = Instant::now();
            let sent = self.send_authorized(call, deadline, &mut attempts).await;
            let verdict = match &sent {
                Ok(answer) => retry::verdict_on_answer(
                    answer.exchanged.status,
                    &answer.exchanged.headers,
                    SystemTime::now(),
                ),
                Err(error) if error.is_retryable() => {
                    if error.may_have_been_carried_out() {
                        attempts.record_unanswered();
                    }
                    Verdict::Retry {
                        retry_after: None,
                        unanswered: true,
                    }
                }
                Err(_) => Verdict::Final,
            };
            // The transport holds the one copy of the policy, for IAM's calls too.
            let mut next =
                self.http
                    .retry()
                    .next(attempts.charged(), verdict, Instant::now(), deadline);
            if matches!(next, Next::RetryAfter(_)) {
                let cost = RetryBudget::cost(verdict);
                if self.budget.withdraw(cost) {
                    last_cost = cost;
                } else {
                    attempts.record_budget_spent();
                    next = Next::GiveUp(GiveUp::BudgetSpent);
                }
            }
            // Only for the log lines below: a call that succeeds formats nothing.
            let failure = || match &sent {
                Ok(answer) => format!("HTTP {}", answer.exchanged.status),
                Err(error) => error.to_string(),
            };
            match next {
                Next::RetryAfter(pause) => {
                    tracing::info!(
                        operation = call.operation_id,
                        attempt = attempts.sent(),
                        elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
                        pause_ms = pause.as_secs_f64() * 1e3,
                        failure = %failure(),
                        "GES call failed; trying again"
                    );
                    tokio::time::sleep(pause).await;
                }
                Next::GiveUp(why) => {
                    if why == GiveUp::Final && sent.is_ok() {
                        // GES answered on purpose: it is well enough to earn retries back.
                        self.budget.refund(match last_cost {
                            0 => RetryBudget::SUCCESS_REFUND,
                            cost => cost,
                        });
                    }
                    if why != GiveUp::Final {
                        tracing::warn!(
                            operation = call.operation_id,
                            attempts = attempts.sent(),
                            reason = ?why,
                            failure = %failure(),
                            "GES call failed; not trying again"
                        );
                    }
                    return (sent, attempts);
                }
            }
        }
    }

    /// One attempt, plus one more when GES refused (`401`) the cached IAM token the
    /// first was sent with: the token is dropped and the request sent again with a
    /// fresh one. Once only, so that credentials GES keeps refusing end in `401`.
    /// Both count in `attempts`; the second is not charged against the policy's.
    async fn send_authorized(
        &self,
        call: Call<'_>,
        deadline: Option<Instant>,
        attempts: &mut Attempts,
    ) -> Result<Answer, ClientError> {
        attempts.record_sent(false);
        let (answer, authorized) = self.attempt(call, deadline).await?;
        if answer.exchanged.status != 401 || !self.credentials.reject(authorized).await {
            return Ok(answer);
        }
        tracing::info!(
            operation = call.operation_id,
            request_id = answer.request_id.as_deref().unwrap_or(""),
            "GES refused the IAM token (401); sending once more with a fresh token"
        );
        attempts.record_sent(true);
        let (answer, _) = self.attempt(call, deadline).await?;
        Ok(answer)
    }

    /// One attempt: render and authenticate the request afresh (a signature is dated),
    /// send it, and read the answer within the size cap, all before `deadline`.
    async fn attempt(
        &self,
        call: Call<'_>,
        deadline: Option<Instant>,
    ) -> Result<(Answer, Authorized), ClientError> {
        let (request, authorized) = self.render(call, deadline).await?;
        let url = self.url(&request, call.operation_id)?;
        let started = Instant::now();
        let exchange = async {
            let exchanged = self
                .http
                .exchange(url, request, MAX_RESPONSE_BYTES)
                .await
                .map_err(|error| match error {
                    ExchangeError::Header(bad) => {
                        ClientError::new(ClientErrorKind::Header { header: bad.header })
                    }
                    ExchangeError::Transport(source) => {
                        transport(call.operation_id, &self.endpoint, source)
                    }
                    ExchangeError::TooLarge { limit, headers } => ClientError::of(
                        call.operation_id,
                        ClientErrorKind::ResponseTooLarge {
                            limit,
                            request_id: request_id(&headers),
                        },
                    ),
                })?;
            Ok(Answer {
                request_id: request_id(&exchanged.headers),
                exchanged,
            })
        };
        let answer = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, exchange)
                .await
                .unwrap_or(Err(ClientError::of(
                    call.operation_id,
                    ClientErrorKind::DeadlineExceeded,
                ))),
            None => exchange.await,
        }?;
        tracing::debug!(
            operation = call.operation_id,
            status = answer.exchanged.status,
            request_id = answer.request_id.as_deref().unwrap_or(""),
            elapsed_ms = started.elapsed().as_secs_f64() * 1e3,
            "GES answered"
        );
        Ok((answer, authorized))
    }

    /// The call's request, authenticated afresh: a signature is dated.
    async fn render(
        &self,
        call: Call<'_>,
        deadline: Option<Instant>,
    ) -> Result<(OutgoingRequest, Authorized), ClientError> {
        let mut request = call.template.clone();
        let authorized = self
            .credentials
            .authorize(
                &self.http,
                &mut request,
                Some(call.project_id),
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
            return Err(ClientError::of(
                operation,
                ClientErrorKind::PathChanged {
                    rendered: request.path.clone(),
                },
            ));
        }
        Ok(url)
    }
}

/// One operation's request as rendered, before it is authenticated, with what the
/// attempts need to know of the operation.
#[derive(Clone, Copy)]
struct Call<'a> {
    template: &'a OutgoingRequest,
    operation_id: &'static str,
    project_id: &'a str,
}

/// An answer as it came, before it is decoded, and its request id.
struct Answer {
    exchanged: Exchanged,
    request_id: Option<String>,
}

/// The request id GES gave an answer.
fn request_id(headers: &HeaderMap) -> Option<String> {
    transport::header_text(headers, "x-request-id")
}

/// The last attempt's result, decoded, with the number of attempts made.
fn finish<O: Operation>(
    sent: Result<Answer, ClientError>,
    attempts: Attempts,
) -> Result<Reply<O::Response>, ClientError> {
    let answer = sent.map_err(|error| error.after(O::OPERATION_ID, attempts))?;
    let body_bytes = answer.exchanged.body.len();
    let response = answer
        .exchanged
        .decode::<O>(answer.request_id.clone())
        .map_err(|source| {
            ClientError::of(O::OPERATION_ID, ClientErrorKind::Decode { source })
                .after(O::OPERATION_ID, attempts)
        })?;
    Ok(Reply {
        response,
        request_id: answer.request_id,
        attempts,
        body_bytes,
    })
}

fn transport(operation: &'static str, endpoint: &Endpoint, source: reqwest::Error) -> ClientError {
    // reqwest's message names the URL: the message names the endpoint already, and a
    // URL is no place to look for secrets in.
    let source = transport::quiet(source);
    let endpoint = endpoint.to_string();
    let kind = if source.is_timeout() {
        ClientErrorKind::Timeout { endpoint, source }
    } else {
        ClientErrorKind::Transport { endpoint, source }
    };
    ClientError::of(operation, kind)
}

impl From<CredentialsError> for ClientError {
    fn from(error: CredentialsError) -> Self {
        match error {
            CredentialsError::Sign(error) => error.into(),
            CredentialsError::Iam(error) => error.into(),
            CredentialsError::Federation(error) => Self::new(ClientErrorKind::Federation(error)),
            CredentialsError::NoneConfigured => Self::new(ClientErrorKind::NoCredentials),
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

/// A call that did not produce a documented answer: what went wrong ([`ClientErrorKind`]),
/// with the operation and the attempts beside it, as smithy's `SdkError` keeps its
/// metadata beside the kind.
#[derive(Debug)]
pub struct ClientError {
    operation: Option<&'static str>,
    attempts: Attempts,
    // Boxed: a rare error need not make every `Result` of a call large.
    kind: Box<ClientErrorKind>,
}

/// What went wrong with a call.
#[derive(Debug)]
#[non_exhaustive]
pub enum ClientErrorKind {
    /// The HTTP client could not be set up.
    Build {
        /// Why.
        source: reqwest::Error,
    },
    /// The request could not be signed.
    Sign(SignatureError),
    /// IAM did not give a token.
    Iam(IamError),
    /// STS did not give temporary credentials.
    Federation(FederationError),
    /// No credentials are configured and the run brought none.
    NoCredentials,
    /// The request body could not be encoded.
    Encode(EncodeError),
    /// A header's name or value cannot go in an HTTP header.
    Header {
        /// The header's name.
        header: &'static str,
    },
    /// The URL parser changed the rendered path.
    PathChanged {
        /// The path as rendered.
        rendered: String,
    },
    /// GES could not be reached, or the connection broke.
    Transport {
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
    },
    /// GES did not answer in time.
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
    },
    /// The deadline came before GES answered.
    DeadlineExceeded,
    /// The answer was larger than [`MAX_RESPONSE_BYTES`].
    ResponseTooLarge {
        /// The cap.
        limit: usize,
        /// The `X-Request-Id`, if any.
        request_id: Option<String>,
    },
    /// The answer does not match the contract.
    Decode {
        /// What does not match.
        source: DecodeError,
    },
}

impl ClientError {
    /// An error of this kind, of no operation yet and sent once (the retry loop says
    /// which operation, and how many attempts were made, when it gives up).
    pub fn new(kind: ClientErrorKind) -> Self {
        Self {
            operation: None,
            attempts: Attempts::ONE,
            kind: Box::new(kind),
        }
    }

    fn of(operation: &'static str, kind: ClientErrorKind) -> Self {
        Self {
            operation: Some(operation),
            ..Self::new(kind)
        }
    }

    /// The operation that failed, when a call was being made.
    pub fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    /// What went wrong.
    pub fn kind(&self) -> &ClientErrorKind {
        &self.kind
    }

    /// How the attempts went ([`Attempts::sent`] is 0 when the request never was sent).
    pub fn attempts(&self) -> Attempts {
        if self.kind.was_sent() {
            self.attempts
        } else {
            Attempts::default()
        }
    }

    /// Whether another attempt may mend it: a connection that failed or broke, or an
    /// answer that did not come in time.
    pub fn is_retryable(&self) -> bool {
        matches!(
            *self.kind,
            ClientErrorKind::Transport { .. } | ClientErrorKind::Timeout { .. }
        )
    }

    /// Whether GES may have received and carried out the request although its answer
    /// was lost: the answer did not come in time, or the connection broke once made.
    pub fn may_have_been_carried_out(&self) -> bool {
        match self.kind.as_ref() {
            ClientErrorKind::Timeout { source, .. } | ClientErrorKind::Transport { source, .. } => {
                !source.is_connect()
            }
            _ => false,
        }
    }

    /// The kind of failure this is for a caller: the cloud being unavailable, the
    /// credentials being refused, or a failure on our side.
    pub fn failure_kind(&self) -> FailureKind {
        match self.kind.as_ref() {
            ClientErrorKind::Timeout { .. }
            | ClientErrorKind::Transport { .. }
            | ClientErrorKind::Iam(IamError::Transport { .. }) => FailureKind::UpstreamUnavailable,
            // IAM failing or throttling is the cloud being unavailable; IAM refusing the
            // user, password or agency is the credentials being wrong.
            ClientErrorKind::Iam(IamError::Refused(refusal))
                if refusal.status == 429 || refusal.status >= 500 =>
            {
                FailureKind::UpstreamUnavailable
            }
            ClientErrorKind::Iam(IamError::Refused(_)) => FailureKind::Unauthorized,
            ClientErrorKind::Iam(IamError::DeadlineExceeded { .. }) => {
                FailureKind::DeadlineExceeded
            }
            // IAM answers tokens this machine's clock already sees expired: a token GES
            // would refuse, so the credentials cannot be used as they are.
            ClientErrorKind::Iam(IamError::ExpiredOnArrival(_)) => FailureKind::Unauthorized,
            ClientErrorKind::Federation(error) => error.failure_kind(),
            _ => FailureKind::ClientError,
        }
    }

    /// The same error, of `operation`, after `attempts`.
    fn after(self, operation: &'static str, attempts: Attempts) -> Self {
        Self {
            operation: Some(operation),
            attempts,
            kind: self.kind,
        }
    }
}

impl ClientErrorKind {
    /// Whether a request went out before this happened: a failure while setting up,
    /// signing or rendering sends nothing.
    fn was_sent(&self) -> bool {
        matches!(
            self,
            Self::Transport { .. }
                | Self::Timeout { .. }
                | Self::DeadlineExceeded
                | Self::ResponseTooLarge { .. }
                | Self::Decode { .. }
        )
    }
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let operation = self.operation.unwrap_or("GES call");
        let attempts = self.attempts;
        match self.kind.as_ref() {
            ClientErrorKind::Build { source } => {
                write!(f, "could not set up the HTTPS client: {source}")
            }
            ClientErrorKind::Sign(error) => write!(
                f,
                "could not sign the request with HUAWEICLOUD_SDK_AK/HUAWEICLOUD_SDK_SK: {error}"
            ),
            ClientErrorKind::Iam(error) => error.fmt(f),
            ClientErrorKind::Federation(error) => error.fmt(f),
            ClientErrorKind::Encode(error) => error.fmt(f),
            ClientErrorKind::NoCredentials => CredentialsError::NoneConfigured.fmt(f),
            ClientErrorKind::Header { header } => write!(
                f,
                "header {header} cannot be sent: it holds characters an HTTP header cannot carry"
            ),
            ClientErrorKind::PathChanged { rendered } => write!(
                f,
                "{operation}: refusing to send: the path {rendered:?} would change shape once \
                 parsed as a URL"
            ),
            ClientErrorKind::Transport { endpoint, source } => write!(
                f,
                "{operation}: could not reach GES at {endpoint} after {attempts}: {}; check the \
                 endpoint (GES_ENDPOINT or HUAWEICLOUD_SDK_REGION) and the network",
                Causes(source)
            ),
            ClientErrorKind::Timeout { endpoint, source } => write!(
                f,
                "{operation}: GES at {endpoint} did not answer in time ({}) after {attempts}; it \
                 may be overloaded: try again later, or raise GES_REQUEST_TIMEOUT_SECS \
                 (GES_CONNECT_TIMEOUT_SECS if it was the connection)",
                Causes(source)
            ),
            ClientErrorKind::DeadlineExceeded => write!(
                f,
                "{operation}: the deadline came before GES answered, after {attempts}"
            ),
            ClientErrorKind::ResponseTooLarge { limit, request_id } => write!(
                f,
                "{operation}: GES's answer is larger than {limit} bytes (request id {}, after \
                 {attempts}); refusing to read it",
                request_id.as_deref().unwrap_or("none")
            ),
            ClientErrorKind::Decode { source } => write!(f, "{source} (after {attempts})"),
        }
    }
}

impl std::error::Error for ClientError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self.kind.as_ref() {
            ClientErrorKind::Build { source }
            | ClientErrorKind::Transport { source, .. }
            | ClientErrorKind::Timeout { source, .. } => Some(source),
            // Shown in the message itself, as `#[error(transparent)]` would.
            ClientErrorKind::Iam(error) => error.source(),
            ClientErrorKind::Federation(error) => error.source(),
            ClientErrorKind::Encode(error) => error.source(),
            ClientErrorKind::Sign(error) => Some(error),
            ClientErrorKind::Decode { source } => Some(source),
            ClientErrorKind::Header { .. }
            | ClientErrorKind::NoCredentials
            | ClientErrorKind::PathChanged { .. }
            | ClientErrorKind::DeadlineExceeded
            | ClientErrorKind::ResponseTooLarge { .. } => None,
        }
    }
}

impl From<ClientErrorKind> for ClientError {
    fn from(kind: ClientErrorKind) -> Self {
        Self::new(kind)
    }
}

impl From<SignatureError> for ClientError {
    fn from(error: SignatureError) -> Self {
        Self::new(ClientErrorKind::Sign(error))
    }
}

impl From<IamError> for ClientError {
    fn from(error: IamError) -> Self {
        Self::new(ClientErrorKind::Iam(error))
    }
}

impl From<EncodeError> for ClientError {
    fn from(error: EncodeError) -> Self {
        Self::new(ClientErrorKind::Encode(error))
    }
}
