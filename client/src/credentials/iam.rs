//! The two IAM calls ges-stop makes: obtaining a token (`POST /v3/auth/tokens`, with a
//! password or an agency's `assume_role`) and finding a region's project
//! (`GET /v3/projects?name=REGION`). Both go through the same [`Transport`] as GES, with
//! its timeouts, no redirects, and an answer read within a size cap, and are retried as
//! GES calls are ([`crate::transport::retry`]: a connection that fails or breaks, a timeout, `429`
//! and `5xx`), with the same [`crate::transport::retry::RetryPolicy`], never past the caller's
//! deadline.
//!
//! Nothing secret reaches an error: a password travels only in the request body, a
//! token only in a header, and nothing IAM answered is repeated but its status, its
//! request id and a plain error code ([`transport::plain_code`]): an answer of a shape
//! nobody expected may hold a token anywhere.
//!
//! The wire format is the contract's (`openapi/iam.yaml`, generated as
//! [`ges_api::iam`]): the requests are rendered and the answers decoded, by status code,
//! as GES's are.
//!
//! How a call is authenticated is the caller's ([`Authorize`]): this module does not
//! know the credentials' cache, which calls it.

use std::fmt;
use std::future::Future;
use std::time::{Duration, SystemTime};

use ges_api::iam::{
    self as wire, CreateTokenRequest, CreateTokenResponse, ListProjectsRequest,
    ListProjectsResponse,
};
use ges_api::runtime::{DecodeError, EncodeError, Operation};
use ges_api::types::ProjectId;
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use crate::config::endpoint::Endpoint;
use crate::credentials::configured::StaticCredentials;
use crate::credentials::refusal::{Refusal, Service};
use crate::transport::retry::{self, Attempts, Verdict};
use crate::transport::{self, ExchangeError, Exchanged, OutgoingRequest, Transport, USER_AGENT};

/// The most of an IAM answer read: a token without its catalog (`nocatalog=true`) or
/// a project list is a few kilobytes.
const MAX_IAM_RESPONSE_BYTES: usize = 1024 * 1024;

/// The token call, as messages name it.
pub(crate) const CREATE_TOKEN: &str = "POST /v3/auth/tokens";
/// The project look-up, as messages name it.
pub(crate) const LIST_PROJECTS: &str = "GET /v3/projects";

/// The least life a token must have left when it arrives. Less (a clock ahead of IAM's,
/// or an IAM that issues dead tokens) would mean a new token for every request.
pub(crate) const MIN_TOKEN_LIFETIME: Duration = Duration::from_secs(1);

/// After IAM gave a token that was already expired, how long every request for that
/// project is refused at once rather than asking IAM again: a clock that is wrong stays
/// wrong for a while, and asking on every request would only load IAM.
pub const EXPIRED_TOKEN_BACKOFF: Duration = Duration::from_secs(60);

/// Authenticates an IAM call: adds its headers to a request that is otherwise complete.
/// Called once per attempt, since a signature is dated.
pub(crate) trait Authorize {
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
    /// The contract's request body.
    fn body(&self) -> wire::TokenRequest {
        let project = match &self.scope {
            ProjectScope::Id(id) => wire::ProjectScope {
                id: Some(id.as_str().to_owned()),
                name: None,
            },
            ProjectScope::Name(name) => wire::ProjectScope {
                id: None,
                name: Some(name.clone()),
            },
        };
        let identity = match &self.identity {
            TokenIdentity::Password {
                domain,
                user,
                password,
            } => wire::Identity {
                methods: vec![wire::IdentityMethod::Password],
                password: Some(wire::PasswordIdentity {
                    user: wire::PasswordUser {
                        domain: wire::DomainName {
                            name: domain.clone(),
                        },
                        name: user.clone(),
                        password: password.expose_secret().into(),
                    },
                }),
                assume_role: None,
            },
            TokenIdentity::Agency { domain, agency, .. } => wire::Identity {
                methods: vec![wire::IdentityMethod::AssumeRole],
                password: None,
                assume_role: Some(wire::AssumeRole {
                    domain_name: domain.clone(),
                    agency_name: agency.clone(),
                }),
            },
        };
        wire::TokenRequest {
            auth: wire::Auth {
                identity,
                scope: Some(wire::Scope {
                    project: Some(project),
                }),
            },
        }
    }

    /// The request as it goes on the wire, unauthenticated: the contract's rendering,
    /// with the body's keys in the order ges-stop has always sent them (sorted, as a
    /// `serde_json::Value` writes them) rather than the contract's field order.
    fn render(&self, endpoint: &Endpoint) -> Result<OutgoingRequest, EncodeError> {
        let operation = CreateTokenRequest {
            nocatalog: Some(true),
            body: self.body(),
        };
        let mut request = render(endpoint, &operation, JSON)?;
        request.body = sorted_keys(&operation.body)?;
        Ok(request)
    }
}

/// A token IAM issued.
#[derive(Debug)]
pub(crate) struct IssuedToken {
    /// The token (`X-Subject-Token`).
    pub token: SecretString,
    /// How long it has left to live, as of when it arrived.
    pub lifetime: Duration,
}

/// Obtains a token, never past `deadline`. A token with less than
/// [`MIN_TOKEN_LIFETIME`] left is refused ([`IamError::ExpiredOnArrival`]).
pub(crate) async fn create_token(
    transport: &Transport,
    endpoint: &Endpoint,
    request: &TokenRequest,
    deadline: Option<Instant>,
) -> Result<IssuedToken, IamError> {
    const CALL: &str = CREATE_TOKEN;
    let rendered = request
        .render(endpoint)
        .map_err(|err| IamError::Malformed {
            call: CALL,
            why: err.to_string(),
            request_id: None,
        })?;
    let render = || rendered.clone();
    let answer = match &request.identity {
        TokenIdentity::Agency { via, .. } => {
            send(transport, endpoint, CALL, deadline, render, via).await?
        }
        TokenIdentity::Password { .. } => {
            send(transport, endpoint, CALL, deadline, render, &InBody).await?
        }
    };
    let (body, token) = match answer.decode::<CreateTokenRequest>() {
        Ok(
            CreateTokenResponse::Ok {
                body,
                x_subject_token,
            }
            | CreateTokenResponse::Created {
                body,
                x_subject_token,
            },
        ) => (body, x_subject_token),
        Ok(
            CreateTokenResponse::BadRequest(said)
            | CreateTokenResponse::Unauthorized(said)
            | CreateTokenResponse::Forbidden(said)
            | CreateTokenResponse::NotFound(said)
            | CreateTokenResponse::InternalServerError(said)
            | CreateTokenResponse::ServiceUnavailable(said),
        ) => return Err(IamError::refused(CALL, &answer, Some(&said))),
        Err(error) => return Err(answer.undecodable(CALL, error, "a token")),
    };
    let expires_at = &body.token.expires_at;
    // Neither the value nor the parser's words about it: they are the answer's bytes.
    let parsed = OffsetDateTime::parse(expires_at, &Rfc3339).map_err(|_| IamError::Malformed {
        call: CALL,
        why: "token.expires_at is not an RFC 3339 time".to_owned(),
        request_id: answer.request_id.clone(),
    })?;
    let now = OffsetDateTime::now_utc();
    let left = parsed - now;
    let lifetime = Duration::try_from(left).unwrap_or_default();
    if lifetime < MIN_TOKEN_LIFETIME {
        return Err(IamError::ExpiredOnArrival(ExpiredToken {
            expires_at: expires_at.chars().take(40).collect(),
            now: now.format(&Rfc3339).unwrap_or_default(),
            left_secs: left.whole_seconds(),
            request_id: answer.request_id.clone(),
        }));
    }
    Ok(IssuedToken {
        token: SecretString::from(token.expose_secret()),
        lifetime,
    })
}

/// The ID of the project named `name` (a region's default project is named after the
/// region), as the official SDK finds it: `projects[0].id`, asked with `credentials`
/// (AK/SK, with a security token when temporary, or a token).
pub(crate) async fn project_id_by_name(
    transport: &Transport,
    endpoint: &Endpoint,
    name: &str,
    credentials: &impl Authorize,
) -> Result<ProjectId, IamError> {
    const CALL: &str = LIST_PROJECTS;
    let operation = ListProjectsRequest {
        name: Some(name.to_owned()),
    };
    let rendered = render(endpoint, &operation, "").map_err(|err| IamError::Malformed {
        call: CALL,
        why: err.to_string(),
        request_id: None,
    })?;
    let answer = send(
        transport,
        endpoint,
        CALL,
        None,
        || rendered.clone(),
        credentials,
    )
    .await?;
    let list = match answer.decode::<ListProjectsRequest>() {
        Ok(ListProjectsResponse::Ok(list)) => list,
        Ok(
            ListProjectsResponse::BadRequest(said)
            | ListProjectsResponse::Unauthorized(said)
            | ListProjectsResponse::Forbidden(said)
            | ListProjectsResponse::NotFound(said)
            | ListProjectsResponse::InternalServerError(said)
            | ListProjectsResponse::ServiceUnavailable(said),
        ) => return Err(IamError::refused(CALL, &answer, Some(&said))),
        Err(error) => return Err(answer.undecodable(CALL, error, "a project list")),
    };
    let Some(project) = list.projects.first() else {
        return Err(IamError::NoSuchProject {
            name: name.to_owned(),
            request_id: answer.request_id,
        });
    };
    project.id.parse().map_err(|_| IamError::Malformed {
        call: CALL,
        why: "projects[0].id is not a project ID (32 letters and digits)".to_owned(),
        request_id: answer.request_id.clone(),
    })
}

/// An IAM operation rendered for `endpoint`, with `Host` and `User-Agent` (both signed)
/// and, when it has a body, a `Content-Type` (IAM's, `content_type`).
fn render<O: Operation>(
    endpoint: &Endpoint,
    operation: &O,
    content_type: &'static str,
) -> Result<OutgoingRequest, EncodeError> {
    let mut headers: Vec<(&'static str, String)> = vec![
        ("Host", endpoint.host_header()),
        ("User-Agent", USER_AGENT.to_owned()),
    ];
    if !content_type.is_empty() {
        headers.push(("Content-Type", content_type.to_owned()));
    }
    OutgoingRequest::for_operation(endpoint, operation, headers)
}

/// A body as JSON with its object keys sorted, as a `serde_json::Value` writes it.
fn sorted_keys<T: serde::Serialize>(body: &T) -> Result<Vec<u8>, EncodeError> {
    let what = "CreateToken request body";
    let value = serde_json::to_value(body).map_err(|source| EncodeError::Json { what, source })?;
    ges_api::runtime::encode_json(what, &value)
}

/// The content type of IAM's request bodies, as the official SDK sends it.
const JSON: &str = "application/json;charset=UTF-8";

/// An IAM answer, read within the cap.
struct Answer {
    exchanged: Exchanged,
    request_id: Option<String>,
    attempts: u32,
}

impl Answer {
    /// The answer as `O`'s documented response.
    fn decode<O: Operation>(&self) -> Result<O::Response, DecodeError> {
        self.exchanged.decode::<O>(self.request_id.clone())
    }

    /// The error for an answer that is not `O`'s documented response: a success (any
    /// 2xx: a `202` may hold a token as well) whose status, body or header does not
    /// match the contract cannot be used; anything else is a refusal, its code read
    /// from the raw body (an undocumented status code, such as `429`, or a body that is
    /// not the contract's error, such as a gateway's page).
    fn undecodable(&self, call: &'static str, error: DecodeError, what: &str) -> IamError {
        let why = match &error {
            DecodeError::InvalidBody { source, .. } if self.is_success() => {
                format!("the body is not {what}: {source}")
            }
            DecodeError::MissingHeader { .. } | DecodeError::InvalidHeader { .. } => {
                transport::undecodable(&error)
            }
            _ if self.is_success() => transport::undecodable(&error),
            _ => return IamError::refused(call, self, None),
        };
        IamError::Malformed {
            call,
            why,
            request_id: self.request_id.clone(),
        }
    }

    fn is_success(&self) -> bool {
        (200..300).contains(&self.exchanged.status)
    }
}

/// Sends the request `render` makes, authorized by `auth` afresh for each attempt, and
/// tries again as [`crate::transport::retry`] says (the transport's policy), never past `deadline`.
/// Gives the last answer, whatever its status, or the last failure.
async fn send(
    transport: &Transport,
    endpoint: &Endpoint,
    call: &'static str,
    deadline: Option<Instant>,
    render: impl Fn() -> OutgoingRequest,
    auth: &impl Authorize,
) -> Result<Answer, IamError> {
    retry::drive(
        transport.retry(),
        call,
        deadline,
        |attempts| {
            let mut request = render();
            async move {
                auth.authorize_iam_call(transport, &mut request, deadline)
                    .await?;
                exchange(transport, endpoint, call, request, attempts).await
            }
        },
        |sent| match sent {
            Ok(answer) => retry::verdict_on_answer(
                answer.exchanged.status,
                &answer.exchanged.headers,
                SystemTime::now(),
            ),
            Err(IamError::Transport { .. }) => Verdict::Retry {
                retry_after: None,
                unanswered: false,
            },
            Err(_) => Verdict::Final,
        },
        |attempts| IamError::DeadlineExceeded { call, attempts },
        |answer| format!("HTTP {}", answer.exchanged.status),
    )
    .await
}

/// One attempt: send, and read the answer within the cap.
async fn exchange(
    transport: &Transport,
    endpoint: &Endpoint,
    call: &'static str,
    request: OutgoingRequest,
    attempts: u32,
) -> Result<Answer, IamError> {
    let url = request.url(endpoint);
    let exchanged = transport
        .exchange(url, request, MAX_IAM_RESPONSE_BYTES)
        .await
        .map_err(|error| match error {
            ExchangeError::Header(bad) => IamError::Sign {
                call,
                why: bad.to_string(),
            },
            ExchangeError::Transport(source) => IamError::Transport {
                call,
                endpoint: endpoint.to_string(),
                source,
                attempts,
            },
            ExchangeError::TooLarge { limit, headers } => IamError::Malformed {
                call,
                why: format!("the answer is larger than {limit} bytes"),
                request_id: request_id(&headers),
            },
        })?;
    Ok(Answer {
        request_id: request_id(&exchanged.headers),
        exchanged,
        attempts,
    })
}

/// The request id IAM gave an answer: `X-Request-Id`, else `X-Iam-Trace-Id`, when plain.
fn request_id(headers: &http::HeaderMap) -> Option<String> {
    transport::request_id_header(headers, "x-request-id")
        .or_else(|| transport::request_id_header(headers, "x-iam-trace-id"))
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
    /// IAM answered with an error. Its message is not repeated: only a plain code.
    #[error("{0}")]
    Refused(Refusal),
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
    /// IAM's refusal of `call`: its status and plain code, from the contract's error
    /// body (`said`) when it decoded, and from the raw body for what the contract's type
    /// cannot hold (Keystone's `error.code`, a number) or when it did not decode.
    fn refused(call: &'static str, answer: &Answer, said: Option<&wire::IamError>) -> Self {
        let code = transport::refusal_code(
            &answer.exchanged.body,
            said.and_then(|said| said.error_code.as_deref()),
        );
        let hint = match (call, answer.exchanged.status) {
            (_, 401) if call.starts_with("POST") => {
                "check GES_IAM_USER, GES_IAM_PASSWORD and GES_IAM_DOMAIN, or the AK/SK an agency \
                 is assumed with"
            }
            (_, 403) if call.starts_with("POST") => {
                "check GES_IAM_AGENCY and GES_IAM_AGENCY_DOMAIN, and that the caller may assume \
                 the agency"
            }
            (_, 400) if call.starts_with("POST") => {
                "check HUAWEICLOUD_SDK_PROJECT_ID or HUAWEICLOUD_SDK_REGION, which the token is \
                 scoped to"
            }
            _ => "check the credentials and their permissions (iam:projects:listProjects)",
        };
        Self::Refused(Refusal::new(
            Service::Iam,
            call,
            answer.exchanged.status,
            code.as_deref(),
            answer.request_id.clone(),
            hint,
            answer.attempts,
        ))
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
    use bytes::Bytes;
    use http::HeaderMap;
    use serde_json::json;

    use super::*;

    fn endpoint() -> Endpoint {
        "https://iam.example.com".parse().unwrap()
    }

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
        let rendered = request.render(&endpoint()).unwrap();
        assert_eq!(
            String::from_utf8(rendered.body).unwrap(),
            r#"{"auth":{"identity":{"methods":["password"],"password":{"user":{"domain":{"name":"acme"},"name":"ops","password":"pw"}}},"scope":{"project":{"name":"cn-north-4"}}}}"#
        );
        assert_eq!(rendered.path, "/v3/auth/tokens");
        assert_eq!(
            rendered.query,
            [("nocatalog".to_owned(), "true".to_owned())]
        );
        assert!(
            rendered
                .headers
                .contains(&("Content-Type", JSON.to_owned()))
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
        let body = request.render(&endpoint()).unwrap().body;
        // The bytes ges-stop has always sent: keys sorted, as `json!` writes them.
        assert_eq!(
            body,
            serde_json::to_vec(&json!({"auth": {
                "identity": {"methods": ["assume_role"],
                    "assume_role": {"domain_name": "other", "agency_name": "ges-ops"}},
                "scope": {"project": {"id": "0123456789abcdef0123456789abcdef"}}}}))
            .unwrap()
        );
        assert_eq!(
            String::from_utf8(body).unwrap(),
            r#"{"auth":{"identity":{"assume_role":{"agency_name":"ges-ops","domain_name":"other"},"methods":["assume_role"]},"scope":{"project":{"id":"0123456789abcdef0123456789abcdef"}}}}"#
        );
    }

    #[test]
    fn a_project_lookup_is_rendered_as_the_sdks() {
        let operation = ListProjectsRequest {
            name: Some("cn-north-4".into()),
        };
        let rendered = render(&endpoint(), &operation, "").unwrap();
        assert_eq!(rendered.method, http::Method::GET);
        assert_eq!(rendered.path, "/v3/projects");
        assert_eq!(
            rendered.query,
            [("name".to_owned(), "cn-north-4".to_owned())]
        );
        assert!(rendered.body.is_empty());
        assert!(
            !rendered
                .headers
                .iter()
                .any(|(name, _)| *name == "Content-Type")
        );
    }

    fn answer(status: u16, body: &str, headers: HeaderMap) -> Answer {
        Answer {
            exchanged: Exchanged {
                status,
                headers,
                body: Bytes::copy_from_slice(body.as_bytes()),
            },
            request_id: Some("r1".into()),
            attempts: 1,
        }
    }

    /// The refusal as `create_token` makes it: from the contract's error body when the
    /// status is documented and the body decodes, else from the raw body.
    fn refusal(call: &'static str, answer: &Answer) -> IamError {
        match answer.decode::<CreateTokenRequest>() {
            Ok(CreateTokenResponse::Unauthorized(said)) => {
                IamError::refused(call, answer, Some(&said))
            }
            Ok(other) => panic!("not a refusal: {other:?}"),
            Err(error) => answer.undecodable(call, error, "a token"),
        }
    }

    #[test]
    fn refusals_read_both_error_shapes() {
        let keystone = r#"{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}"#;
        for status in [401, 429] {
            let err = refusal(
                "POST /v3/auth/tokens",
                &answer(status, keystone, HeaderMap::new()),
            );
            let shown = err.to_string();
            assert!(shown.contains(&format!("{status} 401 (")), "{shown}");
            assert!(!shown.contains("password is wrong"), "{shown}");
            assert!(shown.contains("r1"), "{shown}");
        }
        let shown = refusal(
            "POST /v3/auth/tokens",
            &answer(401, keystone, HeaderMap::new()),
        )
        .to_string();
        assert!(shown.contains("GES_IAM_PASSWORD"), "{shown}");
        let gateway = r#"{"error_code":"IAM.0001","error_msg":"nope"}"#;
        for status in [401, 502] {
            let err = refusal(
                "GET /v3/projects",
                &answer(status, gateway, HeaderMap::new()),
            );
            assert!(err.to_string().contains("IAM.0001 ("), "{err}");
            assert!(!err.to_string().contains("nope"), "{err}");
        }
        let err = refusal(
            "GET /v3/projects",
            &answer(503, "<html>busy</html>", HeaderMap::new()),
        );
        assert!(err.to_string().contains("with 503 ("), "{err}");
        assert!(!err.to_string().contains("busy"), "{err}");
    }

    #[test]
    fn a_token_answer_keeps_the_token_secret() {
        let mut headers = HeaderMap::new();
        headers.insert("x-subject-token", "MIIvery-secret".parse().unwrap());
        let answer = answer(
            201,
            r#"{"token":{"expires_at":"2099-01-01T00:00:00Z"}}"#,
            headers,
        );
        let decoded = answer.decode::<CreateTokenRequest>().unwrap();
        let shown = format!("{decoded:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let CreateTokenResponse::Created {
            x_subject_token, ..
        } = decoded
        else {
            panic!("{shown}")
        };
        assert_eq!(x_subject_token.expose_secret(), "MIIvery-secret");
        let missing = answer_without_token();
        let err = missing
            .undecodable(
                CREATE_TOKEN,
                missing.decode::<CreateTokenRequest>().unwrap_err(),
                "a token",
            )
            .to_string();
        assert!(
            err.contains("the answer has no X-Subject-Token header"),
            "{err}"
        );
    }

    fn answer_without_token() -> Answer {
        answer(
            201,
            r#"{"token":{"expires_at":"2099-01-01T00:00:00Z"}}"#,
            HeaderMap::new(),
        )
    }
}
