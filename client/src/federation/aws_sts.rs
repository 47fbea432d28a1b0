//! The function's own identity as an OIDC ID token: AWS STS `GetWebIdentityToken`
//! (IAM outbound identity federation), asked with the Lambda role's credentials.
//!
//! A Query call: the form and its XML answers are `ges_api::aws_sts`'s (the simulator
//! answers with the same types); this module signs the form with api's SigV4
//! (`ges_api::signing::sigv4_sign`, held to botocore's: tests/tests/aws_sigv4.rs), sends
//! it, and says what a refusal means.
//!
//! The JWT is asked for when credentials are needed and lives only as long as the
//! exchange with Huawei Cloud STS needs it: nothing caches it.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use ges_api::aws_sts::{
    self as wire, AnswerError, ErrorAnswer, GetWebIdentityToken, TokenAnswer, codes, same_code,
};
use ges_api::signing::{
    HEADER_AMZ_DATE, HEADER_AMZ_SECURITY_TOKEN, RequestView, SdkDate, SigV4Scope, sigv4_sign,
};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::config::bounded_seconds::BoundedSeconds;
use crate::config::endpoint::Endpoint;
use crate::credentials::refusal::Refusal;
use crate::federation::error::{FederationError, Service};
use crate::federation::id_token::IdToken;
use crate::federation::sts_call;
use crate::transport::retry;
use crate::transport::{self, Exchanged, OutgoingRequest, Transport, USER_AGENT};

pub(crate) use ges_api::aws_sts::SigningAlgorithm;

/// The call, as messages name it.
pub(crate) const GET_WEB_IDENTITY_TOKEN: &str = wire::CALL;
/// The most of an answer read: a JWT is at most a few kilobytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The algorithm asked for unless `GES_OIDC_AWS_ALGORITHM` says otherwise: RS256, which
/// every OIDC relying party takes.
pub(crate) const DEFAULT_SIGNING_ALGORITHM: SigningAlgorithm = SigningAlgorithm::Rs256;

/// The audience the JWT is for (its `aud`): what the Huawei identity provider expects.
/// 1 to 1,000 characters, none of them a control character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience(String);

impl Audience {
    /// The audience.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Audience {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        let text = text.trim();
        let fits = (1..=wire::MAX_AUDIENCE_LEN).contains(&text.chars().count());
        if fits && !text.chars().any(char::is_control) {
            Ok(Self(text.to_owned()))
        } else {
            Err(())
        }
    }
}

/// How long the JWT lives: AWS's range, [`wire::DURATION_SECONDS`].
pub(crate) type TokenLifetime =
    BoundedSeconds<{ wire::DURATION_SECONDS.0 }, { wire::DURATION_SECONDS.1 }>;

/// AWS's default lifetime of the JWT.
pub(crate) const DEFAULT_TOKEN_LIFETIME: TokenLifetime =
    TokenLifetime::clamped(wire::DEFAULT_DURATION_SECONDS);

/// The AWS credentials the request is signed with: the Lambda role's, from
/// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`. `Debug` shows
/// the access key ID only.
#[derive(Clone)]
pub struct AwsKeys {
    /// The access key ID.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: SecretString,
    /// The session token of temporary credentials (a role's always are).
    pub session_token: Option<SecretString>,
}

impl fmt::Debug for AwsKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsKeys")
            .field("access_key_id", &self.access_key_id)
            .field("session_token", &self.session_token.is_some())
            .finish_non_exhaustive()
    }
}

/// Everything `GetWebIdentityToken` needs.
#[derive(Debug, Clone)]
pub struct WebIdentity {
    /// AWS STS's regional endpoint (`https://sts.{region}.amazonaws.com`), or the
    /// override.
    pub endpoint: Endpoint,
    /// The region the signature is scoped to.
    pub region: String,
    /// The credentials that sign.
    pub keys: AwsKeys,
    /// The JWT's audience.
    pub audience: Audience,
    /// The JWT's algorithm.
    pub algorithm: SigningAlgorithm,
    /// The JWT's lifetime.
    pub lifetime: TokenLifetime,
}

impl WebIdentity {
    /// AWS STS's regional endpoint for `region` (`.amazonaws.com.cn` in China's regions):
    /// `GetWebIdentityToken` is not served by the global endpoint.
    pub fn regional_endpoint(region: &str) -> String {
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        format!("https://sts.{region}.{suffix}")
    }

    /// The form body, as botocore serialises it (`ges_api::aws_sts`).
    pub fn body(&self) -> String {
        GetWebIdentityToken {
            audiences: vec![self.audience.as_str().to_owned()],
            signing_algorithm: self.algorithm,
            duration_seconds: Some(self.lifetime.seconds()),
        }
        .to_form()
    }

    /// The request, signed at `at`: `Host`, `Content-Type`, then what SigV4 adds
    /// (`X-Amz-Date`, `X-Amz-Security-Token`, `Authorization`), then the unsigned
    /// `User-Agent` (botocore does not sign it either).
    pub fn signed_request(&self, at: SystemTime) -> Result<OutgoingRequest, FederationError> {
        let refuse = |why: String| FederationError::Request {
            service: Service::AwsSts,
            call: GET_WEB_IDENTITY_TOKEN,
            why,
        };
        let mut request = OutgoingRequest {
            method: http::Method::POST,
            path: format!("{}/", self.endpoint.base_path()),
            query: Vec::new(),
            headers: vec![
                ("Host", self.endpoint.host_header()),
                ("Content-Type", wire::FORM_CONTENT_TYPE.to_owned()),
            ],
            body: self.body().into_bytes(),
        };
        request.headers.push((
            HEADER_AMZ_DATE,
            SdkDate::from(OffsetDateTime::from(at)).to_string(),
        ));
        if let Some(token) = &self.keys.session_token {
            request
                .headers
                .push((HEADER_AMZ_SECURITY_TOKEN, token.expose_secret().to_owned()));
        }
        let mut view =
            RequestView::new(request.method.as_str(), &request.path).with_body(&request.body);
        view.headers = request
            .headers
            .iter()
            .map(|(name, value)| (*name, value.as_str()))
            .collect();
        let scope = SigV4Scope {
            region: &self.region,
            service: wire::SIGNING_NAME,
        };
        let signed = sigv4_sign(
            &view,
            &self.keys.access_key_id,
            self.keys.secret_access_key.expose_secret().as_bytes(),
            &scope,
        )
        .map_err(|error| refuse(error.to_string()))?;
        request
            .headers
            .push(("Authorization", signed.authorization));
        request.headers.push(("User-Agent", USER_AGENT.to_owned()));
        Ok(request)
    }
}

/// Asks AWS STS for the function's ID token, never past `deadline`, trying again as the
/// transport's policy says after a failure to connect, `429`, `5xx` or `Throttling`.
pub(crate) async fn web_identity_token(
    transport: &Transport,
    identity: &WebIdentity,
    deadline: Option<Instant>,
) -> Result<IdToken, FederationError> {
    const CALL: &str = GET_WEB_IDENTITY_TOKEN;
    let sent = retry::drive(
        transport.retry(),
        CALL,
        deadline,
        |attempts| async move {
            let request = identity.signed_request(SystemTime::now())?;
            sts_call::send_once(
                transport,
                (Service::AwsSts, CALL),
                &identity.endpoint,
                request,
                attempts,
                MAX_ANSWER_BYTES,
            )
            .await
        },
        |sent| sts_call::verdict(sent, throttled),
        |attempts| FederationError::DeadlineExceeded {
            service: Service::AwsSts,
            call: CALL,
            attempts,
        },
        |(exchanged, _)| format!("HTTP {}", exchanged.status),
    )
    .await?;
    let (exchanged, attempts) = sent;
    read_answer(&exchanged, attempts)
}

/// Whether AWS throttled the call: Query APIs answer `400` with the code `Throttling`.
/// Only a `400` is parsed for it: a token's answer is read once, by [`read_answer`].
fn throttled(exchanged: &Exchanged) -> bool {
    exchanged.status == 400
        && ErrorAnswer::from_xml(&exchanged.body)
            .is_some_and(|error| error.code == codes::THROTTLING)
}

/// The token from a `200`, or the error AWS answered (its status and plain code), with
/// what to do about it; the body is parsed once.
fn read_answer(exchanged: &Exchanged, attempts: u32) -> Result<IdToken, FederationError> {
    const CALL: &str = GET_WEB_IDENTITY_TOKEN;
    let header_id = transport::request_id_header(&exchanged.headers, wire::REQUEST_ID_HEADER);
    let body_id = |id: Option<String>| id.as_deref().and_then(transport::plain_request_id);
    if exchanged.status == 200 {
        let answer = TokenAnswer::from_xml(&exchanged.body);
        let request_id = header_id.or_else(|| match &answer {
            Ok(answer) => body_id(answer.request_id.clone()),
            Err(AnswerError::NoToken) => {
                body_id(ErrorAnswer::from_xml(&exchanged.body).and_then(|xml| xml.request_id))
            }
            Err(AnswerError::NotXml) => None,
        });
        return match answer {
            Ok(answer) => IdToken::parse(&answer.web_identity_token, "AWS STS"),
            Err(why) => Err(FederationError::Malformed {
                service: Service::AwsSts,
                call: CALL,
                why: why.to_string(),
                request_id,
            }),
        };
    }
    let error = ErrorAnswer::from_xml(&exchanged.body);
    let request_id =
        header_id.or_else(|| body_id(error.as_ref().and_then(|error| error.request_id.clone())));
    // The code only, and only a plain one: AWS's message, or a body that is not AWS's,
    // is not repeated (an answer to this call may hold the ID token).
    let code = error
        .filter(|error| !error.code.is_empty())
        .and_then(|error| transport::plain_code(&error.code));
    Err(FederationError::Refused(Refusal::new(
        Service::AwsSts,
        CALL,
        exchanged.status,
        code.as_deref(),
        request_id,
        hint(exchanged.status, code.as_deref()),
        attempts,
    )))
}

/// What to enable or grant, by the error AWS documents for the call (the model's codes
/// end in `Exception`; the documentation's do not: both are read).
fn hint(status: u16, code: Option<&str>) -> &'static str {
    let is = |known: &str| code.is_some_and(|code| same_code(code, known));
    if is(codes::OUTBOUND_FEDERATION_DISABLED) {
        "outbound identity federation is off in this AWS account: run `aws iam \
         enable-outbound-web-identity-federation` once (it prints the issuer URL the Huawei \
         identity provider must trust)"
    } else if is(codes::SESSION_DURATION_ESCALATION) {
        "the ID token may not outlive the role's session: lower GES_OIDC_AWS_DURATION_SECONDS"
    } else if is(codes::JWT_PAYLOAD_SIZE_EXCEEDED) {
        "the token's claims are too large: remove tags from the role's session"
    } else if is(codes::ACCESS_DENIED) {
        "the function's role may not call sts:GetWebIdentityToken for this audience: allow \
         it in the role's policy with the condition sts:IdentityTokenAudience equal to \
         GES_OIDC_AWS_AUDIENCE"
    } else if [
        codes::INVALID_CLIENT_TOKEN_ID,
        codes::SIGNATURE_DOES_NOT_MATCH,
        codes::EXPIRED_TOKEN,
        codes::UNRECOGNIZED_CLIENT,
        codes::INCOMPLETE_SIGNATURE,
    ]
    .into_iter()
    .any(is)
    {
        "AWS refused the credentials that signed the call (AWS_ACCESS_KEY_ID, \
         AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION): in Lambda they are the \
         role's; elsewhere, refresh them"
    } else if status == 403 {
        "the function's role may not call sts:GetWebIdentityToken: allow it in the role's \
         policy"
    } else {
        "AWS STS may be failing: try again later, and check AWS_REGION"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(session_token: Option<&str>) -> WebIdentity {
        WebIdentity {
            endpoint: "https://sts.us-east-1.amazonaws.com".parse().unwrap(),
            region: "us-east-1".to_owned(),
            keys: AwsKeys {
                access_key_id: "AKIDEXAMPLE".to_owned(),
                secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
                session_token: session_token.map(SecretString::from),
            },
            audience: "https://sts.ap-southeast-1.myhuaweicloud.com"
                .parse()
                .unwrap(),
            algorithm: SigningAlgorithm::Rs256,
            lifetime: DEFAULT_TOKEN_LIFETIME,
        }
    }

    #[test]
    fn the_body_is_botocores() {
        assert_eq!(
            identity(None).body(),
            "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=\
             https%3A%2F%2Fsts.ap-southeast-1.myhuaweicloud.com&DurationSeconds=300\
             &SigningAlgorithm=RS256"
        );
    }

    #[test]
    fn the_request_is_signed_for_sts_in_the_region_with_the_session_token() {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_764_590_400);
        let request = identity(Some("role-session-token"))
            .signed_request(at)
            .unwrap();
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(header("X-Amz-Date"), Some("20251201T120000Z"));
        assert_eq!(header("X-Amz-Security-Token"), Some("role-session-token"));
        let authorization = header("Authorization").unwrap();
        assert!(
            authorization.starts_with(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251201/us-east-1/sts/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
            ),
            "{authorization}"
        );
        // The secrets are in the headers that carry them and nowhere in Debug.
        let shown = format!("{request:?} {:?}", identity(Some("role-session-token")));
        assert!(!shown.contains("role-session-token"), "{shown}");
        assert!(!shown.contains("wJalrXUtnFEMI"), "{shown}");
    }

    #[test]
    fn the_documented_errors_say_what_to_enable_or_grant() {
        assert!(
            hint(403, Some("OutboundWebIdentityFederationDisabledException"))
                .contains("enable-outbound-web-identity-federation")
        );
        assert!(
            hint(403, Some("OutboundWebIdentityFederationDisabled"))
                .contains("enable-outbound-web-identity-federation")
        );
        assert!(
            hint(403, Some("SessionDurationEscalationException"))
                .contains("GES_OIDC_AWS_DURATION_SECONDS")
        );
        assert!(hint(403, Some("AccessDenied")).contains("sts:IdentityTokenAudience"));
        assert!(hint(403, None).contains("sts:GetWebIdentityToken"));
    }

    #[test]
    fn china_regions_have_their_own_domain() {
        assert_eq!(
            WebIdentity::regional_endpoint("cn-north-1"),
            "https://sts.cn-north-1.amazonaws.com.cn"
        );
        assert_eq!(
            WebIdentity::regional_endpoint("eu-west-1"),
            "https://sts.eu-west-1.amazonaws.com"
        );
    }

    #[test]
    fn settings_parse_into_their_ranges() {
        assert!("59".parse::<TokenLifetime>().is_err());
        assert_eq!(
            "3600".parse::<TokenLifetime>().map(TokenLifetime::seconds),
            Ok(3600)
        );
        assert!("".parse::<Audience>().is_err());
        assert!("a\nb".parse::<Audience>().is_err());
    }
}
