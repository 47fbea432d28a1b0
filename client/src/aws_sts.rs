//! The function's own identity as an OIDC ID token: AWS STS `GetWebIdentityToken`
//! (IAM outbound identity federation), asked with the Lambda role's credentials.
//!
//! A Query call (version 2011-06-15): a form-encoded `POST /` signed with SigV4 for the
//! service `sts` in the function's region, answered in XML. The generator speaks JSON
//! contracts only, so this one call is written here; the signature is api's SigV4
//! (`ges_api::signing::sigv4_sign`, held to botocore's), and the answer is read with
//! `roxmltree`. The body is serialised as botocore serialises it (`Action`, `Version`,
//! then the members in the model's order, values percent-encoded but for `-_.~`), so
//! that the same request signs to the same signature (tests/tests/aws_sigv4.rs holds
//! us to botocore's).
//!
//! The JWT is asked for when credentials are needed and lives only as long as the
//! exchange with Huawei Cloud STS needs it: nothing caches it.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use ges_api::runtime::encode_component;
use ges_api::signing::{
    HEADER_AMZ_DATE, HEADER_AMZ_SECURITY_TOKEN, RequestView, SdkDate, SigV4Scope, sigv4_sign,
};
use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;
use tokio::time::Instant;

use crate::bounded_seconds::BoundedSeconds;
use crate::endpoint::Endpoint;
use crate::federation_error::{FederationError, Service};
use crate::id_token::IdToken;
use crate::retry;
use crate::sts_call;
use crate::transport::{self, Exchanged, OutgoingRequest, Transport, USER_AGENT};

/// The call, as messages name it.
pub const GET_WEB_IDENTITY_TOKEN: &str = "sts:GetWebIdentityToken";
/// The Query API version.
pub const API_VERSION: &str = "2011-06-15";
/// The service name SigV4 signs AWS STS calls for.
const SIGNING_NAME: &str = "sts";
/// The content type botocore sends Query calls with.
pub const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// The most of an answer read: a JWT is at most a few kilobytes.
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The algorithm AWS signs the JWT with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SigningAlgorithm {
    /// RSA with SHA-256: what every OIDC relying party takes.
    #[default]
    Rs256,
    /// ECDSA on P-384 with SHA-384.
    Es384,
}

impl SigningAlgorithm {
    /// The name AWS and JOSE give it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es384 => "ES384",
        }
    }
}

impl FromStr for SigningAlgorithm {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        [Self::Rs256, Self::Es384]
            .into_iter()
            .find(|algorithm| algorithm.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or(())
    }
}

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
        let fits = (1..=1000).contains(&text.chars().count());
        if fits && !text.chars().any(char::is_control) {
            Ok(Self(text.to_owned()))
        } else {
            Err(())
        }
    }
}

/// How long the JWT lives: 60 to 3,600 seconds (AWS's range).
pub type TokenLifetime = BoundedSeconds<60, 3600>;

/// AWS's default lifetime of the JWT.
pub const DEFAULT_TOKEN_LIFETIME: TokenLifetime = TokenLifetime::clamped(300);

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

    /// The form body, as botocore serialises it: form encoding, where a space is `+`
    /// and every byte but letters, digits and `-_.~` is percent-encoded.
    pub fn body(&self) -> String {
        let audience = encode_component(self.audience.as_str())
            .to_string()
            .replace("%20", "+");
        format!(
            "Action=GetWebIdentityToken&Version={API_VERSION}&Audience.member.1={audience}\
             &DurationSeconds={}&SigningAlgorithm={}",
            self.lifetime.seconds(),
            self.algorithm.as_str()
        )
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
                ("Content-Type", FORM.to_owned()),
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
            service: SIGNING_NAME,
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
pub async fn web_identity_token(
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

fn element_text(document: &roxmltree::Document<'_>, name: &str) -> Option<String> {
    document
        .descendants()
        .find(|node| node.has_tag_name(name))
        .and_then(|node| node.text())
        .map(|text| text.trim().to_owned())
}

/// The answer's XML, if it is XML.
fn document(exchanged: &Exchanged) -> Option<roxmltree::Document<'_>> {
    let text = std::str::from_utf8(&exchanged.body).ok()?;
    roxmltree::Document::parse(text).ok()
}

/// Whether AWS throttled the call: Query APIs answer `400` with the code `Throttling`.
/// Only a `400` is parsed for it: a token's answer is read once, by [`read_answer`].
fn throttled(exchanged: &Exchanged) -> bool {
    exchanged.status == 400
        && document(exchanged)
            .and_then(|document| element_text(&document, "Code"))
            .is_some_and(|code| code == "Throttling")
}

/// The token from a `200`, or the error AWS answered (its status and plain code), with
/// what to do about it; the body is parsed once.
fn read_answer(exchanged: &Exchanged, attempts: u32) -> Result<IdToken, FederationError> {
    const CALL: &str = GET_WEB_IDENTITY_TOKEN;
    let document = document(exchanged);
    let request_id =
        transport::request_id_header(&exchanged.headers, "x-amzn-requestid").or_else(|| {
            document
                .as_ref()
                .and_then(|document| element_text(document, "RequestId"))
                .and_then(|id| transport::plain_request_id(&id))
        });
    let malformed = |why: String| FederationError::Malformed {
        service: Service::AwsSts,
        call: CALL,
        why,
        request_id: request_id.clone(),
    };
    if exchanged.status == 200 {
        let document = document.ok_or_else(|| malformed("the body is not XML".to_owned()))?;
        let token = element_text(&document, "WebIdentityToken")
            .ok_or_else(|| malformed("the answer has no WebIdentityToken".to_owned()))?;
        return IdToken::parse(&token, "AWS STS");
    }
    // The code only, and only a plain one: AWS's message, or a body that is not AWS's,
    // is not repeated (an answer to this call may hold the ID token).
    let code = document
        .as_ref()
        .and_then(|document| element_text(document, "Code"))
        .and_then(|code| transport::plain_code(&code));
    Err(FederationError::Refused {
        service: Service::AwsSts,
        call: CALL,
        status: exchanged.status,
        hint: hint(exchanged.status, code.as_deref()),
        code,
        request_id,
        attempts,
    })
}

/// What to enable or grant, by the error AWS documents for the call (the model's codes
/// end in `Exception`; the documentation's do not: both are read).
fn hint(status: u16, code: Option<&str>) -> &'static str {
    let code = code.map(|code| code.trim_end_matches("Exception"));
    match code {
        Some("OutboundWebIdentityFederationDisabled") => {
            "outbound identity federation is off in this AWS account: run `aws iam \
             enable-outbound-web-identity-federation` once (it prints the issuer URL the Huawei \
             identity provider must trust)"
        }
        Some("SessionDurationEscalation") => {
            "the ID token may not outlive the role's session: lower GES_OIDC_AWS_DURATION_SECONDS"
        }
        Some("JWTPayloadSizeExceeded") => {
            "the token's claims are too large: remove tags from the role's session"
        }
        Some("AccessDenied") => {
            "the function's role may not call sts:GetWebIdentityToken for this audience: allow \
             it in the role's policy with the condition sts:IdentityTokenAudience equal to \
             GES_OIDC_AWS_AUDIENCE"
        }
        Some(
            "InvalidClientTokenId"
            | "SignatureDoesNotMatch"
            | "ExpiredToken"
            | "UnrecognizedClient"
            | "IncompleteSignature",
        ) => {
            "AWS refused the credentials that signed the call (AWS_ACCESS_KEY_ID, \
             AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION): in Lambda they are the \
             role's; elsewhere, refresh them"
        }
        _ if status == 403 => {
            "the function's role may not call sts:GetWebIdentityToken: allow it in the role's \
             policy"
        }
        _ => "AWS STS may be failing: try again later, and check AWS_REGION",
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
        assert_eq!("es384".parse(), Ok(SigningAlgorithm::Es384));
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
        assert!("59".parse::<TokenLifetime>().is_err());
        assert_eq!(
            "3600".parse::<TokenLifetime>().map(TokenLifetime::seconds),
            Ok(3600)
        );
        assert!("".parse::<Audience>().is_err());
        assert!("a\nb".parse::<Audience>().is_err());
    }
}
