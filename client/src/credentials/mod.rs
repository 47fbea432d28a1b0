//! How a request proves who sends it: a fixed IAM token, an AK/SK signature, a token
//! obtained from IAM (with a password, or by assuming an agency) and kept fresh, or
//! temporary AK/SK obtained from STS with an OIDC ID token ([`crate::federation`]) and
//! kept fresh.
//!
//! Secrets live in [`SecretString`]s, whose `Debug` prints `[REDACTED]`; they are exposed
//! only at the moment a header is written or a signature computed.
//!
//! An IAM token is scoped to one project, so [`IamTokens`] keeps one per project a
//! request names (the configured scope's serves the configured project and IAM's own
//! calls). The tokens are cached in [`IamTokens`], which every clone of the
//! [`Credentials`] shares: the handler lives as long as the process, so a warm function
//! reuses them across invocations. A token is refreshed before it expires (once less
//! than [`REFRESH_MARGIN`], or a tenth of its life, is left).
//!
//! The cache (`refresh.rs`) hands a cached token out without waiting for anything
//! and keeps one fetch in flight per project: the stops that need that project's token
//! wait for it and share it, while the stops of every other project go on.
//! When GES refuses a token anyway (`401`), [`Credentials::reject`] drops it, so that
//! the next [`Credentials::authorize`] obtains a new one.

pub(crate) mod configured;
pub(crate) mod iam;
pub(crate) mod refresh;
pub(crate) mod refusal;
pub(crate) mod secrets;

pub use iam::IamError;
pub use refusal::Refusal;
pub use secrets::SecretValues;

use std::fmt;
use std::sync::{Arc, OnceLock};

use ges_api::signing::SignatureError;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::config::endpoint::Endpoint;
pub use crate::credentials::configured::StaticCredentials;
use crate::credentials::iam::{Authorize, ProjectScope, TokenIdentity, TokenRequest};
pub use crate::credentials::refresh::REFRESH_MARGIN;
use crate::credentials::refresh::{FetchError, Fresh, GetError, Refresher};
pub use crate::federation::FederatedCredentials;
use crate::federation::error::FederationError;
use crate::transport::{OutgoingRequest, Transport};

/// The credentials requests are sent with. Cheap to clone; clones share the IAM token
/// cache.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// Credentials used as configured.
    Static(StaticCredentials),
    /// A token obtained from IAM and kept fresh.
    Iam(IamTokens),
    /// Temporary AK/SK obtained from Huawei Cloud STS with an OIDC ID token, and kept
    /// fresh.
    Federated(FederatedCredentials),
    /// None configured: each run brings its own ([`crate::run::RunCredentials`], such as
    /// the temporary AK/SK FunctionGraph hands each invocation of a function that has an
    /// agency). Only a front door that asks for it gets it
    /// ([`crate::config::Overrides::runs_bring_credentials`]); the runner refuses a run
    /// that brings none before anything is sent.
    PerRun,
}

/// How a request was authorized: what [`Credentials::reject`] needs to know when GES
/// refuses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Authorized {
    /// The serial of the cached credentials used (an IAM token, or temporary AK/SK
    /// from STS), if the request used some.
    token_serial: Option<u64>,
}

impl Authorized {
    /// Whether the request used cached credentials (an IAM token, or temporary AK/SK
    /// from STS), which a refresh may mend.
    pub fn used_refreshable(&self) -> bool {
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
    /// STS did not give temporary credentials.
    #[error(transparent)]
    Federation(#[from] FederationError),
    /// No credentials are configured and the run brought none (the runner refuses such
    /// a run before it sends anything, so this is only said if that check is bypassed).
    #[error(
        "no credentials: none are configured and the run brought none (give the function an \
         agency, or configure AK/SK, a token or an IAM user)"
    )]
    NoneConfigured,
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
            Self::Federated(_) => "federated temporary AK/SK",
            Self::PerRun => "none configured (each run brings its own)",
        }
    }

    /// Adds the authentication headers to a request that is otherwise complete: every
    /// header it will carry is already in `request.headers`, `Host` included, since
    /// the signature covers them. With IAM credentials this may wait for IAM (through
    /// `transport`), once per token lifetime and project, but never past `deadline`.
    pub async fn authorize(
        &self,
        transport: &Transport,
        request: &mut OutgoingRequest,
        project_id: Option<&str>,
        now: OffsetDateTime,
        deadline: Option<Instant>,
    ) -> Result<Authorized, CredentialsError> {
        match self {
            Self::Static(credentials) => {
                credentials.authorize(request, project_id, now)?;
                Ok(Authorized { token_serial: None })
            }
            Self::Iam(tokens) => {
                let (token, serial) = tokens.current(transport, project_id, deadline).await?;
                request
                    .headers
                    .push(("X-Auth-Token", token.expose_secret().to_owned()));
                Ok(Authorized {
                    token_serial: Some(serial),
                })
            }
            Self::Federated(federated) => {
                let (keys, serial) = federated.current(transport, deadline).await?;
                keys.authorize(request, project_id, now)?;
                Ok(Authorized {
                    token_serial: Some(serial),
                })
            }
            Self::PerRun => Err(CredentialsError::NoneConfigured),
        }
    }

    /// Tells the credentials that GES refused a request they authorized (`401`).
    /// Returns whether sending it again, authorized afresh, may succeed: true when it
    /// used cached credentials (an IAM token, temporary AK/SK), which are then dropped
    /// (unless newer ones already replaced them), so that the next [`Self::authorize`]
    /// obtains new ones.
    pub async fn reject(&self, authorized: Authorized) -> bool {
        match (self, authorized.token_serial) {
            (Self::Iam(tokens), Some(serial)) => {
                tokens.invalidate(serial);
                true
            }
            (Self::Federated(federated), Some(serial)) => {
                federated.invalidate(serial);
                true
            }
            _ => false,
        }
    }
}

impl Authorize for Credentials {
    async fn authorize_iam_call(
        &self,
        transport: &Transport,
        request: &mut OutgoingRequest,
        deadline: Option<Instant>,
    ) -> Result<(), IamError> {
        // IAM's own calls are not scoped to a project.
        self.authorize(
            transport,
            request,
            None,
            OffsetDateTime::now_utc(),
            deadline,
        )
        .await
        .map(|_| ())
        .map_err(|error| match error {
            CredentialsError::Iam(error) => error,
            // Either way, the request could not be authenticated: the message says why.
            error @ (CredentialsError::Sign(_)
            | CredentialsError::Federation(_)
            | CredentialsError::NoneConfigured) => IamError::Sign {
                call: "GET /v3/projects",
                why: error.to_string(),
            },
        })
    }
}

pub use crate::credentials::iam::EXPIRED_TOKEN_BACKOFF;

/// Tokens obtained from IAM, cached and refreshed; clones share the cache.
#[derive(Clone)]
pub struct IamTokens(Arc<TokenSource>);

struct TokenSource {
    endpoint: Endpoint,
    request: TokenRequest,
    /// The project the configured scope means, once known: a request naming it uses
    /// the configured scope's token rather than asking IAM for another.
    home_project: OnceLock<String>,
    /// By project; `None` holds the configured scope's token. A token IAM gave already
    /// expired refuses its project for [`EXPIRED_TOKEN_BACKOFF`].
    tokens: Refresher<Option<String>, SecretString, iam::ExpiredToken>,
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
            tokens: Refresher::default(),
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
        self.0.tokens.obtained()
    }

    /// The cached token and its serial, or a new one when there is none or it is due for
    /// refresh. Callers that arrive while a fetch for the same project is under way wait
    /// for it (never past `deadline`) and share its token; other projects' callers do not
    /// wait.
    async fn current(
        &self,
        transport: &Transport,
        project_id: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<(SecretString, u64), IamError> {
        let (key, scope) = self.scope_for(project_id);
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
        let fetch = || async {
            match iam::create_token(transport, &self.0.endpoint, request, deadline).await {
                Ok(issued) => {
                    tracing::info!(
                        lifetime_secs = issued.lifetime.as_secs(),
                        scope = %request.scope,
                        "obtained an IAM token"
                    );
                    Ok(Fresh {
                        value: issued.token,
                        lifetime: issued.lifetime,
                    })
                }
                Err(IamError::ExpiredOnArrival(error)) => {
                    tracing::warn!(scope = %request.scope, error = %error, "IAM's token was expired on arrival");
                    Err(FetchError::Refused {
                        refusal: error,
                        backoff: EXPIRED_TOKEN_BACKOFF,
                    })
                }
                Err(error) => Err(FetchError::Failed(error)),
            }
        };
        self.0
            .tokens
            .get(key, deadline, fetch)
            .await
            .map_err(|error| match error {
                GetError::Failed(error) => error,
                GetError::Refused(error) => IamError::ExpiredOnArrival(error),
                GetError::Deadline => IamError::DeadlineExceeded {
                    call: iam::CREATE_TOKEN,
                    attempts: 0,
                },
            })
    }

    /// Drops the cached token if it is still the one with this serial.
    fn invalidate(&self, serial: u64) {
        if self.0.tokens.invalidate(serial) {
            tracing::info!(serial, "GES refused the IAM token: it will be refreshed");
        }
    }
}
