//! The two IAM calls ges-stop makes: obtaining a token (`POST /v3/auth/tokens`, with a
//! password or an agency's `assume_role`) and finding a region's project
//! (`GET /v3/projects?name=REGION`). Both go through the same [`Transport`] as GES, with
//! its timeouts, no redirects, and an answer read within a size cap, and are retried as
//! GES calls are ([`crate::retry`]: a connection that fails or breaks, a timeout, `429`
//! and `5xx`), with the same [`crate::retry::RetryPolicy`], never past the caller's
//! deadline.
//!
//! Nothing secret reaches an error: a password travels only in the request body, a
//! token only in a header, and IAM's own messages are repeated as IAM wrote them.
//!
//! How a call is authenticated is the caller's ([`Authorize`]): this module does not
//! know the credentials' cache, which calls it.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use ges_api::types::ProjectId;
use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use crate::endpoint::Endpoint;
use crate::retry::{self, Attempts, GiveUp, Next, Verdict};
use crate::static_credentials::StaticCredentials;
use crate::transport::{self, OutgoingRequest, ReadError, Transport};

/// The most of an IAM answer read: a token without its catalog (`nocatalog=true`) or
/// a project list is a few kilobytes.
const MAX_IAM_RESPONSE_BYTES: usize = 1024 * 1024;

/// The token call, as messages name it.
pub const CREATE_TOKEN: &str = "POST /v3/auth/tokens";
/// The project look-up, as messages name it.
pub const LIST_PROJECTS: &str = "GET /v3/projects";

/// The least life a token must have left when it arrives. Less (a clock ahead of IAM's,
/// or an IAM that issues dead tokens) would mean a new token for every request.
pub const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(1);

/// After IAM gave a token that was already expired, how long every request for that
/// project is refused at once rather than asking IAM again: a clock that is wrong stays
/// wrong for a while, and asking on every request would only load IAM.
pub const EXPIRED_TOKEN_BACKOFF: Duration = Duration::from_secs(60);

/// Authenticates an IAM call: adds its headers to a request that is otherwise complete.
/// Called once per attempt, since a signature is dated.
pub trait Authorize {
    /// Adds the authentication headers to `request`, asking IAM (through `transport`)
    /// first if need be, never past `deadline`.
    fn authorize_iam_call(
        &self,
        transport: &Transport,
        request: &mut OutgoingRequest,
        deadline: Option<Instant>,
    ) -> impl Future<Output = Result<(), IamError>> + Send;
}

/// A password token request, which authenticates itself in its body.
struct InBody;

impl Authorize for InBody {
    async fn authorize_iam_call(
        &self,
        _: &Transport,
        _: &mut OutgoingRequest,
        _: Option<Instant>,
    ) -> Result<(), IamError> {
        Ok(())
    }
}

impl Authorize for StaticCredentials {
    async fn authorize_iam_call(
        &self,
        _: &Transport,
        request: &mut OutgoingRequest,
        _: Option<Instant>,
    ) -> Result<(), IamError> {
        self.authorize(request, None, OffsetDateTime::now_utc())
            .map_err(|err| IamError::Sign {
                call: CREATE_TOKEN,
                why: err.to_string(),
            })
    }
}

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

/// Obtains a token, never past `deadline`. A token with less than
/// [`MIN_TOKEN_LIFETIME`] left is refused ([`IamError::ExpiredOnArrival`]).
pub async fn create_token(
    transport: &Transport,
    endpoint: &Endpoint,
    request: &TokenRequest,
    deadline: Option<Instant>,
) -> Result<IssuedToken, IamError> {
    const CALL: &str = CREATE_TOKEN;
    let body = serde_json::to_vec(&request.body()).map_err(|err| IamError::Malformed {
        call: CALL,
        why: err.to_string(),
        request_id: None,
    })?;
    let render = || {
        OutgoingRequest::new(
            endpoint,
            http::Method::POST,
            "/v3/auth/tokens",
            vec![("nocatalog".to_owned(), "true".to_owned())],
            body.clone(),
            JSON,
        )
    };
    let answer = match &request.identity {
        TokenIdentity::Agency { via, .. } => {
            send(transport, endpoint, CALL, deadline, render, via).await?
        }
        TokenIdentity::Password { .. } => {
            send(transport, endpoint, CALL, deadline, render, &InBody).await?
        }
    };
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
    let now = OffsetDateTime::now_utc();
    let left = expires_at - now;
    let lifetime = Duration::try_from(left).unwrap_or_default();
    if lifetime < MIN_TOKEN_LIFETIME {
        return Err(IamError::ExpiredOnArrival(ExpiredToken {
            expires_at: parsed.token.expires_at.chars().take(40).collect(),
            now: now.format(&Rfc3339).unwrap_or_default(),
            left_secs: left.whole_seconds(),
            request_id: answer.request_id.clone(),
        }));
    }
    Ok(IssuedToken {
        token: SecretString::from(token),
        lifetime,
    })
}

/// The ID of the project named `name` (a region's default project is named after the
/// region), as the official SDK finds it: `projects[0].id`, asked with `credentials`
/// (AK/SK, with a security token when temporary, or a token).
pub async fn project_id_by_name(
    transport: &Transport,
    endpoint: &Endpoint,
    name: &str,
    credentials: &impl Authorize,
) -> Result<ProjectId, IamError> {
    const CALL: &str = LIST_PROJECTS;
    let render = || {
        OutgoingRequest::new(
            endpoint,
            http::Method::GET,
            "/v3/projects",
            vec![("name".to_owned(), name.to_owned())],
            Vec::new(),
            "",
        )
    };
    let answer = send(transport, endpoint, CALL, None, render, credentials).await?;
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

/// The content type of IAM's request bodies, as the official SDK sends it.
const JSON: &str = "application/json;charset=UTF-8";

/// An IAM answer, read within the cap.
struct Answer {
    status: u16,
    headers: HeaderMap,
    request_id: Option<String>,
    subject_token: Option<String>,
    body: Bytes,
    attempts: u32,
}

/// Sends the request `render` makes, authorized by `auth` afresh for each attempt, and
/// tries again as [`crate::retry`] says (the transport's policy), never past `deadline`.
/// Gives the last answer, whatever its status, or the last failure.
async fn send(
    transport: &Transport,
    endpoint: &Endpoint,
    call: &'static str,
    deadline: Option<Instant>,
    render: impl Fn() -> OutgoingRequest,
    auth: &impl Authorize,
) -> Result<Answer, IamError> {
    let policy = transport.retry();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut request = render();
        auth.authorize_iam_call(transport, &mut request, deadline)
            .await?;
        let exchange = exchange(transport, endpoint, call, request, attempts);
        let sent = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, exchange)
                .await
                .unwrap_or(Err(IamError::DeadlineExceeded { call, attempts })),
            None => exchange.await,
        };
        let verdict = match &sent {
            Ok(answer) => {
                retry::verdict_on_answer(answer.status, &answer.headers, SystemTime::now())
            }
            Err(IamError::Transport { .. }) => Verdict::Retry {
                retry_after: None,
                unanswered: false,
            },
            Err(_) => Verdict::Final,
        };
        match policy.next(attempts, verdict, Instant::now(), deadline) {
            Next::RetryAfter(pause) => {
                tracing::info!(
                    call,
                    attempt = attempts,
                    pause_ms = pause.as_secs_f64() * 1e3,
                    failure = %match &sent {
                        Ok(answer) => format!("HTTP {}", answer.status),
                        Err(error) => error.to_string(),
                    },
                    "IAM call failed; trying again"
                );
                tokio::time::sleep(pause).await;
            }
            Next::GiveUp(why) => {
                if why != GiveUp::Final {
                    tracing::warn!(call, attempts, reason = ?why, "IAM call failed; not trying again");
                }
                return sent;
            }
        }
    }
}

/// One attempt: send, and read the answer within the cap.
async fn exchange(
    transport: &Transport,
    endpoint: &Endpoint,
    call: &'static str,
    request: OutgoingRequest,
    attempts: u32,
) -> Result<Answer, IamError> {
    let failed = |source: reqwest::Error| IamError::Transport {
        call,
        endpoint: endpoint.to_string(),
        source: transport::quiet(source),
        attempts,
    };
    let url = request.url(endpoint);
    let builder = transport
        .request(url, request)
        .map_err(|bad| IamError::Sign {
            call,
            why: bad.to_string(),
        })?;
    let response = builder.send().await.map_err(failed)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let request_id = transport::header_text(&headers, "x-request-id")
        .or_else(|| transport::header_text(&headers, "x-iam-trace-id"));
    let subject_token = transport::header_text(&headers, "x-subject-token");
    let body = match transport::read_capped(response, MAX_IAM_RESPONSE_BYTES).await {
        Ok(body) => body,
        Err(ReadError::TooLarge { limit }) => {
            return Err(IamError::Malformed {
                call,
                why: format!("the answer is larger than {limit} bytes"),
                request_id,
            });
        }
        Err(ReadError::Transport(source)) => return Err(failed(source)),
    };
    Ok(Answer {
        status,
        headers,
        request_id,
        subject_token,
        body,
        attempts,
    })
}

/// A token IAM issued already expired, or about to: what the messages say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiredToken {
    /// `token.expires_at` as IAM wrote it, cut to 40 characters.
    pub expires_at: String,
    /// This machine's time when the token arrived.
    pub now: String,
    /// The seconds it had left (zero or negative).
    pub left_secs: i64,
    /// The request id, if any.
    pub request_id: Option<String>,
}

impl fmt::Display for ExpiredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IAM issued a token that expires at {} while this machine's clock says {} ({} s \
             left; request id {}): check this machine's clock (NTP), and that \
             HUAWEICLOUD_SDK_IAM_ENDPOINT is IAM; ges-stop asks again in {} s",
            self.expires_at,
            self.now,
            self.left_secs,
            self.request_id.as_deref().unwrap_or("none"),
            EXPIRED_TOKEN_BACKOFF.as_secs()
        )
    }
}

/// A failed IAM call. No variant holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum IamError {
    /// IAM answered with an error.
    #[error(
        "IAM refused {call} with {status}{}: {message} (request id {}, after {}); check {hint}",
        code.as_deref().map(|code| format!(" {code}")).unwrap_or_default(),
        request_id.as_deref().unwrap_or("none"),
        Attempts::sent_times(*attempts)
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
        /// How many times the request was sent.
        attempts: u32,
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
        "{call}: could not reach IAM at {endpoint} after {}: {source}; check \
         HUAWEICLOUD_SDK_IAM_ENDPOINT (or HUAWEICLOUD_SDK_REGION) and the network",
        Attempts::sent_times(*attempts)
    )]
    Transport {
        /// The call.
        call: &'static str,
        /// The endpoint.
        endpoint: String,
        /// What went wrong the last time.
        source: reqwest::Error,
        /// How many times the request was sent.
        attempts: u32,
    },
    /// The deadline came before IAM answered.
    #[error(
        "{call}: the deadline came before IAM answered, after {}; IAM may be slow: try again \
         later, or raise GES_REQUEST_TIMEOUT_SECS",
        Attempts::sent_times(*attempts)
    )]
    DeadlineExceeded {
        /// The call.
        call: &'static str,
        /// How many times the request was sent (0: it waited for another's fetch).
        attempts: u32,
    },
    /// IAM's token had no life left when it arrived.
    #[error("{0}")]
    ExpiredOnArrival(ExpiredToken),
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
            attempts: answer.attempts,
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
            headers: HeaderMap::new(),
            request_id: Some("r1".into()),
            subject_token: None,
            body: Bytes::copy_from_slice(body.as_bytes()),
            attempts: 1,
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
