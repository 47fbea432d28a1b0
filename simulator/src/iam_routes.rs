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
//!
//! Both speak the contract's generated `ges_api::iam` types: a token request is read
//! into `TokenRequest`, the query into `ListProjectsRequest`, and every answer,
//! refusals included, is a generated response rendered with its declared headers (the
//! token goes out through `CreateTokenResponse::headers`, marked sensitive). The few
//! fields IAM sends that the contract leaves out are added last (`beyond_contract`).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::response::Response;
use ges_api::OperationResponse;
use ges_api::iam::{
    CreateTokenResponse, IamError, IamErrorDetail, IdentityMethod, ListProjectsRequest,
    ListProjectsResponse, ProjectDomain, ProjectList, ProjectScope, Token, TokenAnswer,
    TokenProject, TokenRequest,
};
use ges_api::runtime::{self, ExposeSecret, Refusable, SensitiveString};
use http::StatusCode;
use http::request::Parts;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::answer;
use crate::journal::{Authentication, Handled};
use crate::shared::{Project, Shared};

/// The largest token request read.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The domain every project of the simulator belongs to.
const DOMAIN: &str = "simulated";

/// An IAM refusal, before it is rendered as the operation's error answer.
#[derive(Debug)]
struct Refused {
    status: StatusCode,
    message: String,
}

impl Refused {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// Keystone's error: the message, titled with the status's name.
    fn body(&self) -> IamError {
        IamError {
            error: Some(IamErrorDetail {
                message: Some(self.message.clone()),
                title: Some(self.status.canonical_reason().unwrap_or("Error").to_owned()),
            }),
            error_code: None,
            error_msg: None,
        }
    }
}

/// Renders an answer, or a refusal as the operation's documented error answer, and
/// tells the journal how the call was authenticated.
fn respond<R>(outcome: Result<R, Refused>, authentication: Authentication) -> Response
where
    R: OperationResponse + Refusable<ErrorBody = IamError>,
{
    let mut response = match outcome
        .or_else(|refused| R::refusal(refused.status, refused.body()).ok_or(refused))
    {
        Ok(answer) => answer::amended(&answer, beyond_contract(answer.status())),
        // Every status refused here is documented; should one not be, it is still
        // answered, outside the contract, rather than turned into another.
        Err(refused) => match runtime::encode_json("IAM error body", &refused.body()) {
            Ok(body) => answer::json(
                refused.status,
                beyond_contract(refused.status.as_u16())(body),
            ),
            Err(err) => {
                tracing::error!(%err, "could not encode an IAM error");
                answer::internal_error()
            }
        },
    };
    response.extensions_mut().insert(Handled {
        authentication,
        ..Handled::default()
    });
    response
}

/// What IAM sends that the contract leaves out, because ges-stop reads none of it: the
/// status again, as a number, in `error.code` (gateways send text there, so the
/// contract cannot type it), and the token's service `catalog`, empty here. Added to
/// the generated answer so that clients see the fields IAM sends, as they did before
/// the contract described IAM.
fn beyond_contract(status: u16) -> impl FnOnce(Vec<u8>) -> Vec<u8> {
    move |body| {
        let Ok(mut answer) = serde_json::from_slice::<Value>(&body) else {
            return body;
        };
        if let Some(error) = answer.get_mut("error").and_then(Value::as_object_mut) {
            error.insert("code".to_owned(), status.into());
        }
        if let Some(token) = answer.get_mut("token").and_then(Value::as_object_mut) {
            token.insert("catalog".to_owned(), Value::Array(Vec::new()));
        }
        serde_json::to_vec(&answer).unwrap_or(body)
    }
}

/// Checks the call's credentials as the GES routes do (AK/SK, or a token), noting the
/// outcome for the journal.
fn authenticate(
    shared: &Shared,
    parts: &Parts,
    body: &[u8],
    authentication: &mut Authentication,
) -> Result<(), Refused> {
    match shared.authenticate(parts, body) {
        Ok((scheme, _)) => {
            *authentication = Authentication::Accepted(scheme);
            Ok(())
        }
        Err(refusal) => {
            *authentication = refusal.authentication();
            Err(Refused::new(StatusCode::UNAUTHORIZED, refusal.message))
        }
    }
}

/// `POST /v3/auth/tokens`.
pub(crate) async fn create_token(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.iam.count_token_request();
    let mut authentication = Authentication::NotChecked;
    let outcome = issue_token(&shared, request, &mut authentication).await;
    respond(outcome, authentication)
}

/// Checks a token request, and issues the token it asks for.
async fn issue_token(
    shared: &Shared,
    request: Request,
    authentication: &mut Authentication,
) -> Result<CreateTokenResponse, Refused> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| Refused::bad_request("The request body is too large."))?;
    let request: TokenRequest = serde_json::from_slice(&body)
        .map_err(|err| Refused::bad_request(format!("The request body is malformed: {err}.")))?;
    let identity = &request.auth.identity;
    let method = match identity.methods.as_slice() {
        [method @ IdentityMethod::Password] => {
            let Some(password) = &identity.password else {
                return Err(Refused::bad_request("The password identity is missing."));
            };
            let user = &password.user;
            if !shared
                .iam
                .knows_user(&user.domain.name, &user.name, user.password.expose_secret())
            {
                return Err(Refused::new(
                    StatusCode::UNAUTHORIZED,
                    "The username or password is wrong.",
                ));
            }
            method
        }
        [method @ IdentityMethod::AssumeRole] => {
            authenticate(shared, &parts, &body, authentication)?;
            let Some(role) = &identity.assume_role else {
                return Err(Refused::bad_request("The assume_role identity is missing."));
            };
            if !shared
                .iam
                .knows_agency(&role.domain_name, &role.agency_name)
            {
                return Err(Refused::new(
                    StatusCode::FORBIDDEN,
                    format!(
                        "The agency {} of domain {} does not exist, or you may not assume it.",
                        role.agency_name, role.domain_name
                    ),
                ));
            }
            method
        }
        _ => {
            return Err(Refused::bad_request(
                "The identity methods must be [\"password\"] or [\"assume_role\"].",
            ));
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
        return Err(Refused::bad_request(format!(
            "The scope must be a project by id or by name: this IAM simulator serves {} only.",
            served.join(", ")
        )));
    };

    let (token, _) = shared.iam.issue(project.id.clone());
    let issued_at = OffsetDateTime::now_utc();
    let expires_at = issued_at + shared.iam.token_lifetime();
    Ok(CreateTokenResponse::Created {
        body: TokenAnswer {
            token: Token {
                methods: Some(vec![method.as_str().to_owned()]),
                issued_at: Some(timestamp(issued_at)),
                expires_at: timestamp(expires_at),
                project: Some(TokenProject {
                    id: Some(project.id.as_str().to_owned()),
                    name: Some(project.name.clone()),
                    domain: Some(ProjectDomain {
                        id: None,
                        name: Some(DOMAIN.to_owned()),
                    }),
                }),
            },
        },
        x_subject_token: SensitiveString::new(token),
    })
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
    let mut authentication = Authentication::NotChecked;
    let outcome = authenticate(&shared, &parts, b"", &mut authentication)
        .map(|()| find_projects(&shared, &asked(&parts)));
    respond(outcome, authentication)
}

/// The listing a `GET /v3/projects` asks for: its `name`, if it gives one.
fn asked(parts: &Parts) -> ListProjectsRequest {
    let name = parts.uri.query().and_then(|raw| {
        ges_api::signing::decode_query(raw)
            .ok()?
            .into_iter()
            .find(|(key, _)| key == "name")
            .map(|(_, value)| value)
    });
    ListProjectsRequest { name }
}

/// The simulator's projects that match the listing.
fn find_projects(shared: &Shared, asked: &ListProjectsRequest) -> ListProjectsResponse {
    let projects = shared
        .projects
        .iter()
        .filter(|project| {
            asked
                .name
                .as_deref()
                .is_none_or(|name| name == project.name)
        })
        .map(listed)
        .collect();
    ListProjectsResponse::Ok(ProjectList { projects })
}

/// A project as `GET /v3/projects` lists it.
fn listed(project: &Project) -> ges_api::iam::Project {
    ges_api::iam::Project {
        id: project.id.as_str().to_owned(),
        name: Some(project.name.clone()),
        domain_id: Some(DOMAIN.to_owned()),
        enabled: Some(true),
        is_domain: Some(false),
        parent_id: None,
        description: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_rfc3339_to_the_millisecond() {
        let at = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_123_456_789).unwrap();
        assert_eq!(timestamp(at), "2023-11-14T22:13:20.123Z");
    }

    #[test]
    fn what_the_contract_leaves_out_is_added_to_the_answer() {
        let amended = |status, body: Value| -> Value {
            let body = serde_json::to_vec(&body).unwrap();
            serde_json::from_slice(&beyond_contract(status)(body)).unwrap()
        };
        assert_eq!(
            amended(
                401,
                serde_json::json!({"error": {"message": "m", "title": "t"}})
            ),
            serde_json::json!({"error": {"code": 401, "message": "m", "title": "t"}})
        );
        assert_eq!(
            amended(201, serde_json::json!({"token": {"expires_at": "x"}})),
            serde_json::json!({"token": {"catalog": [], "expires_at": "x"}})
        );
        let projects = serde_json::json!({"projects": []});
        assert_eq!(amended(200, projects.clone()), projects);
    }
}
