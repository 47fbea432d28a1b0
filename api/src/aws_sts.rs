//! AWS STS's `GetWebIdentityToken` on the wire: the Query request form, the XML answers
//! and the error codes, written once for the client that asks and the simulator that
//! answers.
//!
//! Why a typed module and not `openapi/`: AWS STS speaks the Query protocol (version
//! 2011-06-15): a form-encoded `POST /` whose operation is a body parameter (`Action`),
//! whose lists are flattened into numbered keys (`Audience.member.1`), and whose answers
//! and errors are XML (`GetWebIdentityTokenResponse`, `ErrorResponse`) with an AWS
//! namespace. OpenAPI 3.0 can name neither an operation chosen by a body field (two
//! Query operations share one path and method) nor the `.member.N` flattening, and our
//! generator reads JSON bodies only; so the form is written here, as Rust types whose
//! serialiser and reader stand side by side, and both sides use them.
//!
//! Sources: the operation, its members and its errors are botocore 1.44.8's model
//! (`botocore/data/sts/2011-06-15/service-2.json`) and AWS's API reference
//! (<https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html>);
//! the errors every Query call may answer are from
//! <https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html>; the form's
//! serialisation is botocore's `QuerySerializer` (`botocore/serialize.py`).

use std::fmt;
use std::str::FromStr;

use percent_encoding::percent_decode_str;

use crate::runtime::encode_component;

/// The Query API version of STS.
pub const API_VERSION: &str = "2011-06-15";
/// The operation's `Action`.
pub const ACTION: &str = "GetWebIdentityToken";
/// The call, as IAM policies and messages name it.
pub const CALL: &str = "sts:GetWebIdentityToken";
/// The service name SigV4 signs AWS STS calls for.
pub const SIGNING_NAME: &str = "sts";
/// The content type botocore sends Query calls with.
pub const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
/// The content type AWS STS answers with.
pub const XML_CONTENT_TYPE: &str = "text/xml";
/// The namespace of STS's answers.
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The header that carries the request ID beside the body's `RequestId`.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";

/// The fewest and most seconds a token may live (`DurationSeconds`, the model's range).
pub const DURATION_SECONDS: (u32, u32) = (60, 3600);
/// `DurationSeconds` when the request leaves it out (AWS's default).
pub const DEFAULT_DURATION_SECONDS: u32 = 300;
/// The most audiences one call may ask for (`Audience`, a list of 1 to 10).
pub const MAX_AUDIENCES: usize = 10;
/// The longest audience (each `Audience` member: 1 to 1,000 characters).
pub const MAX_AUDIENCE_LEN: usize = 1000;

/// The error codes AWS STS answers `GetWebIdentityToken` with, in `ErrorResponse/Error/
/// Code`. The operation's own three are from botocore 1.44.8's model (they end in
/// `Exception` there; AWS's documentation drops the suffix, and a reader should take
/// both, [`same_code`]); the others are what AWS answers to any Query call
/// (CommonErrors).
pub mod codes {
    /// `403`: outbound identity federation is off for the account.
    pub const OUTBOUND_FEDERATION_DISABLED: &str = "OutboundWebIdentityFederationDisabledException";
    /// `403`: `DurationSeconds` outlives the caller's own session.
    pub const SESSION_DURATION_ESCALATION: &str = "SessionDurationEscalationException";
    /// `400`: the token's claims would be too large.
    pub const JWT_PAYLOAD_SIZE_EXCEEDED: &str = "JWTPayloadSizeExceededException";
    /// `403`: the signature is not the one the request's content, the secret key and the
    /// date give; or the date is more than 15 minutes off; or the credential is scoped to
    /// another region or service.
    pub const SIGNATURE_DOES_NOT_MATCH: &str = "SignatureDoesNotMatch";
    /// `403`: the access key is unknown, or the session token is missing, unexpected or
    /// wrong.
    pub const INVALID_CLIENT_TOKEN_ID: &str = "InvalidClientTokenId";
    /// `403`: the security token has expired.
    pub const EXPIRED_TOKEN: &str = "ExpiredToken";
    /// `403`: the credentials are not AWS's.
    pub const UNRECOGNIZED_CLIENT: &str = "UnrecognizedClient";
    /// `403`: no `Authorization` header.
    pub const MISSING_AUTHENTICATION_TOKEN: &str = "MissingAuthenticationToken";
    /// `400`: an `Authorization` header that is not a complete SigV4 one, or no
    /// `X-Amz-Date`.
    pub const INCOMPLETE_SIGNATURE: &str = "IncompleteSignature";
    /// `403`: the caller may not call `sts:GetWebIdentityToken` (for this audience).
    pub const ACCESS_DENIED: &str = "AccessDenied";
    /// `400`: a parameter out of its range or not one of its values.
    pub const VALIDATION_ERROR: &str = "ValidationError";
    /// `400`: a required parameter (`Audience.member.1`, `SigningAlgorithm`) is missing.
    pub const MISSING_PARAMETER: &str = "MissingParameter";
    /// `400`: an `Action` other than `GetWebIdentityToken`, or a `Version` other than
    /// `2011-06-15`.
    pub const INVALID_ACTION: &str = "InvalidAction";
    /// `500`: AWS failed.
    pub const INTERNAL_FAILURE: &str = "InternalFailure";
    /// `503`: AWS is unavailable.
    pub const SERVICE_UNAVAILABLE: &str = "ServiceUnavailable";
    /// `400`: AWS throttled the call, as it throttles Query APIs.
    pub const THROTTLING: &str = "Throttling";
}

/// Whether an answered code is `known`, with or without the model's `Exception` suffix.
pub fn same_code(answered: &str, known: &str) -> bool {
    answered.trim_end_matches("Exception") == known.trim_end_matches("Exception")
}

/// The algorithm AWS signs the JWT with (`SigningAlgorithm`, an enum of two in the
/// model); its names are JOSE's, as the token's `alg` says them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256: what every OIDC relying party takes.
    Rs256,
    /// ECDSA with P-384 and SHA-384.
    Es384,
}

impl SigningAlgorithm {
    /// Every value the model lists, in its order.
    pub const KNOWN: [Self; 2] = [Self::Rs256, Self::Es384];

    /// The name AWS and JOSE give it: `RS256` or `ES384`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es384 => "ES384",
        }
    }

    /// The algorithm of a name exactly as AWS and JOSE spell it (the wire's reading).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::KNOWN
            .into_iter()
            .find(|algorithm| algorithm.as_str() == name)
    }
}

impl fmt::Display for SigningAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name as a person types it in a setting: trimmed, in any case. The wire's exact
/// reading is [`SigningAlgorithm::from_name`].
impl FromStr for SigningAlgorithm {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        Self::KNOWN
            .into_iter()
            .find(|algorithm| algorithm.as_str().eq_ignore_ascii_case(text.trim()))
            .ok_or(())
    }
}

/// A `GetWebIdentityToken` request's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetWebIdentityToken {
    /// The token's audiences (`aud`), in order: 1 to [`MAX_AUDIENCES`].
    pub audiences: Vec<String>,
    /// How AWS signs it.
    pub signing_algorithm: SigningAlgorithm,
    /// How long it lives, within [`DURATION_SECONDS`]; AWS's
    /// [`DEFAULT_DURATION_SECONDS`] when left out.
    pub duration_seconds: Option<u32>,
}

/// A request form AWS would refuse: the answer's status, code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormRefusal {
    /// `400`.
    pub status: u16,
    /// One of [`codes`].
    pub code: &'static str,
    /// AWS's message, worded as AWS words it.
    pub message: String,
}

impl FormRefusal {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            code,
            message: message.into(),
        }
    }

    fn validation(member: &str, rule: &str) -> Self {
        Self::new(
            codes::VALIDATION_ERROR,
            format!(
                "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
                 {rule}"
            ),
        )
    }
}

impl GetWebIdentityToken {
    /// The form body, as botocore serialises it: `Action`, `Version`, then the members
    /// in the model's order; form encoding, where a space is `+` and every byte but
    /// letters, digits and `-_.~` is percent-encoded. The same request then signs to
    /// the same signature as botocore's.
    pub fn to_form(&self) -> String {
        let mut form = format!("Action={ACTION}&Version={API_VERSION}");
        for (index, audience) in self.audiences.iter().enumerate() {
            form.push_str(&format!(
                "&Audience.member.{}={}",
                index + 1,
                form_value(audience)
            ));
        }
        if let Some(seconds) = self.duration_seconds {
            form.push_str(&format!("&DurationSeconds={seconds}"));
        }
        form.push_str(&format!(
            "&SigningAlgorithm={}",
            self.signing_algorithm.as_str()
        ));
        form
    }

    /// Reads a form body, refusing it as AWS would: the first rule it breaks, with
    /// AWS's code and message.
    pub fn from_form(body: &[u8]) -> Result<Self, FormRefusal> {
        let pairs = form_pairs(body);
        let param = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        match param("Action") {
            Some(ACTION) => {}
            Some(other) => {
                return Err(FormRefusal::new(
                    codes::INVALID_ACTION,
                    format!(
                        "Could not find operation {} for version {API_VERSION}",
                        shown(other)
                    ),
                ));
            }
            None => {
                return Err(FormRefusal::new(
                    codes::MISSING_PARAMETER,
                    "The request must contain the parameter Action.",
                ));
            }
        }
        if let Some(version) = param("Version").filter(|version| *version != API_VERSION) {
            return Err(FormRefusal::new(
                codes::INVALID_ACTION,
                format!(
                    "Could not find operation {ACTION} for version {}",
                    shown(version)
                ),
            ));
        }
        let mut audiences = Vec::new();
        for index in 1..=MAX_AUDIENCES + 1 {
            match param(&format!("Audience.member.{index}")) {
                Some(audience) => audiences.push(audience.to_owned()),
                None => break,
            }
        }
        if audiences.is_empty() {
            return Err(FormRefusal::new(
                codes::MISSING_PARAMETER,
                "The request must contain the parameter Audience.member.1.",
            ));
        }
        if audiences.len() > MAX_AUDIENCES {
            return Err(FormRefusal::validation(
                "audience",
                &format!("Member must have length less than or equal to {MAX_AUDIENCES}"),
            ));
        }
        if let Some(audience) = audiences
            .iter()
            .find(|aud| aud.is_empty() || aud.len() > MAX_AUDIENCE_LEN)
        {
            return Err(FormRefusal::validation(
                "audience",
                &format!(
                    "Member must have length between 1 and {MAX_AUDIENCE_LEN}, not {}",
                    audience.len()
                ),
            ));
        }
        let signing_algorithm = match param("SigningAlgorithm") {
            None => {
                return Err(FormRefusal::new(
                    codes::MISSING_PARAMETER,
                    "The request must contain the parameter SigningAlgorithm.",
                ));
            }
            Some(name) => SigningAlgorithm::from_name(name).ok_or_else(|| {
                FormRefusal::validation(
                    "signingAlgorithm",
                    &format!(
                        "Member must satisfy enum value set: [RS256, ES384], not {:?}",
                        shown(name)
                    ),
                )
            })?,
        };
        let (least, most) = DURATION_SECONDS;
        let duration_seconds = match param("DurationSeconds") {
            None => None,
            Some(raw) => match raw.parse::<u32>() {
                Ok(seconds) if (least..=most).contains(&seconds) => Some(seconds),
                _ => {
                    return Err(FormRefusal::validation(
                        "durationSeconds",
                        &format!(
                            "Member must be an integer from {least} to {most}, not {:?}",
                            shown(raw)
                        ),
                    ));
                }
            },
        };
        Ok(Self {
            audiences,
            signing_algorithm,
            duration_seconds,
        })
    }
}

/// A form value: percent-encoded but for `-_.~`, a space as `+`.
fn form_value(value: &str) -> String {
    encode_component(value).to_string().replace("%20", "+")
}

/// The pairs of a form body, decoded as browsers and `url::form_urlencoded` decode
/// them: `+` is a space, then percent-decoding, invalid UTF-8 replaced.
fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let decode = |part: &str| {
        let spaced = part.replace('+', " ");
        percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
    };
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// The start of a value a caller sent, to repeat in a message.
fn shown(value: &str) -> String {
    value.chars().take(80).collect()
}

/// A `200`'s `GetWebIdentityTokenResponse`.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenAnswer {
    /// The JWT (`GetWebIdentityTokenResult/WebIdentityToken`).
    pub web_identity_token: String,
    /// When it expires (`Expiration`), RFC 3339 as AWS writes it; empty if missing.
    pub expiration: String,
    /// `ResponseMetadata/RequestId`.
    pub request_id: Option<String>,
}

/// The token is a credential: `Debug` leaves it out.
impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("expiration", &self.expiration)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// Why an answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    /// The body is not XML.
    #[error("the body is not XML")]
    NotXml,
    /// The body is XML without the token.
    #[error("the answer has no WebIdentityToken")]
    NoToken,
}

impl TokenAnswer {
    /// The answer's XML.
    pub fn to_xml(&self) -> String {
        format!(
            "<GetWebIdentityTokenResponse xmlns=\"{NAMESPACE}\"><GetWebIdentityTokenResult>\
             <WebIdentityToken>{}</WebIdentityToken><Expiration>{}</Expiration>\
             </GetWebIdentityTokenResult><ResponseMetadata><RequestId>{}</RequestId>\
             </ResponseMetadata></GetWebIdentityTokenResponse>",
            escape(&self.web_identity_token),
            escape(&self.expiration),
            escape(self.request_id.as_deref().unwrap_or_default())
        )
    }

    /// Reads a `200`'s body.
    pub fn from_xml(body: &[u8]) -> Result<Self, AnswerError> {
        let text = std::str::from_utf8(body).map_err(|_| AnswerError::NotXml)?;
        let document = roxmltree::Document::parse(text).map_err(|_| AnswerError::NotXml)?;
        Ok(Self {
            web_identity_token: element_text(&document, "WebIdentityToken")
                .ok_or(AnswerError::NoToken)?,
            expiration: element_text(&document, "Expiration").unwrap_or_default(),
            request_id: element_text(&document, "RequestId"),
        })
    }
}

/// An `ErrorResponse`: a refusal's `Type`, `Code`, `Message` and `RequestId`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    /// `Sender` for the caller's faults, `Receiver` for the service's.
    pub fault_type: String,
    /// One of [`codes`], or another AWS adds.
    pub code: String,
    /// AWS's message.
    pub message: String,
    /// The request ID.
    pub request_id: Option<String>,
}

impl ErrorAnswer {
    /// An error of `code` for an answer of `status`: `Receiver` for a `5xx`, `Sender`
    /// for any other.
    pub fn new(status: u16, code: &str, message: &str, request_id: Option<&str>) -> Self {
        let fault_type = if (500..600).contains(&status) {
            "Receiver"
        } else {
            "Sender"
        };
        Self {
            fault_type: fault_type.to_owned(),
            code: code.to_owned(),
            message: message.to_owned(),
            request_id: request_id.map(str::to_owned),
        }
    }

    /// The answer's XML.
    pub fn to_xml(&self) -> String {
        format!(
            "<ErrorResponse xmlns=\"{NAMESPACE}\"><Error><Type>{}</Type><Code>{}</Code>\
             <Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            escape(&self.fault_type),
            escape(&self.code),
            escape(&self.message),
            escape(self.request_id.as_deref().unwrap_or_default())
        )
    }

    /// Reads an error's body: `None` unless it is XML; each element as found, empty if
    /// missing.
    pub fn from_xml(body: &[u8]) -> Option<Self> {
        let text = std::str::from_utf8(body).ok()?;
        let document = roxmltree::Document::parse(text).ok()?;
        let text = |name| element_text(&document, name).unwrap_or_default();
        Some(Self {
            fault_type: text("Type"),
            code: text("Code"),
            message: text("Message"),
            request_id: element_text(&document, "RequestId"),
        })
    }
}

/// The trimmed text of the first element named `name`, wherever it is: AWS's answers
/// nest each name once.
fn element_text(document: &roxmltree::Document<'_>, name: &str) -> Option<String> {
    document
        .descendants()
        .find(|node| node.has_tag_name(name))
        .and_then(|node| node.text())
        .map(|text| text.trim().to_owned())
}

/// Text for an XML element.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            c => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(audiences: &[&str], seconds: Option<u32>) -> GetWebIdentityToken {
        GetWebIdentityToken {
            audiences: audiences.iter().map(|aud| (*aud).to_owned()).collect(),
            signing_algorithm: SigningAlgorithm::Rs256,
            duration_seconds: seconds,
        }
    }

    #[test]
    fn the_form_is_botocores_and_reads_back() {
        let sent = ask(&["https://sts.ap-southeast-1.myhuaweicloud.com"], Some(300));
        assert_eq!(
            sent.to_form(),
            "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1=\
             https%3A%2F%2Fsts.ap-southeast-1.myhuaweicloud.com&DurationSeconds=300\
             &SigningAlgorithm=RS256"
        );
        assert_eq!(
            GetWebIdentityToken::from_form(sent.to_form().as_bytes()),
            Ok(sent)
        );
        let spaced = ask(&["a", "b c"], None);
        assert!(spaced.to_form().contains("Audience.member.2=b+c"));
        assert_eq!(
            GetWebIdentityToken::from_form(spaced.to_form().as_bytes()),
            Ok(spaced)
        );
    }

    #[test]
    fn forms_aws_refuses_are_refused_with_its_codes() {
        let code = |body: &str| {
            GetWebIdentityToken::from_form(body.as_bytes())
                .unwrap_err()
                .code
        };
        let base = "Action=GetWebIdentityToken&Version=2011-06-15";
        assert_eq!(
            code(&format!("{base}&SigningAlgorithm=RS256")),
            codes::MISSING_PARAMETER
        );
        assert_eq!(
            code(&format!(
                "{base}&Audience.member.1=a&SigningAlgorithm=HS256"
            )),
            codes::VALIDATION_ERROR
        );
        assert_eq!(
            code(&format!(
                "{base}&Audience.member.1=a&SigningAlgorithm=ES384&DurationSeconds=59"
            )),
            codes::VALIDATION_ERROR
        );
        assert_eq!(code("Action=AssumeRole"), codes::INVALID_ACTION);
        assert_eq!(code("Version=2011-06-15"), codes::MISSING_PARAMETER);
    }

    #[test]
    fn answers_read_back_and_escape() {
        let answer = TokenAnswer {
            web_identity_token: "a.b.c".to_owned(),
            expiration: "2026-12-01T12:05:00Z".to_owned(),
            request_id: Some("rid".to_owned()),
        };
        assert_eq!(
            TokenAnswer::from_xml(answer.to_xml().as_bytes()),
            Ok(answer)
        );
        assert_eq!(TokenAnswer::from_xml(b"{}"), Err(AnswerError::NotXml));
        assert_eq!(TokenAnswer::from_xml(b"<a/>"), Err(AnswerError::NoToken));
        let refused = ErrorAnswer::new(403, codes::ACCESS_DENIED, "no <way>", Some("rid"));
        assert_eq!(
            refused.to_xml(),
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>\
             Sender</Type><Code>AccessDenied</Code><Message>no &lt;way&gt;</Message></Error>\
             <RequestId>rid</RequestId></ErrorResponse>"
        );
        assert_eq!(
            ErrorAnswer::from_xml(refused.to_xml().as_bytes()),
            Some(refused)
        );
        assert_eq!(ErrorAnswer::new(503, "x", "", None).fault_type, "Receiver");
    }

    #[test]
    fn algorithms_read_exactly_on_the_wire_and_loosely_in_settings() {
        assert_eq!(
            SigningAlgorithm::from_name("ES384"),
            Some(SigningAlgorithm::Es384)
        );
        assert_eq!(SigningAlgorithm::from_name("es384"), None);
        assert_eq!("es384".parse(), Ok(SigningAlgorithm::Es384));
        assert!("HS256".parse::<SigningAlgorithm>().is_err());
        assert!(same_code("AccessDeniedException", codes::ACCESS_DENIED));
        assert!(same_code(
            "OutboundWebIdentityFederationDisabled",
            codes::OUTBOUND_FEDERATION_DISABLED
        ));
    }
}
