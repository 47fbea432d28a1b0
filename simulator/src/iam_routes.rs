//! The part of IAM a GES client needs, served: tokens and the project lookup.
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
//! Counters (in `iam`) say how many token and project requests came, so that tests can
//! assert that a client cached what it was given.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use http::{HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::answer;
use crate::auth::AuthRefusal;
use crate::journal::{Authentication, Handled};
use crate::shared::{Project, Shared};

/// The largest token request read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// A Keystone-style error answer.
fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = json!({"error": {
        "code": status.as_u16(),
        "message": message.into(),
        "title": status.canonical_reason().unwrap_or("Error"),
    }});
    answer::json(status, body.to_string())
}

/// The `401` for a call whose credentials were refused.
fn unauthenticated(refusal: AuthRefusal) -> Response {
    let authentication = refusal.authentication();
    handled(
        refuse(StatusCode::UNAUTHORIZED, refusal.message),
        authentication,
    )
}

fn handled(mut response: Response, authentication: Authentication) -> Response {
    response.extensions_mut().insert(Handled {
        authentication,
        ..Handled::default()
    });
    response
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
    shared.iam.count_token_request();
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
            if !shared
                .iam
                .knows_user(&user.domain.name, &user.name, &user.password)
            {
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
            match shared.authenticate(&parts, &body) {
                Ok((scheme, _)) => authentication = Authentication::Accepted(scheme),
                Err(refusal) => return unauthenticated(refusal),
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
            if !shared
                .iam
                .knows_agency(&role.domain_name, &role.agency_name)
            {
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
    let expires_at = issued_at + shared.iam.token_lifetime();
    let body = json!({"token": {
        "methods": [method],
        "issued_at": timestamp(issued_at),
        "expires_at": timestamp(expires_at),
        "project": {"id": project.id.as_str(), "name": project.name, "domain": {"name": "simulated"}},
        "catalog": [],
    }});
    let mut response = answer::json(StatusCode::CREATED, body.to_string());
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
    shared.iam.count_project_request();
    let (parts, _) = request.into_parts();
    let authentication = match shared.authenticate(&parts, b"") {
        Ok((scheme, _)) => Authentication::Accepted(scheme),
        Err(refusal) => return unauthenticated(refusal),
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
        answer::json(StatusCode::OK, json!({"projects": projects}).to_string()),
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
    fn timestamps_are_rfc3339_to_the_millisecond() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123Z");
    }
}
