//! The two IAM calls ges-stop makes: obtaining a token (`POST /v3/auth/tokens`, with a
//! password or an agency's `assume_role`) and finding a region's project
//! (`GET /v3/projects?name=REGION`). Both go through the same HTTP client as GES, with
//! its timeouts, no redirects, and an answer read within a size cap.
//!
//! Nothing secret reaches an error: a password travels only in the request body, a
//! token only in a header, and IAM's own messages are repeated as IAM wrote them.

use std::fmt;
use std::time::Duration;

use bytes::BytesMut;
use ges_api::types::ProjectId;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::credentials::{Credentials, CredentialsError, OutgoingRequest, StaticCredentials};
use crate::endpoint::Endpoint;

/// The most of an IAM answer read: a token without its catalog (`nocatalog=true`) or
/// a project list is a few kilobytes.
const MAX_IAM_RESPONSE_BYTES: usize = 1024 * 1024;
const USER_AGENT: &str = concat!("ges-stop/", env!("CARGO_PKG_VERSION"));

/// Who asks IAM for a token.
#[derive(Debug, Clone)]
pub enum TokenIdentity {
    /// An IAM user with a password.
    Password {
        /// The user's domain (account) name.
        domain: String,
        /// The user's name.
        user: String,
        /// The password.
        password: SecretString,
    },
    /// An agency another domain created, assumed by the caller of `via`.
    Agency {
        /// The name of the domain (account) that created the agency.
        domain: String,
        /// The agency's name.
        agency: String,
        /// The credentials the token request itself is authenticated with.
        via: StaticCredentials,
    },
}

/// The project a token is scoped to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectScope {
    /// By project ID.
    Id(ProjectId),
    /// By project name: a region's default project is named after the region.
    Name(String),
}

/// What to ask IAM for.
#[derive(Debug, Clone)]
pub struct TokenRequest {
    /// Who asks.
    pub identity: TokenIdentity,
    /// For which project.
    pub scope: ProjectScope,
}

impl TokenRequest {
    /// The request body, as the official SDK writes it.
    fn body(&self) -> Value {
        let scope = match &self.scope {
            ProjectScope::Id(id) => json!({"project": {"id": id.as_str()}}),
            ProjectScope::Name(name) => json!({"project": {"name": name}}),
        };
        let identity = match &self.identity {
            TokenIdentity::Password {
                domain,
                user,
                password,
            } => json!({
                "methods": ["password"],
                "password": {"user": {
                    "domain": {"name": domain},
                    "name": user,
                    "password": password.expose_secret(),
                }},
            }),
            TokenIdentity::Agency { domain, agency, .. } => json!({
                "methods": ["assume_role"],
                "assume_role": {"domain_name": domain, "agency_name": agency},
            }),
        };
        json!({"auth": {"identity": identity, "scope": scope}})
    }
}

/// A token IAM issued.
#[derive(Debug)]
pub struct IssuedToken {
    /// The token (`X-Subject-Token`).
    pub token: SecretString,
    /// How long it has left to live, as of when it arrived.
    pub lifetime: Duration,
}

/// Obtains a token.
pub async fn create_token(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    request: &TokenRequest,
) -> Result<IssuedToken, IamError> {
    const CALL: &str = "POST /v3/auth/tokens";
    let body = serde_json::to_vec(&request.body()).map_err(|err| IamError::Malformed {
        call: CALL,
        why: err.to_string(),
        request_id: None,
    })?;
    let mut outgoing = outgoing(
        endpoint,
        http::Method::POST,
        "/v3/auth/tokens",
        vec![("nocatalog".to_owned(), "true".to_owned())],
        body,
    );
    if let TokenIdentity::Agency { via, .. } = &request.identity {
        via.authorize(&mut outgoing, None, OffsetDateTime::now_utc())
            .map_err(|err| IamError::Sign {
                call: CALL,
                why: err.to_string(),
            })?;
    }
    let answer = send(http, endpoint, CALL, outgoing).await?;
    if answer.status != 201 && answer.status != 200 {
        return Err(IamError::refused(CALL, &answer));
    }
    let token = answer
        .subject_token
        .clone()
        .ok_or_else(|| IamError::Malformed {
            call: CALL,
            why: "the answer has no X-Subject-Token header".to_owned(),
            request_id: answer.request_id.clone(),
        })?;
    #[derive(Deserialize)]
    struct Answer {
        token: Token,
    }
    #[derive(Deserialize)]
    struct Token {
        expires_at: String,
    }
    let parsed: Answer =
        serde_json::from_slice(&answer.body).map_err(|err| IamError::Malformed {
            call: CALL,
            why: format!("the body is not a token: {err}"),
            request_id: answer.request_id.clone(),
        })?;
    let expires_at = OffsetDateTime::parse(&parsed.token.expires_at, &Rfc3339).map_err(|err| {
        IamError::Malformed {
            call: CALL,
            why: format!(
                "token.expires_at {:?} is not an RFC 3339 time: {err}",
                parsed.token.expires_at.chars().take(40).collect::<String>()
            ),
            request_id: answer.request_id.clone(),
        }
    })?;
    let lifetime = Duration::try_from(expires_at - OffsetDateTime::now_utc()).unwrap_or_default();
    Ok(IssuedToken {
        token: SecretString::from(token),
        lifetime,
    })
}

/// The ID of the project named `name` (a region's default project is named after the
/// region), as the official SDK finds it: `projects[0].id`, asked with `credentials`
/// (AK/SK, with a security token when temporary, or a token).
pub async fn project_id_by_name(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    name: &str,
    credentials: &Credentials,
) -> Result<ProjectId, IamError> {
    const CALL: &str = "GET /v3/projects";
    let mut outgoing = outgoing(
        endpoint,
        http::Method::GET,
        "/v3/projects",
        vec![("name".to_owned(), name.to_owned())],
        Vec::new(),
    );
    credentials
        .authorize(http, &mut outgoing, None, OffsetDateTime::now_utc())
        .await
        .map_err(|err| match err {
            CredentialsError::Iam(err) => err,
            CredentialsError::Sign(err) => IamError::Sign {
                call: CALL,
                why: err.to_string(),
            },
        })?;
    let answer = send(http, endpoint, CALL, outgoing).await?;
    if answer.status != 200 {
        return Err(IamError::refused(CALL, &answer));
    }
    #[derive(Deserialize)]
    struct Projects {
        projects: Vec<Project>,
    }
    #[derive(Deserialize)]
    struct Project {
        id: String,
    }
    let parsed: Projects =
        serde_json::from_slice(&answer.body).map_err(|err| IamError::Malformed {
            call: CALL,
            why: format!("the body is not a project list: {err}"),
            request_id: answer.request_id.clone(),
        })?;
    let Some(project) = parsed.projects.first() else {
        return Err(IamError::NoSuchProject {
            name: name.to_owned(),
            request_id: answer.request_id,
        });
    };
    project.id.parse().map_err(|err| IamError::Malformed {
        call: CALL,
        why: format!("projects[0].id is not a project ID: {err}"),
        request_id: answer.request_id.clone(),
    })
}

fn outgoing(
    endpoint: &Endpoint,
    method: http::Method,
    path: &str,
    query: Vec<(String, String)>,
    body: Vec<u8>,
) -> OutgoingRequest {
    let mut headers: Vec<(&'static str, String)> = vec![
        ("Host", endpoint.host_header()),
        ("User-Agent", USER_AGENT.to_owned()),
    ];
    if !body.is_empty() {
        headers.push(("Content-Type", "application/json;charset=UTF-8".to_owned()));
    }
    OutgoingRequest {
        method,
        path: format!("{}{}", endpoint.base_path(), path),
        query,
        headers,
        body,
    }
}

/// An IAM answer, read within the cap.
struct Answer {
    status: u16,
    request_id: Option<String>,
    subject_token: Option<String>,
    body: Vec<u8>,
}

async fn send(
    http: &reqwest::Client,
    endpoint: &Endpoint,
    call: &'static str,
    request: OutgoingRequest,
) -> Result<Answer, IamError> {
    let transport = |source: reqwest::Error| IamError::Transport {
        call,
        endpoint: endpoint.to_string(),
        source: source.without_url(),
    };
    let mut url = endpoint.url().clone();
    url.set_path(&request.path);
    let query = request.query_string();
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    let mut headers = http::HeaderMap::new();
    for (name, value) in request.headers.iter().filter(|(name, _)| *name != "Host") {
        let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) else {
            return Err(IamError::Sign {
                call,
                why: format!("the header {name} holds characters an HTTP header cannot carry"),
            });
        };
        headers.append(name, value);
    }
    let mut builder = http.request(request.method.clone(), url).headers(headers);
    if request.method != http::Method::GET {
        builder = builder.body(request.body);
    }
    let mut response = builder.send().await.map_err(transport)?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let status = response.status().as_u16();
    let request_id = header("x-request-id").or_else(|| header("x-iam-trace-id"));
    let subject_token = header("x-subject-token");
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_IAM_RESPONSE_BYTES {
            return Err(IamError::Malformed {
                call,
                why: format!("the answer is larger than {MAX_IAM_RESPONSE_BYTES} bytes"),
                request_id,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        request_id,
        subject_token,
        body: body.to_vec(),
    })
}

/// A failed IAM call. No variant holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum IamError {
    /// IAM answered with an error.
    #[error(
        "IAM refused {call} with {status}{}: {message} (request id {}); check {hint}",
        code.as_deref().map(|code| format!(" {code}")).unwrap_or_default(),
        request_id.as_deref().unwrap_or("none")
    )]
    Refused {
        /// The call.
        call: &'static str,
        /// The HTTP status.
        status: u16,
        /// IAM's error code, if it gave one.
        code: Option<String>,
        /// IAM's message, cut to 300 characters.
        message: String,
        /// The request id, if any.
        request_id: Option<String>,
        /// What to check.
        hint: &'static str,
    },
    /// IAM knows no project of that name.
    #[error(
        "IAM has no project named {name} (request id {}): check HUAWEICLOUD_SDK_REGION, or set \
         HUAWEICLOUD_SDK_PROJECT_ID",
        request_id.as_deref().unwrap_or("none")
    )]
    NoSuchProject {
        /// The name looked up.
        name: String,
        /// The request id, if any.
        request_id: Option<String>,
    },
    /// IAM could not be reached.
    #[error(
        "{call}: could not reach IAM at {endpoint}: {source}; check HUAWEICLOUD_SDK_IAM_ENDPOINT \
         (or HUAWEICLOUD_SDK_REGION) and the network"
    )]
    Transport {
        /// The call.
        call: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong.
        source: reqwest::Error,
    },
    /// IAM's answer is not what IAM answers.
    #[error("{call}: IAM's answer cannot be used: {why} (request id {})", request_id.as_deref().unwrap_or("none"))]
    Malformed {
        /// The call.
        call: &'static str,
        /// What is wrong with it.
        why: String,
        /// The request id, if any.
        request_id: Option<String>,
    },
    /// The request could not be authenticated.
    #[error("{call}: could not authenticate the request to IAM: {why}")]
    Sign {
        /// The call.
        call: &'static str,
        /// Why.
        why: String,
    },
}

impl IamError {
    fn refused(call: &'static str, answer: &Answer) -> Self {
        // Keystone's `{"error": {"code", "message"}}`, or Huawei's
        // `{"error_code", "error_msg"}`; else the body's text.
        let value: Value = serde_json::from_slice(&answer.body).unwrap_or(Value::Null);
        let text = |value: &Value| match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        };
        let code = text(&value["error_code"]).or_else(|| text(&value["error"]["code"]));
        let message = text(&value["error_msg"])
            .or_else(|| text(&value["error"]["message"]))
            .unwrap_or_else(|| String::from_utf8_lossy(&answer.body).into_owned());
        let hint = match (call, answer.status) {
            (_, 401) if call.starts_with("POST") => {
                "GES_IAM_USER, GES_IAM_PASSWORD and GES_IAM_DOMAIN, or the AK/SK an agency is \
                 assumed with"
            }
            (_, 403) if call.starts_with("POST") => {
                "GES_IAM_AGENCY and GES_IAM_AGENCY_DOMAIN, and that the caller may assume the agency"
            }
            (_, 400) if call.starts_with("POST") => {
                "HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_SDK_REGION, which the token is scoped to"
            }
            _ => "the credentials and their permissions (iam:projects:listProjects)",
        };
        Self::Refused {
            call,
            status: answer.status,
            code,
            message: message.chars().take(300).collect(),
            request_id: answer.request_id.clone(),
            hint,
        }
    }
}

impl fmt::Display for ProjectScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Id(id) => write!(f, "project {id}"),
            Self::Name(name) => write!(f, "project named {name}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bodies_are_the_sdks() {
        let request = TokenRequest {
            identity: TokenIdentity::Password {
                domain: "acme".into(),
                user: "ops".into(),
                password: SecretString::from("pw"),
            },
            scope: ProjectScope::Name("cn-north-4".into()),
        };
        assert_eq!(
            request.body(),
            json!({"auth": {
                "identity": {"methods": ["password"], "password": {"user": {
                    "domain": {"name": "acme"}, "name": "ops", "password": "pw"}}},
                "scope": {"project": {"name": "cn-north-4"}}}})
        );
        let shown = format!("{request:?}");
        assert!(!shown.contains("\"pw\""), "{shown}");
        let request = TokenRequest {
            identity: TokenIdentity::Agency {
                domain: "other".into(),
                agency: "ges-ops".into(),
                via: StaticCredentials::Token(SecretString::from("t")),
            },
            scope: ProjectScope::Id("0123456789abcdef0123456789abcdef".parse().unwrap()),
        };
        assert_eq!(
            request.body(),
            json!({"auth": {
                "identity": {"methods": ["assume_role"],
                    "assume_role": {"domain_name": "other", "agency_name": "ges-ops"}},
                "scope": {"project": {"id": "0123456789abcdef0123456789abcdef"}}}})
        );
    }

    #[test]
    fn refusals_read_both_error_shapes() {
        let answer = |body: &str| Answer {
            status: 401,
            request_id: Some("r1".into()),
            subject_token: None,
            body: body.as_bytes().to_vec(),
        };
        let err = IamError::refused(
            "POST /v3/auth/tokens",
            &answer(
                r#"{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}"#,
            ),
        );
        let shown = err.to_string();
        assert!(
            shown.contains("401 401: The username or password is wrong."),
            "{shown}"
        );
        assert!(
            shown.contains("GES_IAM_PASSWORD") && shown.contains("r1"),
            "{shown}"
        );
        let err = IamError::refused(
            "GET /v3/projects",
            &answer(r#"{"error_code":"IAM.0001","error_msg":"nope"}"#),
        );
        assert!(err.to_string().contains("IAM.0001: nope"), "{err}");
    }
}
