//! AWS STS's side of keyless federation: who may call `GetWebIdentityToken` (the
//! configured AWS credentials, checked by SigV4), what the call asks for, and when AWS
//! refuses it. `aws_sts_routes` answers the calls with it.
//!
//! A signature is recomputed with api's SigV4 (the client's signer, held to botocore's;
//! the tests below sign with smithy-rs's `aws-sigv4`, the AWS SDK for Rust's signer)
//! over the headers the request lists as signed, its path, query and body, at the
//! request's own `X-Amz-Date`, and compared in constant time. The date must be within
//! 15 minutes of real time, as the Huawei signatures' are (`auth`): the clients that
//! sign live in real time, whatever a test did to the simulator's clock.

use std::fmt;
use std::time::Duration;

use ges_api::aws_sts::{self as wire, GetWebIdentityToken, SigningAlgorithm};
use ges_api::signing::{
    RequestView, SdkDate, SigV4Scope, decode_query, sigv4_canonical_request, sigv4_signature_hex,
    sigv4_string_to_sign,
};
use http::StatusCode;
use http::request::Parts;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

use crate::error_codes;

/// The region the simulator's AWS STS signs for unless told otherwise.
pub const DEFAULT_AWS_REGION: &str = "us-east-1";
/// The role the simulator's AWS STS issues ID tokens about unless told otherwise: the
/// token's `sub`.
pub const DEFAULT_AWS_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/ges-stop";
/// The largest ID token payload (the claims' JSON) issued; a larger one is refused with
/// [`error_codes::JWT_PAYLOAD_SIZE_EXCEEDED`]. The simulator's choice: AWS does not
/// publish its limit.
pub const MAX_JWT_PAYLOAD_BYTES: usize = 8 * 1024;

/// How far `X-Amz-Date` may be from real time, as on AWS.
const MAX_CLOCK_SKEW: time::Duration = time::Duration::minutes(15);
/// The AWS credentials the simulator's STS accepts. `Debug` shows the access key only.
#[derive(Clone)]
pub(crate) struct AwsCredentials {
    pub(crate) access_key: String,
    secret_key: String,
    session_token: Option<String>,
}

impl fmt::Debug for AwsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsCredentials")
            .field("access_key", &self.access_key)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<set>"),
            )
            .finish_non_exhaustive()
    }
}

impl AwsCredentials {
    pub(crate) fn new(
        access_key: String,
        secret_key: String,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key,
            secret_key,
            session_token,
        }
    }

    /// Whether each value is usable in a header.
    pub(crate) fn usable(&self) -> bool {
        let usable = |value: &str| !value.is_empty() && value.bytes().all(|b| b.is_ascii_graphic());
        usable(&self.access_key)
            && !self.access_key.contains('/')
            && usable(&self.secret_key)
            && self.session_token.as_deref().is_none_or(usable)
    }
}

/// The simulator's AWS STS: whose calls it accepts, about which role it issues tokens,
/// and the refusals a test asked for.
#[derive(Debug, Clone)]
pub(crate) struct AwsStsConfig {
    pub(crate) credentials: Option<AwsCredentials>,
    pub(crate) region: String,
    pub(crate) role_arn: String,
    pub(crate) federation_disabled: bool,
    pub(crate) deny_all: bool,
    /// The audiences the role may ask for; `None` for any.
    pub(crate) audiences: Option<Vec<String>>,
    /// How long the caller's own session still lasts; `None` for no limit.
    pub(crate) session_remaining: Option<Duration>,
}

impl Default for AwsStsConfig {
    fn default() -> Self {
        Self {
            credentials: None,
            region: DEFAULT_AWS_REGION.to_owned(),
            role_arn: DEFAULT_AWS_ROLE_ARN.to_owned(),
            federation_disabled: false,
            deny_all: false,
            audiences: None,
            session_remaining: None,
        }
    }
}

impl AwsStsConfig {
    /// The role's account: the ARN's fifth field.
    pub(crate) fn account(&self) -> &str {
        self.role_arn.split(':').nth(4).unwrap_or_default()
    }
}

/// A Query error, before it is rendered as XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QueryError {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl QueryError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    fn mismatch(message: impl Into<String>) -> Self {
        Self::forbidden(error_codes::SIGNATURE_DOES_NOT_MATCH, message)
    }

    fn invalid_token() -> Self {
        Self::forbidden(
            error_codes::INVALID_CLIENT_TOKEN_ID,
            "The security token included in the request is invalid.",
        )
    }
}

/// What a `GetWebIdentityToken` call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenAsk {
    /// 1 to 10 audiences, in order.
    pub(crate) audiences: Vec<String>,
    pub(crate) algorithm: SigningAlgorithm,
    pub(crate) duration: Duration,
}

/// Reads a `GetWebIdentityToken` call's form body with the wire's own reader
/// (`ges_api::aws_sts`, the client's serialiser's twin), AWS's default duration filled
/// in.
pub(crate) fn parse_ask(body: &[u8]) -> Result<TokenAsk, QueryError> {
    let asked = GetWebIdentityToken::from_form(body).map_err(|refused| QueryError {
        status: StatusCode::from_u16(refused.status).unwrap_or(StatusCode::BAD_REQUEST),
        code: refused.code,
        message: refused.message,
    })?;
    let seconds = asked
        .duration_seconds
        .unwrap_or(wire::DEFAULT_DURATION_SECONDS);
    Ok(TokenAsk {
        audiences: asked.audiences,
        algorithm: asked.signing_algorithm,
        duration: Duration::from_secs(u64::from(seconds)),
    })
}

/// The start of a value a caller sent, to repeat in a message.
fn shown(value: &str) -> String {
    value.chars().take(80).collect()
}

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
/// Signature=...`.
struct Authorization<'a> {
    access_key: &'a str,
    date: &'a str,
    region: &'a str,
    service: &'a str,
    signed_headers: Vec<&'a str>,
    signature: &'a str,
}

fn parse_authorization(value: &str) -> Result<Authorization<'_>, QueryError> {
    let incomplete = |why: &str| {
        QueryError::bad_request(
            error_codes::INCOMPLETE_SIGNATURE,
            format!("Authorization header requires {why}. Authorization=AWS4-HMAC-SHA256"),
        )
    };
    let Some(rest) = value.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(incomplete("the AWS4-HMAC-SHA256 algorithm"));
    };
    let (mut credential, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        if let Some(value) = part.strip_prefix("Credential=") {
            credential = Some(value);
        } else if let Some(value) = part.strip_prefix("SignedHeaders=") {
            signed = Some(value);
        } else if let Some(value) = part.strip_prefix("Signature=") {
            signature = Some(value);
        }
    }
    let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature) else {
        return Err(incomplete(
            "'Credential', 'SignedHeaders' and 'Signature' parameters",
        ));
    };
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, "aws4_request"] = scope[..] else {
        return Err(incomplete(
            "a Credential of the form AKID/yyyymmdd/region/service/aws4_request",
        ));
    };
    Ok(Authorization {
        access_key,
        date,
        region,
        service,
        signed_headers: signed.split(';').collect(),
        signature,
    })
}

/// The one value of a header, if it comes exactly once as visible ASCII.
fn single<'a>(parts: &'a Parts, name: &str) -> Result<Option<&'a str>, ()> {
    let mut values = parts.headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (None, _) => Ok(None),
        (Some(value), None) => value.to_str().map(Some).map_err(|_| ()),
        (Some(_), Some(_)) => Err(()),
    }
}

/// Checks a call's SigV4 signature against the configured credentials, at `now` (real
/// time).
pub(crate) fn authenticate(
    config: &AwsStsConfig,
    parts: &Parts,
    body: &[u8],
    now: OffsetDateTime,
) -> Result<(), QueryError> {
    let authorization = match single(parts, "authorization") {
        Ok(Some(value)) => value,
        Ok(None) => {
            return Err(QueryError::forbidden(
                error_codes::MISSING_AUTHENTICATION_TOKEN,
                "Request is missing Authentication Token",
            ));
        }
        Err(()) => {
            return Err(QueryError::bad_request(
                error_codes::INCOMPLETE_SIGNATURE,
                "The Authorization header must be sent once, in ASCII.",
            ));
        }
    };
    let signed = parse_authorization(authorization)?;
    let Some(credentials) = config
        .credentials
        .as_ref()
        .filter(|credentials| credentials.access_key == signed.access_key)
    else {
        return Err(QueryError::invalid_token());
    };
    if signed.service != "sts" {
        return Err(QueryError::mismatch(format!(
            "Credential should be scoped to correct service: 'sts', not {:?}.",
            shown(signed.service)
        )));
    }
    if signed.region != config.region {
        return Err(QueryError::mismatch(format!(
            "Credential should be scoped to a valid region: this STS is {}'s, not {:?}.",
            config.region,
            shown(signed.region)
        )));
    }

    let token = single(parts, "x-amz-security-token").map_err(|()| QueryError::invalid_token())?;
    let token_matches = match (&credentials.session_token, token) {
        (Some(expected), Some(sent)) => bool::from(expected.as_bytes().ct_eq(sent.as_bytes())),
        (None, None) => true,
        _ => false,
    };
    if !token_matches {
        return Err(QueryError::invalid_token());
    }

    let date = match single(parts, "x-amz-date") {
        Ok(Some(date)) => date,
        _ => {
            return Err(QueryError::bad_request(
                error_codes::INCOMPLETE_SIGNATURE,
                "Authorization header requires existence of a 'X-Amz-Date' header.",
            ));
        }
    };
    // X-Amz-Date is written as X-Sdk-Date is (`yyyymmddThhmmssZ`): api's SdkDate reads it.
    let at = SdkDate::parse(date)
        .map_err(|_| {
            QueryError::bad_request(
                error_codes::INCOMPLETE_SIGNATURE,
                format!(
                    "X-Amz-Date {:?} is not of the form yyyymmddThhmmssZ.",
                    shown(date)
                ),
            )
        })?
        .to_datetime();
    if !date.starts_with(signed.date) || signed.date.len() != 8 {
        return Err(QueryError::mismatch(format!(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date \
             from HTTP: '{}' != '{}'",
            shown(signed.date),
            &date[..8.min(date.len())]
        )));
    }
    let skew = at - now;
    if skew.abs() > MAX_CLOCK_SKEW {
        return Err(QueryError::mismatch(if skew.is_negative() {
            format!(
                "Signature expired: {date} is now earlier than {} ({} - 15 min.)",
                format_amz(now - MAX_CLOCK_SKEW),
                format_amz(now)
            )
        } else {
            format!(
                "Signature not yet current: {date} is still later than {} ({} + 15 min.)",
                format_amz(now + MAX_CLOCK_SKEW),
                format_amz(now)
            )
        }));
    }

    for required in ["host", "x-amz-date"]
        .into_iter()
        .chain(token.map(|_| "x-amz-security-token"))
    {
        if !signed.signed_headers.contains(&required) {
            return Err(QueryError::mismatch(format!(
                "'{required}' must be a signed header."
            )));
        }
    }
    let expected = recompute(credentials, &config.region, parts, body, &signed, at)?;
    if bool::from(expected.as_bytes().ct_eq(signed.signature.as_bytes())) {
        Ok(())
    } else {
        Err(QueryError::mismatch(
            "The request signature we calculated does not match the signature you provided. \
             Check your AWS Secret Access Key and signing method. Consult the service \
             documentation for details.",
        ))
    }
}

fn format_amz(at: OffsetDateTime) -> String {
    SdkDate::from_datetime(at).to_string()
}

/// The signature the request should carry, computed with api's SigV4 (the client's
/// signer, held to botocore's) over the headers it lists as signed.
fn recompute(
    credentials: &AwsCredentials,
    region: &str,
    parts: &Parts,
    body: &[u8],
    signed: &Authorization<'_>,
    at: OffsetDateTime,
) -> Result<String, QueryError> {
    let failed = |what: &str| {
        QueryError::mismatch(format!("The request could not be signed again: {what}."))
    };
    let mut headers: Vec<(&str, String)> = Vec::new();
    for name in &signed.signed_headers {
        let values: Vec<&str> = parts
            .headers
            .get_all(*name)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        if values.is_empty() {
            return Err(QueryError::mismatch(format!(
                "The signed header {:?} is not in the request.",
                shown(name)
            )));
        }
        // A header sent more than once is signed as its values joined by commas.
        headers.push((*name, values.join(",")));
    }
    let mut view = RequestView::new(parts.method.as_str(), parts.uri.path()).with_body(body);
    view.headers = headers
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    let query = decode_query(parts.uri.query().unwrap_or_default())
        .map_err(|_| failed("its query does not decode"))?;
    view.query = query
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let canonical = sigv4_canonical_request(&view, &signed.signed_headers)
        .map_err(|_| failed("its signed headers are not signable"))?;
    let date = SdkDate::from(at);
    let scope = SigV4Scope {
        region,
        service: "sts",
    };
    let string_to_sign = sigv4_string_to_sign(date, &scope.credential_scope(date), &canonical);
    sigv4_signature_hex(
        credentials.secret_key.as_bytes(),
        &scope,
        date,
        &string_to_sign,
    )
    .map_err(|_| failed("the secret key is empty"))
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use aws_credential_types::Credentials;
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    use aws_sigv4::sign::v4;
    use aws_smithy_runtime_api::client::identity::Identity;

    use super::*;

    const AK: &str = "AKIASIMULATOR0000001";
    const SK: &str = "aws/secret+key0000000000000000000000000";

    fn config(session_token: Option<&str>) -> AwsStsConfig {
        AwsStsConfig {
            credentials: Some(AwsCredentials::new(
                AK.to_owned(),
                SK.to_owned(),
                session_token.map(str::to_owned),
            )),
            ..AwsStsConfig::default()
        }
    }

    const BODY: &[u8] =
        b"Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=a&SigningAlgorithm=RS256";

    /// A request signed by `aws-sigv4` the way a client signs it.
    fn signed(secret_key: &str, token: Option<&str>, at: OffsetDateTime, region: &str) -> Parts {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:9000/")
            .header("host", "127.0.0.1:9000")
            .header(
                "content-type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(BODY.to_vec())
            .unwrap();
        let identity: Identity =
            Credentials::new(AK, secret_key, token.map(str::to_owned), None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("sts")
            .time(SystemTime::from(at))
            .settings(SigningSettings::default())
            .build()
            .unwrap()
            .into();
        let signable = SignableRequest::new(
            "POST",
            "http://127.0.0.1:9000/",
            request
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str(), value.to_str().unwrap())),
            SignableBody::Bytes(BODY),
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        instructions.apply_to_request_http1x(&mut request);
        request.into_parts().0
    }

    #[test]
    fn a_signature_made_by_aws_sigv4_is_accepted() {
        let now = OffsetDateTime::now_utc();
        let parts = signed(SK, None, now, "us-east-1");
        assert_eq!(authenticate(&config(None), &parts, BODY, now), Ok(()));
        let parts = signed(SK, Some("session"), now, "us-east-1");
        assert_eq!(
            authenticate(&config(Some("session")), &parts, BODY, now),
            Ok(())
        );
    }

    #[test]
    fn wrong_keys_bodies_tokens_regions_and_dates_are_refused() {
        let now = OffsetDateTime::now_utc();
        let code = |result: Result<(), QueryError>| result.unwrap_err().code;
        let parts = signed("wrong", None, now, "us-east-1");
        assert_eq!(
            code(authenticate(&config(None), &parts, BODY, now)),
            error_codes::SIGNATURE_DOES_NOT_MATCH
        );
        let parts = signed(SK, None, now, "us-east-1");
        assert_eq!(
            code(authenticate(&config(None), &parts, b"Action=Other", now)),
            error_codes::SIGNATURE_DOES_NOT_MATCH
        );
        assert_eq!(
            code(authenticate(&config(Some("session")), &parts, BODY, now)),
            error_codes::INVALID_CLIENT_TOKEN_ID
        );
        let parts = signed(SK, Some("other"), now, "us-east-1");
        assert_eq!(
            code(authenticate(&config(Some("session")), &parts, BODY, now)),
            error_codes::INVALID_CLIENT_TOKEN_ID
        );
        let parts = signed(SK, None, now, "eu-west-1");
        assert_eq!(
            code(authenticate(&config(None), &parts, BODY, now)),
            error_codes::SIGNATURE_DOES_NOT_MATCH
        );
        let parts = signed(SK, None, now - time::Duration::minutes(16), "us-east-1");
        let refusal = authenticate(&config(None), &parts, BODY, now).unwrap_err();
        assert!(
            refusal.message.starts_with("Signature expired"),
            "{refusal:?}"
        );
        let parts = signed(SK, None, now + time::Duration::minutes(14), "us-east-1");
        assert_eq!(authenticate(&config(None), &parts, BODY, now), Ok(()));
        assert_eq!(
            code(authenticate(&AwsStsConfig::default(), &parts, BODY, now)),
            error_codes::INVALID_CLIENT_TOKEN_ID
        );
    }

    #[test]
    fn asks_are_read_with_defaults_and_ranges() {
        let ask = parse_ask(BODY).unwrap();
        assert_eq!(ask.audiences, ["a"]);
        assert_eq!(ask.algorithm, SigningAlgorithm::Rs256);
        assert_eq!(ask.duration, Duration::from_secs(300));
        let code = |body: &str| parse_ask(body.as_bytes()).unwrap_err().code;
        let base = "Action=GetWebIdentityToken&Version=2011-06-15";
        assert_eq!(
            code(&format!("{base}&SigningAlgorithm=RS256")),
            error_codes::MISSING_PARAMETER
        );
        assert_eq!(
            code(&format!(
                "{base}&Audience.member.1=a&SigningAlgorithm=HS256"
            )),
            error_codes::VALIDATION_ERROR
        );
        assert_eq!(
            code(&format!(
                "{base}&Audience.member.1=a&SigningAlgorithm=ES384&DurationSeconds=59"
            )),
            error_codes::VALIDATION_ERROR
        );
        assert_eq!(code("Action=AssumeRole"), error_codes::INVALID_ACTION);
        let ask = parse_ask(
            format!("{base}&Audience.member.1=a&Audience.member.2=b%20c&SigningAlgorithm=ES384&DurationSeconds=3600")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(ask.audiences, ["a", "b c"]);
        assert_eq!(ask.duration, Duration::from_secs(3600));
    }

    #[test]
    fn debug_hides_the_secret_key_and_session_token() {
        let shown = format!("{:?}", config(Some("very-secret-session")));
        assert!(
            !shown.contains(SK) && !shown.contains("very-secret"),
            "{shown}"
        );
        assert!(shown.contains(AK), "{shown}");
    }
}
