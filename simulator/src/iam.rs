//! The part of IAM a GES client needs: tokens and the project lookup.
//!
//! - `POST /v3/auth/tokens` with a `password` identity (a configured user of a
//!   configured domain) or an `assume_role` identity (a configured agency; the request
//!   itself must be authenticated, with AK/SK or a token, as IAM requires), scoped to
//!   one of the simulator's projects by `id` or by `name` (the main project's name is
//!   the region; extra projects have their own). Answers `201` with the
//!   token in `X-Subject-Token` and `{"token": {"expires_at", "issued_at", "methods",
//!   "project", ...}}`; `400` for a body it cannot read or a scope it does not serve,
//!   `401` for a wrong user, domain or password, `403` for an unknown agency, all
//!   Keystone style: `{"error": {"code", "message", "title"}}`.
//! - `GET /v3/projects?name=NAME`, authenticated: `{"projects": [...]}`, holding the
//!   project of that name (every project when no name is given), else empty.
//!
//! A token it issues is accepted by the GES routes until it expires (after the
//! configured lifetime, or when a test revokes every token), then refused with `401`;
//! and only for the project it was scoped to, as on Huawei Cloud (`403` elsewhere).
//! Counters say how many token and project requests came, so that tests can assert
//! that a client cached what it was given.

use std::fmt;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use ges_api::types::ProjectId;
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use crate::auth::AuthRefusal;
use crate::builder::Project;
use crate::journal::{Authentication, Handled, Scheme};
use crate::server::Shared;

/// The region a simulator's project is named after unless told otherwise.
pub const DEFAULT_REGION: &str = "cn-north-4";
/// How long a token lives unless told otherwise: 24 hours, as on Huawei Cloud.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The largest token request read.
const MAX_BODY_BYTES: usize = 64 * 1024;
/// The header a token comes in.
const HEADER_AUTH_TOKEN: &str = "x-auth-token";

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

    fn issue(&self, project_id: ProjectId) -> (String, Instant) {
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
        let mut values = parts.headers.get_all(HEADER_AUTH_TOKEN).iter();
        let (Some(value), None) = (values.next(), values.next()) else {
            return None;
        };
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

/// A Keystone-style error answer.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({"error": {
        "code": status.as_u16(),
        "message": message.into(),
        "title": status.canonical_reason().unwrap_or("Error"),
    }});
    json_response(status, &body)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.to_string(),
    )
        .into_response()
}

fn handled(mut response: Response, authentication: Authentication) -> Response {
    response.extensions_mut().insert(Handled {
        authentication,
        ..Handled::default()
    });
    response
}

/// Authenticates an IAM call with an issued token or the configured credentials.
fn authenticate(shared: &Shared, parts: &Parts, body: &[u8]) -> Result<Scheme, AuthRefusal> {
    match shared.iam.check_issued(parts) {
        Some(result) => result.map(|_| Scheme::Token),
        None => shared
            .credentials
            .authenticate(parts, body, OffsetDateTime::now_utc()),
    }
}

#[derive(Deserialize)]
struct TokenRequest {
    auth: Auth,
}

#[derive(Deserialize)]
struct Auth {
    identity: Identity,
    scope: Option<Scope>,
}

#[derive(Deserialize)]
struct Identity {
    methods: Vec<String>,
    password: Option<PasswordIdentity>,
    assume_role: Option<AssumeRole>,
}

#[derive(Deserialize)]
struct PasswordIdentity {
    user: User,
}

#[derive(Deserialize)]
struct User {
    name: String,
    password: String,
    domain: Named,
}

#[derive(Deserialize)]
struct Named {
    name: String,
}

#[derive(Deserialize)]
struct AssumeRole {
    domain_name: String,
    agency_name: String,
}

#[derive(Deserialize)]
struct Scope {
    project: Option<ProjectScope>,
}

#[derive(Deserialize)]
struct ProjectScope {
    id: Option<String>,
    name: Option<String>,
}

/// `POST /v3/auth/tokens`.
pub(crate) async fn create_token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.iam.token_requests.fetch_add(1, Ordering::SeqCst);
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return handled(
            refuse(StatusCode::BAD_REQUEST, "The request body is too large."),
            Authentication::NotChecked,
        );
    };
    let request: TokenRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            return handled(
                refuse(
                    StatusCode::BAD_REQUEST,
                    format!("The request body is malformed: {err}."),
                ),
                Authentication::NotChecked,
            );
        }
    };
    let identity = &request.auth.identity;
    let mut authentication = Authentication::NotChecked;
    let method = match identity.methods.as_slice() {
        [method] if method == "password" => {
            let Some(password) = &identity.password else {
                return handled(
                    refuse(StatusCode::BAD_REQUEST, "The password identity is missing."),
                    authentication,
                );
            };
            let user = &password.user;
            let known = shared
                .iam
                .config
                .users
                .iter()
                .any(|(domain, name, secret)| {
                    *domain == user.domain.name
                        && *name == user.name
                        && bool::from(secret.as_bytes().ct_eq(user.password.as_bytes()))
                });
            if !known {
                return handled(
                    refuse(
                        StatusCode::UNAUTHORIZED,
                        "The username or password is wrong.",
                    ),
                    authentication,
                );
            }
            "password"
        }
        [method] if method == "assume_role" => {
            match authenticate(&shared, &parts, &body) {
                Ok(scheme) => authentication = Authentication::Accepted(scheme),
                Err(refusal) => {
                    let authentication = refusal
                        .presented
                        .map_or(Authentication::Missing, Authentication::Refused);
                    return handled(
                        refuse(StatusCode::UNAUTHORIZED, refusal.message),
                        authentication,
                    );
                }
            }
            let Some(role) = &identity.assume_role else {
                return handled(
                    refuse(
                        StatusCode::BAD_REQUEST,
                        "The assume_role identity is missing.",
                    ),
                    authentication,
                );
            };
            let known =
                shared.iam.config.agencies.iter().any(|(domain, agency)| {
                    *domain == role.domain_name && *agency == role.agency_name
                });
            if !known {
                return handled(
                    refuse(
                        StatusCode::FORBIDDEN,
                        format!(
                            "The agency {} of domain {} does not exist, or you may not assume it.",
                            role.agency_name, role.domain_name
                        ),
                    ),
                    authentication,
                );
            }
            "assume_role"
        }
        _ => {
            return handled(
                refuse(
                    StatusCode::BAD_REQUEST,
                    "The identity methods must be [\"password\"] or [\"assume_role\"].",
                ),
                authentication,
            );
        }
    };

    let asked = request.auth.scope.as_ref().and_then(|s| s.project.as_ref());
    let project = asked.and_then(|asked| {
        shared.projects.iter().find(|project| match asked {
            ProjectScope { id: Some(id), .. } => id == project.id.as_str(),
            ProjectScope {
                name: Some(name), ..
            } => *name == project.name,
            _ => false,
        })
    });
    let Some(project) = project else {
        let served: Vec<String> = shared
            .projects
            .iter()
            .map(|project| format!("{} ({})", project.id, project.name))
            .collect();
        return handled(
            refuse(
                StatusCode::BAD_REQUEST,
                format!(
                    "The scope must be a project by id or by name: this IAM simulator serves \
                     {} only.",
                    served.join(", ")
                ),
            ),
            authentication,
        );
    };

    let (token, _) = shared.iam.issue(project.id.clone());
    let issued_at = OffsetDateTime::now_utc();
    let expires_at = issued_at + shared.iam.config.token_lifetime;
    let body = json!({"token": {
        "methods": [method],
        "issued_at": timestamp(issued_at),
        "expires_at": timestamp(expires_at),
        "project": {"id": project.id.as_str(), "name": project.name, "domain": {"name": "simulated"}},
        "catalog": [],
    }});
    let mut response = json_response(StatusCode::CREATED, &body);
    if let Ok(value) = HeaderValue::from_str(&token) {
        response.headers_mut().insert("x-subject-token", value);
    }
    handled(response, authentication)
}

/// IAM's time format, to the millisecond: `2026-01-02T03:04:05.678000Z`.
fn timestamp(at: OffsetDateTime) -> String {
    let at = at
        .replace_nanosecond(at.millisecond() as u32 * 1_000_000)
        .unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// `GET /v3/projects`.
pub(crate) async fn list_projects(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.iam.project_requests.fetch_add(1, Ordering::SeqCst);
    let (parts, _) = request.into_parts();
    let authentication = match authenticate(&shared, &parts, b"") {
        Ok(scheme) => Authentication::Accepted(scheme),
        Err(refusal) => {
            let authentication = refusal
                .presented
                .map_or(Authentication::Missing, Authentication::Refused);
            return handled(
                refuse(StatusCode::UNAUTHORIZED, refusal.message),
                authentication,
            );
        }
    };
    let name = parts.uri.query().and_then(|raw| {
        ges_api::signing::decode_query(raw)
            .ok()?
            .into_iter()
            .find(|(key, _)| key == "name")
            .map(|(_, value)| value)
    });
    let projects: Vec<Value> = shared
        .projects
        .iter()
        .filter(|project| name.as_deref().is_none_or(|name| name == project.name))
        .map(listed)
        .collect();
    handled(
        json_response(StatusCode::OK, &json!({"projects": projects})),
        authentication,
    )
}

/// A project as `GET /v3/projects` lists it.
fn listed(project: &Project) -> Value {
    json!({
        "id": project.id.as_str(),
        "name": project.name,
        "domain_id": "simulated",
        "enabled": true,
        "is_domain": false,
    })
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

    #[test]
    fn timestamps_are_rfc3339_to_the_millisecond() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123Z");
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
