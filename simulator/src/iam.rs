//! IAM's state: who may obtain a token (users and agencies, per domain), the tokens
//! issued with the project each is scoped to and when it expires, and how many token
//! and project requests came. `iam_routes` answers IAM's calls with it; the GES routes
//! accept the tokens it issued.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use ges_api::types::ProjectId;
use http::request::Parts;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::auth::{AuthRefusal, single_token};
use crate::journal::Scheme;

/// The region a simulator's project is named after unless told otherwise.
pub const DEFAULT_REGION: &str = "cn-north-4";
/// How long a token lives unless told otherwise: 24 hours, as on Huawei Cloud.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// Who may obtain tokens, and how long tokens live. `Debug` never shows a password.
#[derive(Clone)]
pub(crate) struct IamConfig {
    /// Domain name, user name, password.
    users: Vec<(String, String, String)>,
    /// Domain name, agency name.
    agencies: Vec<(String, String)>,
    pub(crate) region: String,
    pub(crate) token_lifetime: Duration,
}

impl Default for IamConfig {
    fn default() -> Self {
        Self {
            users: Vec::new(),
            agencies: Vec::new(),
            region: DEFAULT_REGION.to_owned(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }
}

impl fmt::Debug for IamConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let users: Vec<String> = self
            .users
            .iter()
            .map(|(domain, user, _)| format!("{domain}/{user}"))
            .collect();
        f.debug_struct("IamConfig")
            .field("users", &users)
            .field("agencies", &self.agencies)
            .field("region", &self.region)
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

impl IamConfig {
    pub(crate) fn add_user(&mut self, domain: String, user: String, password: String) {
        self.users.push((domain, user, password));
    }

    pub(crate) fn add_agency(&mut self, domain: String, agency: String) {
        self.agencies.push((domain, agency));
    }

    /// Whether anyone can obtain a token, so that a simulator with IAM users needs no
    /// other credentials.
    pub(crate) fn has_users(&self) -> bool {
        !self.users.is_empty()
    }
}

/// A token the simulator issued.
struct Issued {
    token: String,
    expires: Instant,
    /// The project it is scoped to: the only one it opens.
    project_id: ProjectId,
}

/// IAM's state: its configuration, the tokens issued and the counters.
pub(crate) struct Iam {
    config: IamConfig,
    issued: Mutex<Vec<Issued>>,
    next_token: AtomicU64,
    token_requests: AtomicUsize,
    project_requests: AtomicUsize,
}

impl fmt::Debug for Iam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iam")
            .field("config", &self.config)
            .field("token_requests", &self.token_requests)
            .field("project_requests", &self.project_requests)
            .finish_non_exhaustive()
    }
}

impl Iam {
    pub(crate) fn new(config: IamConfig) -> Self {
        Self {
            config,
            issued: Mutex::new(Vec::new()),
            next_token: AtomicU64::new(1),
            token_requests: AtomicUsize::new(0),
            project_requests: AtomicUsize::new(0),
        }
    }

    /// How many `POST /v3/auth/tokens` came, answered or refused.
    pub(crate) fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    /// How many `GET /v3/projects` came, answered or refused.
    pub(crate) fn project_requests(&self) -> usize {
        self.project_requests.load(Ordering::SeqCst)
    }

    /// Makes every token issued so far expire now.
    pub(crate) fn revoke_all(&self) {
        let now = Instant::now();
        for issued in self.issued().iter_mut() {
            issued.expires = issued.expires.min(now);
        }
    }

    fn issued(&self) -> std::sync::MutexGuard<'_, Vec<Issued>> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a `POST /v3/auth/tokens`, answered or refused.
    pub(crate) fn count_token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a `GET /v3/projects`, answered or refused.
    pub(crate) fn count_project_request(&self) {
        self.project_requests.fetch_add(1, Ordering::SeqCst);
    }

    /// Whether this user of this domain may obtain a token with this password.
    pub(crate) fn knows_user(&self, domain: &str, user: &str, password: &str) -> bool {
        self.config.users.iter().any(|(d, u, secret)| {
            d == domain && u == user && bool::from(secret.as_bytes().ct_eq(password.as_bytes()))
        })
    }

    /// Whether this agency of this domain may be assumed.
    pub(crate) fn knows_agency(&self, domain: &str, agency: &str) -> bool {
        self.config
            .agencies
            .iter()
            .any(|(d, a)| d == domain && a == agency)
    }

    /// How long the tokens it issues live.
    pub(crate) fn token_lifetime(&self) -> Duration {
        self.config.token_lifetime
    }

    /// Issues a token scoped to this project: the token and when it expires.
    pub(crate) fn issue(&self, project_id: ProjectId) -> (String, Instant) {
        let serial = self.next_token.fetch_add(1, Ordering::SeqCst);
        // Unique within the process and not guessable from the serial alone: the
        // simulator's request ID seed is not needed here, tests only compare tokens.
        let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let token = format!("MIIsim{serial:08}x{nanos:x}");
        let expires = Instant::now() + self.config.token_lifetime;
        self.issued().push(Issued {
            token: token.clone(),
            expires,
            project_id,
        });
        (token, expires)
    }

    /// Checks an `X-Auth-Token` against the tokens issued, giving the project it is
    /// scoped to: `None` when the request carries no single token of ours (the
    /// configured credentials decide then).
    pub(crate) fn check_issued(&self, parts: &Parts) -> Option<Result<ProjectId, AuthRefusal>> {
        if parts.headers.contains_key(http::header::AUTHORIZATION) {
            return None;
        }
        let value = single_token(parts)?;
        let issued = self.issued();
        let found = issued
            .iter()
            .find(|issued| bool::from(issued.token.as_bytes().ct_eq(value.as_bytes())))?;
        Some(if Instant::now() < found.expires {
            Ok(found.project_id.clone())
        } else {
            Err(AuthRefusal {
                presented: Some(Scheme::Token),
                message: "Incorrect IAM authentication information: the X-Auth-Token has \
                          expired: obtain a new token from IAM"
                    .to_owned(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_passwords() {
        let mut config = IamConfig::default();
        config.add_user("d".into(), "u".into(), "very-secret-password".into());
        let shown = format!("{:?}", Iam::new(config));
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("d/u"), "{shown}");
    }

    #[tokio::test]
    async fn revoked_tokens_are_refused() {
        let iam = Iam::new(IamConfig::default());
        let project: ProjectId = "p".parse().unwrap();
        let (token, _) = iam.issue(project.clone());
        let parts = http::Request::builder()
            .header("X-Auth-Token", &token)
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(iam.check_issued(&parts), Some(Ok(project)));
        iam.revoke_all();
        assert!(matches!(iam.check_issued(&parts), Some(Err(_))));
        let other = http::Request::builder()
            .header("X-Auth-Token", "not-ours")
            .body(())
            .unwrap()
            .into_parts()
            .0;
        assert_eq!(iam.check_issued(&other), None);
    }
}
