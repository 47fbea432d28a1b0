//! How a request proves who sends it: a fixed IAM token, an AK/SK signature, or a token
//! obtained from IAM (with a password, or by assuming an agency) and kept fresh.
//!
//! Secrets live in [`SecretString`]s, whose `Debug` prints `[REDACTED]`; they are exposed
//! only at the moment a header is written or a signature computed.
//!
//! An IAM token is scoped to one project, so [`IamTokens`] keeps one per project a
//! request names (the configured scope's serves the configured project and IAM's own
//! calls). The tokens are cached in [`IamTokens`], which every clone of the
//! [`Credentials`] shares: the handler lives as long as the process, so a warm function reuses it
//! across invocations. It is refreshed before it expires (once less than
//! [`REFRESH_MARGIN`], or a tenth of its life, is left), and one refresh serves every
//! stop waiting for it: the cache is behind an async mutex held while IAM answers.
//! When GES refuses a token anyway (`401`), [`Credentials::reject`] drops it, so that
//! the next [`Credentials::authorize`] obtains a new one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use ges_api::signing::{self, RequestView, SdkDate, SignatureError};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::endpoint::Endpoint;
use crate::iam::{self, IamError, ProjectScope, TokenIdentity, TokenRequest};

/// A token is refreshed once less than this is left, or less than a tenth of the life
/// it had when it arrived, whichever is shorter (so a 24-hour token is refreshed ten
/// minutes before it expires, and a 1-minute token six seconds before).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// The credentials requests are sent with. Cheap to clone; clones share the IAM token
/// cache.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Credentials used as configured.
    Static(StaticCredentials),
    /// A token obtained from IAM and kept fresh.
    Iam(IamTokens),
}

/// Credentials used as configured: nothing to obtain or refresh.
#[derive(Debug, Clone)]
pub enum StaticCredentials {
    /// An IAM token, sent as `X-Auth-Token`.
    Token(SecretString),
    /// An access key and secret key that sign each request (`SDK-HMAC-SHA256`).
    AkSk {
        /// The access key ID. Not a secret, but not logged either.
        access_key: String,
        /// The secret key.
        secret_key: SecretString,
        /// The security token of temporary credentials, sent as `X-Security-Token`.
        security_token: Option<SecretString>,
    },
}

/// How a request was authorized: what [`Credentials::reject`] needs to know when GES
/// refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorized {
    /// The serial of the IAM token used, if the request used a cached IAM token.
    token_serial: Option<u64>,
}

impl Authorized {
    /// Whether the request used a token obtained from IAM, which a refresh may mend.
    pub fn used_iam_token(&self) -> bool {
        self.token_serial.is_some()
    }
}

/// Why a request could not be authorized.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// The AK/SK signature could not be computed.
    #[error(transparent)]
    Sign(#[from] SignatureError),
    /// IAM did not give a token.
    #[error(transparent)]
    Iam(#[from] IamError),
}

impl Credentials {
    /// What kind of credentials these are, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Static(credentials) => credentials.kind(),
            Self::Iam(tokens) => match tokens.0.request.identity {
                TokenIdentity::Password { .. } => "IAM password token",
                TokenIdentity::Agency { .. } => "IAM agency token",
            },
        }
    }

    /// Adds the authentication headers to a request that is otherwise complete: every
    /// header it will carry is already in `request.headers`, `Host` included, since
    /// the signature covers them. With IAM credentials this may wait for IAM, once per
    /// token lifetime; `http` is the client IAM is called with.
    pub async fn authorize(
        &self,
        http: &reqwest::Client,
        request: &mut OutgoingRequest,
        project_id: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<Authorized, CredentialsError> {
        match self {
            Self::Static(credentials) => {
                credentials.authorize(request, project_id, now)?;
                Ok(Authorized { token_serial: None })
            }
            Self::Iam(tokens) => {
                let current = tokens.current(http, project_id).await?;
                request
                    .headers
                    .push(("X-Auth-Token", current.token.expose_secret().to_owned()));
                Ok(Authorized {
                    token_serial: Some(current.serial),
                })
            }
        }
    }

    /// Tells the credentials that GES refused a request they authorized (`401`).
    /// Returns whether sending it again, authorized afresh, may succeed: true when it
    /// used a cached IAM token, which is then dropped (unless a newer one already
    /// replaced it), so that the next [`Self::authorize`] obtains a new one.
    pub async fn reject(&self, authorized: Authorized) -> bool {
        match (self, authorized.token_serial) {
            (Self::Iam(tokens), Some(serial)) => {
                tokens.invalidate(serial).await;
                true
            }
            _ => false,
        }
    }
}

impl StaticCredentials {
    /// What kind of credentials these are, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Token(_) => "token",
            Self::AkSk {
                security_token: None,
                ..
            } => "AK/SK",
            Self::AkSk {
                security_token: Some(_),
                ..
            } => "temporary AK/SK",
        }
    }

    /// Adds the authentication headers, as [`Credentials::authorize`]. A request scoped
    /// to a project (every GES call) says so in `X-Project-Id` when signed, as the
    /// official SDK does; IAM calls are not scoped.
    pub fn authorize(
        &self,
        request: &mut OutgoingRequest,
        project_id: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<(), SignatureError> {
        match self {
            Self::Token(token) => request
                .headers
                .push(("X-Auth-Token", token.expose_secret().to_owned())),
            Self::AkSk {
                access_key,
                secret_key,
                security_token,
            } => {
                if let Some(project_id) = project_id {
                    request
                        .headers
                        .push(("X-Project-Id", project_id.to_owned()));
                }
                request
                    .headers
                    .push((signing::HEADER_SDK_DATE, SdkDate::from(now).to_string()));
                if let Some(token) = security_token {
                    request.headers.push((
                        signing::HEADER_SECURITY_TOKEN,
                        token.expose_secret().to_owned(),
                    ));
                }
                let signed = signing::sign(
                    &request.signing_view(),
                    access_key,
                    secret_key.expose_secret().as_bytes(),
                )?;
                request
                    .headers
                    .push((signing::HEADER_AUTHORIZATION, signed.authorization));
            }
        }
        Ok(())
    }
}

/// Tokens obtained from IAM, cached and refreshed; clones share the cache.
#[derive(Clone)]
pub struct IamTokens(Arc<TokenSource>);

struct TokenSource {
    endpoint: Endpoint,
    request: TokenRequest,
    /// The project the configured scope means, once known: a request naming it uses
    /// the configured scope's token rather than asking IAM for another.
    home_project: OnceLock<String>,
    /// By project; `None` holds the configured scope's token.
    cache: Mutex<HashMap<Option<String>, CachedToken>>,
    serials: AtomicU64,
}

struct CachedToken {
    token: SecretString,
    serial: u64,
    refresh_at: Instant,
}

/// The token to use now.
struct CurrentToken {
    token: SecretString,
    serial: u64,
}

impl fmt::Debug for IamTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The request's Debug hides the password; the cached token is never shown.
        f.debug_struct("IamTokens")
            .field("endpoint", &self.0.endpoint.to_string())
            .field("request", &self.0.request)
            .field("obtained", &self.obtained())
            .finish_non_exhaustive()
    }
}

impl IamTokens {
    /// Tokens asked of the IAM at `endpoint` with `request`; none is asked for yet.
    pub fn new(endpoint: Endpoint, request: TokenRequest) -> Self {
        Self(Arc::new(TokenSource {
            endpoint,
            request,
            home_project: OnceLock::new(),
            cache: Mutex::new(HashMap::new()),
            serials: AtomicU64::new(0),
        }))
    }

    /// The IAM endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.0.endpoint
    }

    /// What is asked of IAM.
    pub fn request(&self) -> &TokenRequest {
        &self.0.request
    }

    /// Says which project the configured scope means (found in IAM from the region's
    /// name), so that its token serves requests for that project. The first call wins.
    pub fn set_home_project(&self, project_id: &str) {
        // A second call names the same project: the region's project does not change.
        let _ = self.0.home_project.set(project_id.to_owned());
    }

    /// The cache key and scope for a request naming `project_id`.
    fn scope_for(&self, project_id: Option<&str>) -> (Option<String>, Option<ProjectScope>) {
        let home = match &self.0.request.scope {
            ProjectScope::Id(id) => Some(id.as_str()),
            ProjectScope::Name(_) => self.0.home_project.get().map(String::as_str),
        };
        match project_id {
            Some(project) if Some(project) != home => (
                Some(project.to_owned()),
                project.parse().ok().map(ProjectScope::Id),
            ),
            _ => (None, None),
        }
    }

    /// How many tokens were obtained so far.
    pub fn obtained(&self) -> u64 {
        self.0.serials.load(Ordering::SeqCst)
    }

    /// The cached token, or a new one when there is none or it is due for refresh.
    /// Callers that arrive while a refresh is under way wait for it and share its
    /// token.
    async fn current(
        &self,
        http: &reqwest::Client,
        project_id: Option<&str>,
    ) -> Result<CurrentToken, IamError> {
        let (key, scope) = self.scope_for(project_id);
        // One lock for every project: refreshes are rare (once per token lifetime per
        // project), and one at a time keeps IAM from a burst at a fleet run's start.
        let mut cache = self.0.cache.lock().await;
        if let Some(cached) = cache.get(&key).filter(|c| Instant::now() < c.refresh_at) {
            return Ok(CurrentToken {
                token: cached.token.clone(),
                serial: cached.serial,
            });
        }
        let scoped;
        let request = match scope {
            Some(scope) => {
                scoped = TokenRequest {
                    identity: self.0.request.identity.clone(),
                    scope,
                };
                &scoped
            }
            None => &self.0.request,
        };
        let issued = iam::create_token(http, &self.0.endpoint, request).await?;
        let margin = REFRESH_MARGIN.min(issued.lifetime / 10);
        let serial = self.0.serials.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::info!(
            serial,
            lifetime_secs = issued.lifetime.as_secs(),
            scope = %request.scope,
            "obtained an IAM token"
        );
        let cached = CachedToken {
            token: issued.token,
            serial,
            refresh_at: Instant::now() + issued.lifetime.saturating_sub(margin),
        };
        let current = CurrentToken {
            token: cached.token.clone(),
            serial,
        };
        cache.insert(key, cached);
        Ok(current)
    }

    /// Drops the cached token if it is still the one with this serial.
    async fn invalidate(&self, serial: u64) {
        let mut cache = self.0.cache.lock().await;
        let before = cache.len();
        cache.retain(|_, cached| cached.serial != serial);
        if cache.len() < before {
            tracing::info!(serial, "GES refused the IAM token: it will be refreshed");
        }
    }
}

/// A request as it will go on the wire, before it is handed to the HTTP client.
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

impl OutgoingRequest {
    /// The query string as sent: the signer's canonical form, so that what is signed
    /// is byte for byte what is sent.
    pub fn query_string(&self) -> String {
        signing::canonical_query(&self.query)
    }

    fn signing_view(&self) -> RequestView<'_> {
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
