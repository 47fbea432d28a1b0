//! Huawei Cloud STS `AssumeAgencyWithOIDC`: an OIDC ID token traded for temporary AK/SK
//! and a security token, by assuming a trust agency. The wire format is the contract's
//! (`openapi/sts.yaml`, generated as [`ges_api::sts`]); the request is what the official
//! SDK's `OidcStsAccessor` sends (`huaweicloudsdkcore` 3.1.219): unsigned, the body's
//! fields in the same order, `Content-Type: application/json;charset=UTF-8`, the SDK's
//! defaults for the session name and the duration. Retried as IAM's calls are.

use std::str::FromStr;
use std::time::Duration;

use ges_api::runtime::ExposeSecret;
use ges_api::sts::{
    AgencyUrn, AssumeAgencyWithOidcBody, AssumeAgencyWithOidcRequest, AssumeAgencyWithOidcResponse,
    ProviderUrn, SessionName, SessionPolicy, StsError,
};
use secrecy::SecretString;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::time::Instant;

use crate::config::bounded_seconds::BoundedSeconds;
use crate::config::endpoint::Endpoint;
use crate::credentials::configured::StaticCredentials;
use crate::credentials::refusal::Refusal;
use crate::federation::error::{ExpiredCredentials, FederationError, Service};
use crate::federation::id_token::IdToken;
use crate::federation::sts_call;
use crate::transport::retry;
use crate::transport::{self, Exchanged, OutgoingRequest, Transport, USER_AGENT};

/// The call, as messages name it.
pub(crate) const ASSUME_AGENCY_WITH_OIDC: &str = "POST /v5/agencies/assume-with-oidc";
/// The session name the SDK uses when none is configured.
pub(crate) const DEFAULT_SESSION_NAME: &str = "oidc-sts-session";
/// The content type the SDK sends.
const JSON: &str = "application/json;charset=UTF-8";
/// The most of an answer read.
const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The least life credentials must have left when they arrive.
const MIN_LIFETIME: Duration = Duration::from_secs(1);

/// How long the credentials last: 900 to 43,200 seconds (STS's range, and at most the
/// agency's maximum session).
pub(crate) type CredentialsLifetime = BoundedSeconds<900, 43_200>;

/// The SDK's default lifetime of the credentials.
pub(crate) const DEFAULT_CREDENTIALS_LIFETIME: CredentialsLifetime =
    CredentialsLifetime::clamped(3600);

/// A predefined policy's ID: 1 to 64 of letters, digits, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyId(String);

impl FromStr for PolicyId {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let text = text.trim();
        let ok = (1..=64).contains(&text.len())
            && text
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(())
        }
    }
}

/// The most predefined policies a session may name.
pub(crate) const MAX_POLICY_IDS: usize = 20;

/// What is asked of STS, but the ID token: checked when configured.
#[derive(Debug, Clone)]
pub struct AgencyRequest {
    /// The OIDC identity provider (`HUAWEICLOUD_OIDC_PROVIDER_URN`).
    pub provider_urn: ProviderUrn,
    /// The trust agency (`HUAWEICLOUD_OIDC_AGENCY_URN`).
    pub agency_urn: AgencyUrn,
    /// The session's name (`HUAWEICLOUD_OIDC_SESSION_NAME`).
    pub session_name: SessionName,
    /// How long the credentials last (`HUAWEICLOUD_OIDC_DURATION_SECONDS`).
    pub lifetime: CredentialsLifetime,
    /// A policy that narrows the session (`HUAWEICLOUD_OIDC_POLICY`).
    pub policy: Option<SessionPolicy>,
    /// Predefined policies that narrow it (`HUAWEICLOUD_OIDC_POLICY_IDS`), at most
    /// [`MAX_POLICY_IDS`].
    pub policy_ids: Vec<PolicyId>,
}

impl AgencyRequest {
    /// The request for `id_token`, rendered for `endpoint` as the SDK sends it.
    pub fn render(
        &self,
        endpoint: &Endpoint,
        id_token: &IdToken,
    ) -> Result<OutgoingRequest, FederationError> {
        let operation = AssumeAgencyWithOidcRequest {
            body: AssumeAgencyWithOidcBody {
                provider_urn: self.provider_urn.clone(),
                agency_urn: self.agency_urn.clone(),
                agency_session_name: self.session_name.clone(),
                id_token: id_token.expose().into(),
                // At most 43,200: an i32 holds it.
                duration_seconds: i32::try_from(self.lifetime.seconds()).ok(),
                policy: self.policy.clone(),
                policy_ids: (!self.policy_ids.is_empty())
                    .then(|| self.policy_ids.iter().map(|id| id.0.clone()).collect()),
            },
        };
        OutgoingRequest::for_operation(
            endpoint,
            &operation,
            vec![
                ("Host", endpoint.host_header()),
                ("User-Agent", USER_AGENT.to_owned()),
                ("Content-Type", JSON.to_owned()),
            ],
        )
        .map_err(|error| FederationError::Request {
            service: Service::HuaweiSts,
            call: ASSUME_AGENCY_WITH_OIDC,
            why: error.to_string(),
        })
    }
}

/// Temporary credentials STS issued.
#[derive(Debug)]
pub(crate) struct Issued {
    /// The AK/SK and security token, ready to sign.
    pub keys: StaticCredentials,
    /// How long they have left to live, as of when they arrived.
    pub lifetime: Duration,
}

/// Assumes the agency with `id_token`, never past `deadline`. Credentials with less
/// than a second left are refused ([`FederationError::ExpiredOnArrival`]).
pub(crate) async fn assume_agency(
    transport: &Transport,
    endpoint: &Endpoint,
    request: &AgencyRequest,
    id_token: &IdToken,
    deadline: Option<Instant>,
) -> Result<Issued, FederationError> {
    const CALL: &str = ASSUME_AGENCY_WITH_OIDC;
    let rendered = request.render(endpoint, id_token)?;
    let (exchanged, attempts) = retry::drive(
        transport.retry(),
        CALL,
        deadline,
        |attempts| {
            sts_call::send_once(
                transport,
                (Service::HuaweiSts, CALL),
                endpoint,
                rendered.clone(),
                attempts,
                MAX_ANSWER_BYTES,
            )
        },
        |sent| sts_call::verdict(sent, |_| false),
        |attempts| FederationError::DeadlineExceeded {
            service: Service::HuaweiSts,
            call: CALL,
            attempts,
        },
        |(exchanged, _)| format!("HTTP {}", exchanged.status),
    )
    .await?;
    read_answer(&exchanged, attempts)
}

fn read_answer(exchanged: &Exchanged, attempts: u32) -> Result<Issued, FederationError> {
    const CALL: &str = ASSUME_AGENCY_WITH_OIDC;
    let request_id = transport::request_id_header(&exchanged.headers, "x-request-id");
    let malformed = |why: String| FederationError::Malformed {
        service: Service::HuaweiSts,
        call: CALL,
        why,
        request_id: request_id.clone(),
    };
    let assumed = match exchanged.decode::<AssumeAgencyWithOidcRequest>(request_id.clone()) {
        Ok(AssumeAgencyWithOidcResponse::Ok(assumed)) => assumed,
        Ok(
            AssumeAgencyWithOidcResponse::BadRequest(said)
            | AssumeAgencyWithOidcResponse::Unauthorized(said)
            | AssumeAgencyWithOidcResponse::Forbidden(said)
            | AssumeAgencyWithOidcResponse::NotFound(said)
            | AssumeAgencyWithOidcResponse::InternalServerError(said)
            | AssumeAgencyWithOidcResponse::ServiceUnavailable(said),
        ) => return Err(refused(exchanged, Some(&said), request_id, attempts)),
        // A success of a shape the contract does not give (a 200 with a field renamed
        // or missing, a 201): it may hold credentials, which are not used, nor shown.
        Err(error) if (200..300).contains(&exchanged.status) => {
            return Err(malformed(transport::undecodable(&error)));
        }
        Err(_) => return Err(refused(exchanged, None, request_id, attempts)),
    };
    let credentials = assumed.credentials;
    let expiration = &credentials.expiration;
    // Neither the value nor the parser's words about it: they are the answer's bytes.
    let expires = OffsetDateTime::parse(expiration, &Rfc3339)
        .map_err(|_| malformed("credentials.expiration is not an RFC 3339 time".to_owned()))?;
    let now = OffsetDateTime::now_utc();
    let lifetime = Duration::try_from(expires - now).unwrap_or_default();
    if lifetime < MIN_LIFETIME {
        return Err(FederationError::ExpiredOnArrival(ExpiredCredentials {
            expiration: expiration.chars().take(40).collect(),
            now: now.format(&Rfc3339).unwrap_or_default(),
            request_id,
        }));
    }
    Ok(Issued {
        keys: StaticCredentials::AkSk {
            access_key: credentials.access_key_id,
            secret_key: SecretString::from(credentials.secret_access_key.expose_secret()),
            security_token: Some(SecretString::from(
                credentials.security_token.expose_secret(),
            )),
        },
        lifetime,
    })
}

/// STS's refusal: its status, its error code when it is a plain one
/// ([`transport::plain_code`]), and what to check. Never STS's message, which may repeat
/// the ID token it refused.
fn refused(
    exchanged: &Exchanged,
    said: Option<&StsError>,
    request_id: Option<String>,
    attempts: u32,
) -> FederationError {
    let code = transport::refusal_code(
        &exchanged.body,
        said.and_then(|said| said.error_code.as_deref()),
    );
    let hint = match exchanged.status {
        400 => {
            "check HUAWEICLOUD_OIDC_DURATION_SECONDS (at most the agency's maximum session), \
             HUAWEICLOUD_OIDC_SESSION_NAME, HUAWEICLOUD_OIDC_POLICY and HUAWEICLOUD_OIDC_POLICY_IDS"
        }
        401 => {
            "the ID token was refused: check that the identity provider \
             (HUAWEICLOUD_OIDC_PROVIDER_URN) trusts this issuer, holds its current signing keys \
             and expects this audience (GES_OIDC_AWS_AUDIENCE), and that the token has not \
             expired"
        }
        403 => {
            "the agency (HUAWEICLOUD_OIDC_AGENCY_URN) does not trust this identity provider or \
             subject: check its trust policy"
        }
        404 => "check HUAWEICLOUD_OIDC_PROVIDER_URN and HUAWEICLOUD_OIDC_AGENCY_URN",
        _ => "Huawei Cloud STS may be failing: try again later",
    };
    FederationError::Refused(Refusal::new(
        Service::HuaweiSts,
        ASSUME_AGENCY_WITH_OIDC,
        exchanged.status,
        code.as_deref(),
        request_id,
        hint,
        attempts,
    ))
}
