//! What generated code relies on: the [`Operation`] trait every request implements,
//! path-segment encoding, response decoding and its errors, and the checks behind
//! validated strings.
//!
//! Kept small and hand-written so that the generator's output stays readable: the
//! generated code only wires spec facts (names, status codes, constraints) into these.

use std::fmt;
use std::sync::OnceLock;

use bytes::Bytes;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use http::Method;

/// Bytes left bare in a path segment: RFC 3986's unreserved set. Everything else is
/// percent-encoded, so a parameter can never add a `/`, `?`, `#` or `..` to a path.
/// SDK-HMAC-SHA256 canonicalises paths and queries with the same set.
pub const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes one path segment (or one query key or value).
pub fn encode_component(value: &str) -> impl fmt::Display + '_ {
    utf8_percent_encode(value, UNRESERVED)
}

/// One call of the API: generated for every operation in the contract.
///
/// A request value holds the operation's path, query and header parameters and its
/// body; the client turns it into bytes on the wire and decodes the answer with
/// [`Operation::decode`]. Authentication is not part of it: credentials belong to the
/// client, not to a value that is logged and cloned.
pub trait Operation {
    /// The spec's `operationId`, for logs and errors.
    const OPERATION_ID: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path as the spec writes it, `{name}` for each parameter. Servers route on it.
    const PATH_TEMPLATE: &'static str;
    /// Every documented answer, one variant per status code.
    type Response: OperationResponse;

    /// The path with each parameter percent-encoded as one segment.
    fn path(&self) -> String;
    /// Query parameters, not yet encoded, in the spec's order; absent optional ones left out.
    fn query(&self) -> Vec<(&'static str, String)>;
    /// Header parameters, in the spec's order; absent optional ones left out.
    fn headers(&self) -> Vec<(&'static str, String)>;
    /// The JSON body, if the operation takes one and this request has one.
    fn body(&self) -> Result<Option<Vec<u8>>, EncodeError>;
    /// Decodes an answer by its status code into the documented response type.
    fn decode(response: &RawResponse) -> Result<Self::Response, DecodeError>;
}

/// A documented answer to an operation, as a server renders it.
pub trait OperationResponse {
    /// The HTTP status code of this answer.
    fn status(&self) -> u16;
    /// The JSON body of this answer, if the spec gives it one.
    fn body(&self) -> Result<Option<Vec<u8>>, EncodeError>;
}

/// An answer as it came off the wire, before decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The `X-Request-Id` header, which GES support asks for.
    pub request_id: Option<String>,
    /// The body, as received.
    pub body: Bytes,
}

/// A value could not be turned into JSON.
#[derive(Debug, thiserror::Error)]
#[error("could not encode the {what} as JSON: {source}")]
pub struct EncodeError {
    what: &'static str,
    #[source]
    source: serde_json::Error,
}

/// Serialises a body. Generated code calls it for requests and responses.
pub fn encode_json<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, EncodeError> {
    serde_json::to_vec(value).map_err(|source| EncodeError { what, source })
}

/// An answer that does not match the contract. Both kinds keep the status code, the
/// request id and the raw body, so nothing GES said is lost.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// GES answered with a status code the operation does not document.
    #[error(
        "{operation}: GES answered HTTP {status}, which the contract does not document \
         (request id {request_id}); body: {body}",
        request_id = RequestId(.request_id.as_deref()),
        body = BodyText(.body)
    )]
    UnexpectedStatus {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
        /// The body, as received.
        body: Bytes,
    },
    /// GES answered with a documented status code but a body that does not parse as
    /// the documented schema.
    #[error(
        "{operation}: GES answered HTTP {status} with a body that does not match the contract \
         ({source}) (request id {request_id}); body: {body}",
        request_id = RequestId(.request_id.as_deref()),
        body = BodyText(.body)
    )]
    InvalidBody {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
        /// The body, as received.
        body: Bytes,
        /// Why it did not parse.
        #[source]
        source: serde_json::Error,
    },
}

impl DecodeError {
    /// The error for a status code the operation does not document.
    pub fn unexpected_status(operation: &'static str, response: &RawResponse) -> Self {
        Self::UnexpectedStatus {
            operation,
            status: response.status,
            request_id: response.request_id.clone(),
            body: response.body.clone(),
        }
    }

    /// The status code received.
    pub fn status(&self) -> u16 {
        match self {
            Self::UnexpectedStatus { status, .. } | Self::InvalidBody { status, .. } => *status,
        }
    }

    /// The `X-Request-Id` received, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::UnexpectedStatus { request_id, .. } | Self::InvalidBody { request_id, .. } => {
                request_id.as_deref()
            }
        }
    }

    /// The body received.
    pub fn body(&self) -> &Bytes {
        match self {
            Self::UnexpectedStatus { body, .. } | Self::InvalidBody { body, .. } => body,
        }
    }
}

/// Decodes a documented status code's JSON body. An empty body decodes as `{}`, since
/// GES and gateways in front of it sometimes answer errors with no body at all.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    response: &RawResponse,
) -> Result<T, DecodeError> {
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &response.body
    };
    serde_json::from_slice(body).map_err(|source| DecodeError::InvalidBody {
        operation,
        status: response.status,
        request_id: response.request_id.clone(),
        body: response.body.clone(),
        source,
    })
}

/// How much of a body an error message shows: enough to read GES's message, not so
/// much that a huge answer floods a log line.
const BODY_SHOWN: usize = 512;

/// Shows a body in an error message: lossy UTF-8, cut at 512 bytes.
pub struct BodyText<'a>(pub &'a [u8]);

impl fmt::Display for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(empty)");
        }
        let shown = &self.0[..self.0.len().min(BODY_SHOWN)];
        write!(f, "{:?}", String::from_utf8_lossy(shown))?;
        if self.0.len() > BODY_SHOWN {
            write!(f, " ({} more bytes)", self.0.len() - BODY_SHOWN)?;
        }
        Ok(())
    }
}

struct RequestId<'a>(Option<&'a str>);

impl fmt::Display for RequestId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.unwrap_or("none"))
    }
}

/// A `pattern` from the spec, compiled on first use.
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<regex_lite::Regex>,
}

impl Pattern {
    /// A pattern the generator has already checked compiles.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as the spec writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the value matches. Like JSON Schema, the pattern is searched for, not
    /// anchored: the spec anchors it with `^` and `$` where it means the whole value.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                // Start-up invariant: the generator compiled this very pattern with this
                // very engine before it emitted it.
                regex_lite::Regex::new(self.source)
                    .expect("the generator checked that this pattern compiles")
            })
            .is_match(value)
    }
}

/// The constraints of a validated string type, as the spec states them.
pub struct StringRules {
    /// The type's name, for messages.
    pub type_name: &'static str,
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<&'static Pattern>,
}

impl StringRules {
    /// Checks a value against every rule, length first, so that a huge value is
    /// refused before a pattern ever looks at it.
    pub fn check(&self, value: &str) -> Result<(), ConstraintViolation> {
        let violation = |rule| ConstraintViolation {
            type_name: self.type_name,
            shown: shown_value(value),
            rule,
        };
        let length = value.chars().count();
        if let Some(min) = self.min_length
            && length < min
        {
            return Err(violation(Rule::MinLength { min, length }));
        }
        if let Some(max) = self.max_length
            && length > max
        {
            return Err(violation(Rule::MaxLength { max, length }));
        }
        if let Some(pattern) = self.pattern
            && !pattern.is_match(value)
        {
            return Err(violation(Rule::Pattern {
                pattern: pattern.source(),
            }));
        }
        Ok(())
    }
}

/// How much of a refused value a message repeats.
const VALUE_SHOWN: usize = 80;

/// The value as a message shows it: escaped first, then cut, so that a value of control
/// characters cannot blow the message up again by escaping.
fn shown_value(value: &str) -> String {
    let mut escaped = value.escape_debug();
    let mut shown: String = escaped.by_ref().take(VALUE_SHOWN).collect();
    if escaped.next().is_some() {
        shown.push('…');
    }
    shown
}

/// A value that breaks one of its type's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{shown}\" is not a valid {type_name}: {rule}")]
pub struct ConstraintViolation {
    type_name: &'static str,
    shown: String,
    rule: Rule,
}

impl ConstraintViolation {
    /// The name of the type the value was meant for.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The rule the value breaks.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

/// A rule from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Shorter than `minLength`.
    MinLength {
        /// The least length allowed.
        min: usize,
        /// The value's length.
        length: usize,
    },
    /// Longer than `maxLength`.
    MaxLength {
        /// The greatest length allowed.
        max: usize,
        /// The value's length.
        length: usize,
    },
    /// Does not match `pattern`.
    Pattern {
        /// The pattern.
        pattern: &'static str,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MinLength { min, length } => {
                write!(f, "it has {length} characters, at least {min} are needed")
            }
            Self::MaxLength { max, length } => {
                write!(f, "it has {length} characters, at most {max} are allowed")
            }
            Self::Pattern { pattern } => write!(f, "it must match {pattern}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ID: Pattern = Pattern::new("^[A-Za-z0-9_-]+$");
    const RULES: StringRules = StringRules {
        type_name: "GraphId",
        min_length: Some(1),
        max_length: Some(8),
        pattern: Some(&ID),
    };

    #[test]
    fn rules_are_checked_length_first() {
        assert!(RULES.check("ab-c_1").is_ok());
        let long = "x".repeat(200_000);
        let err = RULES.check(&long).unwrap_err();
        assert_eq!(
            err.rule(),
            &Rule::MaxLength {
                max: 8,
                length: 200_000
            }
        );
        // A refused value is cut in the message, never repeated whole.
        assert!(err.to_string().len() < 200, "{err}");
        // Also when escaping makes each character several.
        let controls = "\u{1}".repeat(200_000);
        let err = RULES.check(&controls).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
        assert!(err.to_string().starts_with("\"\\u{1}"), "{err}");
        assert!(matches!(
            RULES.check("").unwrap_err().rule(),
            Rule::MinLength { .. }
        ));
        assert!(matches!(
            RULES.check("a/b").unwrap_err().rule(),
            Rule::Pattern { .. }
        ));
        assert!(RULES.check("a\nb").is_err());
    }

    #[test]
    fn segments_keep_only_unreserved_bytes_bare() {
        assert_eq!(encode_component("a-b_c.d~e").to_string(), "a-b_c.d~e");
        assert_eq!(
            encode_component("../x y/%?#ü").to_string(),
            "..%2Fx%20y%2F%25%3F%23%C3%BC"
        );
    }

    #[test]
    fn decode_errors_keep_status_request_id_and_body() {
        let response = RawResponse {
            status: 502,
            request_id: Some("req-1".into()),
            body: Bytes::from_static(b"<html>bad gateway</html>"),
        };
        let err = decode_json::<serde_json::Value>("StopGraph", &response).unwrap_err();
        assert_eq!(err.status(), 502);
        assert_eq!(err.request_id(), Some("req-1"));
        assert_eq!(err.body().as_ref(), b"<html>bad gateway</html>");
        let shown = err.to_string();
        assert!(
            shown.contains("req-1") && shown.contains("bad gateway"),
            "{shown}"
        );
    }

    #[test]
    fn an_empty_error_body_decodes_as_an_empty_object() {
        let response = RawResponse {
            status: 503,
            request_id: None,
            body: Bytes::new(),
        };
        let value: serde_json::Value = decode_json("StopGraph", &response).unwrap();
        assert_eq!(value, serde_json::json!({}));
    }

    #[test]
    fn long_bodies_are_cut_in_messages() {
        let body = vec![b'x'; 10_000];
        let shown = BodyText(&body).to_string();
        assert!(
            shown.len() < 600 && shown.ends_with("(9488 more bytes)"),
            "{shown}"
        );
    }
}
