//! Huawei STS's state: the OIDC identity provider it trusts (its URN and the audiences
//! it accepts; its issuer is the simulator's own AWS STS), the trust agency that may be
//! assumed with it (and the subjects it trusts), and the temporary credentials issued,
//! each with its security token and when it expires on the simulator's clock.
//! `huawei_sts` answers `AssumeAgencyWithOIDC` with it; `auth` accepts the credentials.

use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ges_api::sts::{AgencyUrn, ProviderUrn};
use ring::rand::{SecureRandom, SystemRandom};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::auth::TemporaryKey;

/// The identity provider and agency configured, and how long credentials live.
#[derive(Debug, Clone, Default)]
pub(crate) struct FederationConfig {
    pub(crate) provider: Option<ProviderUrn>,
    pub(crate) audiences: Vec<String>,
    pub(crate) agency: Option<AgencyUrn>,
    /// The `sub`s the agency trusts; empty for any.
    pub(crate) subjects: Vec<String>,
    /// How long issued credentials live whatever `duration_seconds` asked.
    pub(crate) lifetime: Option<Duration>,
}

impl FederationConfig {
    /// Whether credentials can be obtained at all, so that a simulator with federation
    /// needs no other credentials.
    pub(crate) fn is_complete(&self) -> bool {
        self.provider.is_some() && self.agency.is_some() && !self.audiences.is_empty()
    }
}

/// Temporary credentials STS issued.
struct Issued {
    access_key: String,
    secret_key: String,
    security_token: String,
    expires: OffsetDateTime,
}

/// What a successful exchange hands out. `Debug` shows the access key only.
pub(crate) struct NewCredentials {
    pub(crate) access_key: String,
    pub(crate) secret_key: String,
    pub(crate) security_token: String,
    pub(crate) expires: OffsetDateTime,
}

impl fmt::Debug for NewCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewCredentials")
            .field("access_key", &self.access_key)
            .field("expires", &self.expires)
            .finish_non_exhaustive()
    }
}

/// Huawei STS's state.
pub(crate) struct Federation {
    pub(crate) config: FederationConfig,
    issued: Mutex<Vec<Issued>>,
    rng: SystemRandom,
}

impl fmt::Debug for Federation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Federation")
            .field("config", &self.config)
            .field("issued", &self.issued().len())
            .finish_non_exhaustive()
    }
}

/// Letters and digits, for access keys and secret keys.
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";

impl Federation {
    pub(crate) fn new(config: FederationConfig) -> Self {
        Self {
            config,
            issued: Mutex::new(Vec::new()),
            rng: SystemRandom::new(),
        }
    }

    fn issued(&self) -> MutexGuard<'_, Vec<Issued>> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `length` random characters of `alphabet`.
    fn random(&self, alphabet: &[u8], length: usize) -> Result<String, ()> {
        let mut bytes = vec![0u8; length];
        self.rng.fill(&mut bytes).map_err(|_| ())?;
        Ok(bytes
            .iter()
            .map(|byte| char::from(alphabet[usize::from(*byte) % alphabet.len()]))
            .collect())
    }

    /// Issues temporary credentials that expire at `expires` (simulator clock): an
    /// access key like Huawei's (`HST` and 17 capitals or digits), a 40-character
    /// secret key and a base64 security token. `None` if the system has no randomness.
    pub(crate) fn issue(&self, expires: OffsetDateTime) -> Option<NewCredentials> {
        let access_key = format!("HST{}", self.random(&ALPHANUMERIC[..36], 17).ok()?);
        let secret_key = self.random(ALPHANUMERIC, 40).ok()?;
        let mut token = [0u8; 192];
        self.rng.fill(&mut token).ok()?;
        let security_token = STANDARD.encode(token);
        self.issued().push(Issued {
            access_key: access_key.clone(),
            secret_key: secret_key.clone(),
            security_token: security_token.clone(),
            expires,
        });
        Some(NewCredentials {
            access_key,
            secret_key,
            security_token,
            expires,
        })
    }

    /// The temporary credentials of this access key, as `auth` checks them, judged at
    /// `now` on the simulator's clock.
    pub(crate) fn find(&self, access_key: &str, now: OffsetDateTime) -> Option<TemporaryKey> {
        self.issued()
            .iter()
            .find(|issued| bool::from(issued.access_key.as_bytes().ct_eq(access_key.as_bytes())))
            .map(|issued| TemporaryKey {
                secret_key: issued.secret_key.clone(),
                security_token: issued.security_token.clone(),
                expired: now >= issued.expires,
            })
    }

    /// How many credentials were issued.
    pub(crate) fn issued_count(&self) -> usize {
        self.issued().len()
    }

    /// Every credential issued, oldest first: access key, secret key, security token.
    pub(crate) fn all(&self) -> Vec<(String, String, String)> {
        self.issued()
            .iter()
            .map(|issued| {
                (
                    issued.access_key.clone(),
                    issued.secret_key.clone(),
                    issued.security_token.clone(),
                )
            })
            .collect()
    }

    /// Makes every credential issued so far expire at `now`.
    pub(crate) fn revoke_all(&self, now: OffsetDateTime) {
        for issued in self.issued().iter_mut() {
            issued.expires = issued.expires.min(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_found_until_they_expire() {
        let federation = Federation::new(FederationConfig::default());
        let now = OffsetDateTime::now_utc();
        let issued = federation.issue(now + time::Duration::minutes(15)).unwrap();
        assert_eq!(issued.access_key.len(), 20);
        assert!(
            issued
                .access_key
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        let found = federation.find(&issued.access_key, now).unwrap();
        assert_eq!(found.security_token, issued.security_token);
        assert!(!found.expired);
        assert!(
            federation
                .find(&issued.access_key, now + time::Duration::minutes(15))
                .unwrap()
                .expired
        );
        assert!(federation.find("HSTOTHER", now).is_none());
        assert_eq!(
            federation.all(),
            [(
                issued.access_key.clone(),
                issued.secret_key.clone(),
                issued.security_token.clone()
            )]
        );
        federation.revoke_all(now);
        assert!(federation.find(&issued.access_key, now).unwrap().expired);
        let shown = format!("{issued:?}");
        assert!(!shown.contains(&issued.secret_key) && !shown.contains(&issued.security_token));
    }
}
