//! How a request proves who sends it: a fixed IAM token, an AK/SK signature, or a token
//! obtained from IAM (with a password, or by assuming an agency) and kept fresh.
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
//! The cache is a map behind a plain mutex held only to read or write it, never across
//! an IAM call: a cached token is handed out without waiting for anything. Each project
//! has its own slot with an async lock that its fetch holds, so one fetch is in flight
//! per project: the stops that need that project's token wait for it and share it, while
//! the stops of every other project go on (as smithy-rs's identity cache does).
//! When GES refuses a token anyway (`401`), [`Credentials::reject`] drops it, so that
//! the next [`Credentials::authorize`] obtains a new one.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;

use ges_api::signing::SignatureError;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::endpoint::Endpoint;
use crate::iam::{self, Authorize, IamError, ProjectScope, TokenIdentity, TokenRequest};
pub use crate::static_credentials::StaticCredentials;
use crate::transport::{OutgoingRequest, Transport};

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
                let current = tokens.current(transport, project_id, deadline).await?;
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
                tokens.invalidate(serial);
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
            CredentialsError::Sign(error) => IamError::Sign {
                call: "GET /v3/projects",
                why: error.to_string(),
            },
        })
    }
}

pub use crate::iam::EXPIRED_TOKEN_BACKOFF;

/// Tokens obtained from IAM, cached and refreshed; clones share the cache.
#[derive(Clone)]
pub struct IamTokens(Arc<TokenSource>);

struct TokenSource {
    endpoint: Endpoint,
    request: TokenRequest,
    /// The project the configured scope means, once known: a request naming it uses
    /// the configured scope's token rather than asking IAM for another.
    home_project: OnceLock<String>,
    /// By project; `None` holds the configured scope's slot. Locked only to read or
    /// change the map and its slots' states, never across an await.
    slots: Mutex<HashMap<Option<String>, Slot>>,
    serials: AtomicU64,
}

#[derive(Default)]
struct Slot {
    state: SlotState,
    /// Held by the one fetch in flight for this project.
    fetch: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Default)]
enum SlotState {
    /// No token yet, or the last one was dropped.
    #[default]
    Empty,
    /// A token, good until `refresh_at`.
    Cached(CachedToken),
    /// IAM's last token was expired on arrival: refused without asking until `until`.
    Refused {
        until: Instant,
        error: iam::ExpiredToken,
    },
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

/// What the cache says for one project, as of now.
enum Lookup {
    Hit(CurrentToken),
    Refused(iam::ExpiredToken),
    /// Fetch one, holding this project's fetch lock.
    Miss(Arc<tokio::sync::Mutex<()>>),
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
            slots: Mutex::new(HashMap::new()),
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

    fn slots(&self) -> MutexGuard<'_, HashMap<Option<String>, Slot>> {
        // A panic while the map was held cannot leave it half-written: each change is
        // one insert or assignment.
        self.0.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lookup(&self, key: &Option<String>) -> Lookup {
        let mut slots = self.slots();
        let slot = slots.entry(key.clone()).or_default();
        let now = Instant::now();
        match &slot.state {
            SlotState::Cached(cached) if now < cached.refresh_at => Lookup::Hit(CurrentToken {
                token: cached.token.clone(),
                serial: cached.serial,
            }),
            SlotState::Refused { until, error } if now < *until => Lookup::Refused(error.clone()),
            _ => Lookup::Miss(slot.fetch.clone()),
        }
    }

    /// The cached token, or a new one when there is none or it is due for refresh.
    /// Callers that arrive while a fetch for the same project is under way wait for it
    /// (never past `deadline`) and share its token; other projects' callers do not wait.
    async fn current(
        &self,
        transport: &Transport,
        project_id: Option<&str>,
        deadline: Option<Instant>,
    ) -> Result<CurrentToken, IamError> {
        let (key, scope) = self.scope_for(project_id);
        let fetch = match self.lookup(&key) {
            Lookup::Hit(current) => return Ok(current),
            Lookup::Refused(error) => return Err(IamError::ExpiredOnArrival(error)),
            Lookup::Miss(fetch) => fetch,
        };
        let _fetching = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, fetch.lock())
                .await
                .map_err(|_| IamError::DeadlineExceeded {
                    call: iam::CREATE_TOKEN,
                    attempts: 0,
                })?,
            None => fetch.lock().await,
        };
        // The fetch this one waited for may have filled the slot.
        match self.lookup(&key) {
            Lookup::Hit(current) => return Ok(current),
            Lookup::Refused(error) => return Err(IamError::ExpiredOnArrival(error)),
            Lookup::Miss(_) => {}
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
        let issued = match iam::create_token(transport, &self.0.endpoint, request, deadline).await {
            Ok(issued) => issued,
            Err(IamError::ExpiredOnArrival(error)) => {
                tracing::warn!(scope = %request.scope, error = %error, "IAM's token was expired on arrival");
                if let Some(slot) = self.slots().get_mut(&key) {
                    slot.state = SlotState::Refused {
                        until: Instant::now() + EXPIRED_TOKEN_BACKOFF,
                        error: error.clone(),
                    };
                }
                return Err(IamError::ExpiredOnArrival(error));
            }
            Err(error) => return Err(error),
        };
        let margin = REFRESH_MARGIN.min(issued.lifetime / 10);
        let serial = self.0.serials.fetch_add(1, Ordering::SeqCst) + 1;
        tracing::info!(
            serial,
            lifetime_secs = issued.lifetime.as_secs(),
            scope = %request.scope,
            "obtained an IAM token"
        );
        let current = CurrentToken {
            token: issued.token.clone(),
            serial,
        };
        self.slots().entry(key).or_default().state = SlotState::Cached(CachedToken {
            token: issued.token,
            serial,
            refresh_at: Instant::now() + issued.lifetime.saturating_sub(margin),
        });
        Ok(current)
    }

    /// Drops the cached token if it is still the one with this serial.
    fn invalidate(&self, serial: u64) {
        let mut slots = self.slots();
        for slot in slots.values_mut() {
            if matches!(&slot.state, SlotState::Cached(cached) if cached.serial == serial) {
                slot.state = SlotState::Empty;
                tracing::info!(serial, "GES refused the IAM token: it will be refreshed");
            }
        }
    }
}
