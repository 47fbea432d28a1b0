//! Answers in and out: the raw answer a client read, decoding it into the documented
//! type, encoding bodies and headers for a server, and the errors of each.
//!
//! Every message built from an answer has a bound, whatever the answer holds: the body
//! is cut at [`BODY_SHOWN`] characters, serde's own message (which can repeat a whole
//! string from the body) at [`DETAIL_SHOWN`], a header value or request id at
//! [`HEADER_SHOWN`]. An error is logged, and a hostile or broken upstream must not be
//! able to make one log line megabytes long.
//!
//! And a message quotes an answer only when the service's answers hold no credential
//! ([`Answers`]): from IAM and STS, whose contracts mark values `x-sensitive`, an error
//! says where the answer is wrong and which service gave it, never what it holds.

use std::fmt;
use std::str::FromStr;

use super::json_path::{Segment, path_at};
use bytes::Bytes;
use http::header::{HeaderMap, HeaderName, HeaderValue};

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

/// A value could not be put on the wire: a body that does not serialise, or a header
/// value an HTTP header cannot carry.
#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    /// A body did not serialise.
    #[error("could not encode the {what} as JSON: {source}")]
    Json {
        /// Which body, such as `StopGraph request body`.
        what: &'static str,
        /// Why.
        #[source]
        source: serde_json::Error,
    },
    /// A response header's name or value holds characters HTTP does not allow (a line
    /// break, a control character).
    #[error(
        "could not send the {header} header: its name or value holds characters an HTTP \
         header cannot carry; remove line breaks and control characters"
    )]
    Header {
        /// The header, as the contract names it.
        header: &'static str,
    },
}

/// Serialises a body. Generated code calls it for requests and responses.
pub fn encode_json<T: serde::Serialize>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, EncodeError> {
    serde_json::to_vec(value).map_err(|source| EncodeError::Json { what, source })
}

/// Adds a response header for a server to send; a `sensitive` one is marked so
/// (`HeaderValue::set_sensitive`), which HTTP libraries honour by never logging it.
/// Generated `OperationResponse::headers` calls it.
pub fn insert_header(
    headers: &mut HeaderMap,
    name: &'static str,
    value: &str,
    sensitive: bool,
) -> Result<(), EncodeError> {
    let refused = || EncodeError::Header { header: name };
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| refused())?;
    let mut value = HeaderValue::from_str(value).map_err(|_| refused())?;
    value.set_sensitive(sensitive);
    headers.append(name, value);
    Ok(())
}

/// Where an answer came from, as an error about it tells: the operation, the service
/// that answered, and whether that service's answers may be quoted. Generated code
/// passes its operation's; the generator knows all three from the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The operation's `operationId`.
    pub operation: &'static str,
    /// The service that answers it, as messages name it (the contract's
    /// `info.x-service-name`): `GES`, `IAM`, `Huawei Cloud STS`.
    pub service: &'static str,
    /// Whether an error may quote the service's answers.
    pub answers: Answers,
}

/// Whether an error may quote an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answers {
    /// It may, cut at [`BODY_SHOWN`] characters: the service's answers hold no
    /// credential, and its own words help whoever reads the error.
    Quoted,
    /// It may not: the contract marks some value `x-sensitive`, so the service deals in
    /// credentials, and an answer of a shape nobody expected may hold one anywhere
    /// (a renamed `secret`, a message that repeats the ID token). An error then says
    /// where the answer is wrong (the field path, the status, the request id) and keeps
    /// no byte of it: not the body, not the parser's words about a value, not a
    /// header's value.
    Withheld,
}

/// An answer's body as an error keeps it.
#[derive(Clone, PartialEq, Eq)]
pub enum KeptBody {
    /// The whole body, from a service whose answers may be quoted.
    Whole(Bytes),
    /// Nothing but its length: the service's answers may hold a credential.
    Withheld {
        /// How many bytes the body had.
        length: usize,
    },
}

impl KeptBody {
    fn of(origin: Origin, body: &Bytes) -> Self {
        match origin.answers {
            Answers::Quoted => Self::Whole(body.clone()),
            Answers::Withheld => Self::Withheld { length: body.len() },
        }
    }
}

impl fmt::Debug for KeptBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whole(body) => f.debug_tuple("Whole").field(body).finish(),
            Self::Withheld { length } => write!(f, "Withheld {{ length: {length} }}"),
        }
    }
}

/// The body as a message shows it: a bounded excerpt, or only that it is not shown.
impl fmt::Display for KeptBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Whole(body) => write!(f, "body: {}", BodyText(body)),
            Self::Withheld { length } => write!(
                f,
                "body not shown ({length} bytes): this service's answers may hold credentials"
            ),
        }
    }
}

/// An answer that does not match the contract. Every kind keeps the status code, the
/// request id, the service that answered and the body (whole, or for a service whose
/// answers may hold a credential, only its length), so that nothing the server said
/// is lost that may be kept.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The server answered with a status code the operation does not document.
    #[error(
        "{operation}: {service} answered HTTP {status}, which the contract does not document \
         (request id {request_id}); {body}",
        request_id = RequestId(.request_id.as_deref())
    )]
    UnexpectedStatus {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The service that answered.
        service: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<Box<str>>,
        /// The body, as received, or its length.
        body: KeptBody,
    },
    /// The server answered with a documented status code but a body that does not
    /// parse as the documented schema.
    #[error(
        "{operation}: {service} answered HTTP {status} with a body that does not match the \
         contract ({source}) (request id {request_id}); {body}",
        request_id = RequestId(.request_id.as_deref())
    )]
    InvalidBody {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The service that answered.
        service: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<Box<str>>,
        /// The body, as received, or its length.
        body: KeptBody,
        /// Why it did not parse (boxed: an error travels in every decoder's `Result`).
        #[source]
        source: Box<BodyMismatch>,
    },
    /// The answer lacks a header the contract requires for its status code (or the
    /// caller decoded it with [`crate::runtime::Operation::decode`], which sees no
    /// headers, instead of `decode_with_headers`).
    #[error(
        "{operation}: the HTTP {status} answer of {service} has no {header} header, which the \
         contract requires (request id {request_id})",
        request_id = RequestId(.request_id.as_deref())
    )]
    MissingHeader {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The service that answered.
        service: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<Box<str>>,
        /// The header, as the contract names it.
        header: &'static str,
        /// The body, as received, or its length.
        body: KeptBody,
    },
    /// A header the contract declares holds a value of the wrong kind. The value itself
    /// is not repeated: the header may be sensitive.
    #[error(
        "{operation}: the {header} header of the HTTP {status} answer of {service} does not \
         match the contract: {reason} (request id {request_id})",
        request_id = RequestId(.request_id.as_deref())
    )]
    InvalidHeader {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The service that answered.
        service: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<Box<str>>,
        /// The header, as the contract names it.
        header: &'static str,
        /// What is wrong with it, already cut to a bounded length (a `str`, not a
        /// `String`: an error travels in every decoder's `Result`).
        reason: Box<str>,
        /// The body, as received, or its length.
        body: KeptBody,
    },
}

impl DecodeError {
    /// The error for a status code the operation does not document.
    pub fn unexpected_status(origin: Origin, response: &RawResponse) -> Self {
        Self::UnexpectedStatus {
            operation: origin.operation,
            service: origin.service,
            status: response.status,
            request_id: response.request_id.as_deref().map(Box::from),
            body: KeptBody::of(origin, &response.body),
        }
    }

    /// The status code received.
    pub fn status(&self) -> u16 {
        match self {
            Self::UnexpectedStatus { status, .. }
            | Self::InvalidBody { status, .. }
            | Self::MissingHeader { status, .. }
            | Self::InvalidHeader { status, .. } => *status,
        }
    }

    /// The `X-Request-Id` received, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::UnexpectedStatus { request_id, .. }
            | Self::InvalidBody { request_id, .. }
            | Self::MissingHeader { request_id, .. }
            | Self::InvalidHeader { request_id, .. } => request_id.as_deref(),
        }
    }

    /// The service that answered.
    pub fn service(&self) -> &'static str {
        match self {
            Self::UnexpectedStatus { service, .. }
            | Self::InvalidBody { service, .. }
            | Self::MissingHeader { service, .. }
            | Self::InvalidHeader { service, .. } => service,
        }
    }

    /// The body received, unless the service's answers may hold a credential.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Self::UnexpectedStatus { body, .. }
            | Self::InvalidBody { body, .. }
            | Self::MissingHeader { body, .. }
            | Self::InvalidHeader { body, .. } => match body {
                KeptBody::Whole(body) => Some(body),
                KeptBody::Withheld { .. } => None,
            },
        }
    }
}

/// Why a body did not parse: where (the field path, the line and column) and what was
/// wrong. From a service whose answers may be quoted, serde's message cut to
/// [`DETAIL_SHOWN`] characters (serde repeats a mistyped string whole, `invalid type:
/// string "..."`, so its message alone is as long as the body); from one whose answers
/// are withheld, only words of ours and names from the contract.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BodyMismatch {
    message: String,
    path: String,
    line: usize,
    column: usize,
}

impl BodyMismatch {
    /// `path` is where in the document, `None` past its end.
    fn new(inner: &serde_json::Error, path: Option<&[Segment]>, answers: Answers) -> Self {
        let path = path.map_or_else(String::new, |path| field_path(path, answers));
        let at = if path.is_empty() {
            String::new()
        } else {
            format!("at {path}: ")
        };
        let message = match answers {
            Answers::Quoted => {
                let full = inner.to_string();
                let (message, cut) = bounded(&full, DETAIL_SHOWN);
                // serde_json ends its message with the place; a cut message lost it.
                if cut && inner.line() > 0 {
                    format!(
                        "{at}{message} at line {} column {}",
                        inner.line(),
                        inner.column()
                    )
                } else {
                    format!("{at}{message}")
                }
            }
            Answers::Withheld => format!(
                "{at}{} at line {} column {}",
                withheld_reason(inner),
                inner.line(),
                inner.column()
            ),
        };
        Self {
            message,
            path,
            line: inner.line(),
            column: inner.column(),
        }
    }

    /// The line in the body, counted from 1 (0 when serde does not know it).
    pub fn line(&self) -> usize {
        self.line
    }

    /// The column in that line, counted from 1 (0 when serde does not know it).
    pub fn column(&self) -> usize {
        self.column
    }

    /// Where in the document: `credentials.secret`, `graphs[3].id`; empty at the top.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// A field path as a message shows it. A key from an answer is a name the contract
/// gives, or, in a map or under a field it does not know, whatever the answer wrote:
/// when answers are withheld, a key is shown only if it is written as the contract's
/// names are (lower case, digits and `_`, at most 64), which no key, token or password
/// Huawei or AWS issues is; otherwise `?`.
fn field_path(path: &[Segment], answers: Answers) -> String {
    let mut shown = String::new();
    // Bounded: a path is at most as deep as serde_json's recursion limit (128).
    for segment in path {
        let key = match segment {
            Segment::Index(index) => {
                shown.push_str(&format!("[{index}]"));
                continue;
            }
            Segment::Key(key) => key.as_str(),
        };
        if !shown.is_empty() {
            shown.push('.');
        }
        match answers {
            Answers::Quoted => shown.push_str(&bounded(key, HEADER_SHOWN).0),
            Answers::Withheld if is_contract_name(key) => shown.push_str(key),
            Answers::Withheld => shown.push('?'),
        }
        if shown.len() > DETAIL_SHOWN {
            // A key may hold characters of several bytes: cut on a character's start.
            let mut cut = DETAIL_SHOWN;
            while !shown.is_char_boundary(cut) {
                cut -= 1;
            }
            shown.truncate(cut);
            shown.push('…');
            break;
        }
    }
    shown
}

/// Written as the contracts' field names are: `[a-z_][a-z0-9_]{0,63}`.
fn is_contract_name(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first == b'_')
        && key.len() <= 64
        && bytes.all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'_')
}

/// What was wrong, in words of ours and names from the contract only: serde's message
/// is read for its kind and for the field or type names the contract's types put in it
/// (`missing field `secret``, `expected a string`), never for the value it quotes.
fn withheld_reason(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match error.classify() {
        Category::Io => return "the body could not be read".to_owned(),
        Category::Syntax => return "the body is not JSON".to_owned(),
        Category::Eof => return "the body ends before its JSON does".to_owned(),
        Category::Data => {}
    }
    let full = error.to_string();
    let place = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&place).unwrap_or(&full);
    let named = |prefix: &str| {
        let name = message.strip_prefix(prefix)?.strip_suffix('`')?;
        is_contract_name(name).then(|| name.to_owned())
    };
    if let Some(field) = named("missing field `") {
        return format!("missing field `{field}`");
    }
    if let Some(field) = named("duplicate field `") {
        return format!("duplicate field `{field}`");
    }
    let kind = if message.starts_with("invalid type: ") {
        "a value of the wrong type"
    } else if message.starts_with("invalid length ") {
        "a list of the wrong length"
    } else if message.starts_with("unknown variant ") {
        "a value the contract does not list"
    } else if message.starts_with("unknown field ") {
        "a field the contract does not know"
    } else {
        "a value the contract does not allow"
    };
    // serde writes what it expected last, from the type: `expected a string`,
    // `expected struct Credentials`. A value quoted before it could hold the words
    // ", expected " too, so only the last occurrence counts, and only plain words.
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, expected)| expected)
        .filter(|expected| {
            expected.len() <= 64
                && expected
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b" _`".contains(&byte))
        });
    match expected {
        Some(expected) => format!("{kind}, expected {expected}"),
        None => kind.to_owned(),
    }
}

/// Decodes a documented status code's JSON body. An empty body decodes as `{}`, since
/// GES and gateways in front of it sometimes answer errors with no body at all.
pub fn decode_json<T: serde::de::DeserializeOwned>(
    origin: Origin,
    response: &RawResponse,
) -> Result<T, DecodeError> {
    let body: &[u8] = if response.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &response.body
    };
    let invalid = |source: BodyMismatch| DecodeError::InvalidBody {
        operation: origin.operation,
        service: origin.service,
        status: response.status,
        request_id: response.request_id.as_deref().map(Box::from),
        body: KeptBody::of(origin, &response.body),
        source: Box::new(source),
    };
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = T::deserialize(&mut deserializer).map_err(|error| {
        let path = path_at(body, error.line(), error.column());
        invalid(BodyMismatch::new(&error, Some(&path), origin.answers))
    })?;
    // As `serde_json::from_slice`: nothing but white space after the document.
    deserializer
        .end()
        .map_err(|error| invalid(BodyMismatch::new(&error, None, origin.answers)))?;
    Ok(value)
}

/// A response header the contract declares, parsed as its type; `None` when absent.
/// A header sent more than once is refused: which value counts would be a guess.
pub fn header<T>(
    origin: Origin,
    response: &RawResponse,
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<T>, DecodeError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let invalid = |reason: String| DecodeError::InvalidHeader {
        operation: origin.operation,
        service: origin.service,
        status: response.status,
        request_id: response.request_id.as_deref().map(Box::from),
        header: name,
        reason: match origin.answers {
            Answers::Quoted => bounded(&reason, DETAIL_SHOWN).0.into(),
            // A type's complaint may quote the value, which may be a credential.
            Answers::Withheld => "its value does not match the contract's type".into(),
        },
        body: KeptBody::of(origin, &response.body),
    };
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let more = values.count();
    if more > 0 {
        return Err(invalid(format!("it was sent {} times", more + 1)));
    }
    let text = std::str::from_utf8(value.as_bytes()).map_err(|_| DecodeError::InvalidHeader {
        operation: origin.operation,
        service: origin.service,
        status: response.status,
        request_id: response.request_id.as_deref().map(Box::from),
        header: name,
        reason: "its value is not UTF-8".into(),
        body: KeptBody::of(origin, &response.body),
    })?;
    text.parse()
        .map(Some)
        .map_err(|error: T::Err| invalid(error.to_string()))
}

/// A response header the contract requires for this status code.
pub fn required_header<T>(
    origin: Origin,
    response: &RawResponse,
    headers: &HeaderMap,
    name: &'static str,
) -> Result<T, DecodeError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    header(origin, response, headers, name)?.ok_or_else(|| DecodeError::MissingHeader {
        operation: origin.operation,
        service: origin.service,
        status: response.status,
        request_id: response.request_id.as_deref().map(Box::from),
        header: name,
        body: KeptBody::of(origin, &response.body),
    })
}

/// How many characters of a body an error message shows: enough to read GES's
/// message, not so much that a huge answer floods a log line.
pub const BODY_SHOWN: usize = 512;
/// How many characters of serde's message, or of why a header is wrong, a message shows.
pub const DETAIL_SHOWN: usize = 240;
/// How many characters of a request id a message shows.
pub const HEADER_SHOWN: usize = 128;

/// Shows a body in an error message: lossy UTF-8 in quotes, escaped, cut at
/// [`BODY_SHOWN`] characters after escaping (so control characters, each several
/// characters once escaped, cannot make it longer).
#[derive(Debug)]
pub struct BodyText<'a>(pub &'a [u8]);

impl fmt::Display for BodyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(empty)");
        }
        // Only what can be shown is decoded: a 4 MB body costs no more than a short one.
        let head = &self.0[..self.0.len().min(BODY_SHOWN * 4)];
        let text = String::from_utf8_lossy(head);
        let (shown, cut) = bounded(&text, BODY_SHOWN);
        write!(f, "\"{shown}\"")?;
        if cut || head.len() < self.0.len() {
            write!(f, " ({} bytes in all)", self.0.len())?;
        }
        Ok(())
    }
}

struct RequestId<'a>(Option<&'a str>);

impl fmt::Display for RequestId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("none"),
            Some(id) => f.write_str(&bounded(id, HEADER_SHOWN).0),
        }
    }
}

/// `text` escaped (control characters, quotes and backslashes as in Rust's `escape_debug`)
/// and cut to at most `max` characters, with `…` where it was cut; and whether it was.
pub(crate) fn bounded(text: &str, max: usize) -> (String, bool) {
    let mut shown = String::new();
    let mut count = 0;
    for c in text.chars() {
        let escaped: String = if c.is_control() || c == '"' || c == '\\' {
            c.escape_debug().collect()
        } else {
            c.to_string()
        };
        let width = escaped.chars().count();
        if count + width > max {
            shown.push('…');
            return (shown, true);
        }
        count += width;
        shown.push_str(&escaped);
    }
    (shown, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GES: Origin = Origin {
        operation: "StopGraph",
        service: "GES",
        answers: Answers::Quoted,
    };
    const STS: Origin = Origin {
        operation: "AssumeAgencyWithOidc",
        service: "Huawei Cloud STS",
        answers: Answers::Withheld,
    };

    fn raw(status: u16, request_id: Option<String>, body: Vec<u8>) -> RawResponse {
        RawResponse {
            status,
            request_id,
            body: Bytes::from(body),
        }
    }

    #[test]
    fn decode_errors_keep_status_request_id_and_body() {
        let response = raw(
            502,
            Some("req-1".into()),
            b"<html>bad gateway</html>".to_vec(),
        );
        let err = decode_json::<serde_json::Value>(GES, &response).unwrap_err();
        assert_eq!(err.status(), 502);
        assert_eq!(err.request_id(), Some("req-1"));
        assert_eq!(
            err.body().map(|body| body.as_ref()),
            Some(&b"<html>bad gateway</html>"[..])
        );
        assert_eq!(err.service(), "GES");
        let shown = err.to_string();
        assert!(
            shown.contains("req-1")
                && shown.contains("bad gateway")
                && shown.contains("GES answered"),
            "{shown}"
        );
    }

    #[test]
    fn an_empty_error_body_decodes_as_an_empty_object() {
        let value: serde_json::Value = decode_json(GES, &raw(503, None, Vec::new())).unwrap();
        assert_eq!(value, serde_json::json!({}));
    }

    #[test]
    fn long_bodies_are_cut_in_messages() {
        let body = vec![b'x'; 10_000];
        let shown = BodyText(&body).to_string();
        assert!(
            shown.len() < 600 && shown.ends_with("(10000 bytes in all)"),
            "{shown}"
        );
        // Escaping happens before the cut: 10,000 control bytes are no longer.
        let controls = vec![1u8; 10_000];
        let shown = BodyText(&controls).to_string();
        assert!(shown.len() < 600, "{} bytes: {shown}", shown.len());
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Count {
        graph_count: i32,
    }

    /// serde repeats a mistyped string whole in its message; the message must not.
    #[test]
    fn every_decode_message_has_a_bound() {
        let long = "9".repeat(20_000);
        let body = format!("{{\"graph_count\": \"{long}\"}}").into_bytes();
        let id = "r".repeat(10_000);
        let err = decode_json::<Count>(GES, &raw(200, Some(id.clone()), body.clone())).unwrap_err();
        let DecodeError::InvalidBody { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(source.to_string().len() < DETAIL_SHOWN + 60, "{source}");
        assert!(
            source.to_string().starts_with("at graph_count: ")
                && source.to_string().ends_with("at line 1 column 20018"),
            "{source}"
        );
        assert_eq!((source.line(), source.column()), (1, 20018));
        let shown = err.to_string();
        assert!(shown.len() < 1_500, "{} bytes", shown.len());

        let err = DecodeError::unexpected_status(GES, &raw(599, Some(id), body));
        assert!(err.to_string().len() < 1_000, "{err}");
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Credentials {
        credentials: Keys,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Keys {
        access: String,
        secret: String,
        #[serde(rename = "securitytoken")]
        security_token: String,
        expires_at: String,
    }

    #[test]
    fn a_long_path_of_wide_characters_is_cut_on_a_character() {
        let path: Vec<Segment> = (0..20).map(|_| Segment::Key("é".repeat(30))).collect();
        let shown = field_path(&path, Answers::Quoted);
        assert!(shown.ends_with('…'), "{shown}");
        assert!(shown.len() <= DETAIL_SHOWN + '…'.len_utf8(), "{shown}");
    }

    /// From a service whose answers may hold a credential, no byte of the answer
    /// reaches a message or `Debug`, whatever went wrong; the path, the status, the
    /// request id and the service do.
    #[test]
    fn withheld_answers_are_never_quoted() {
        const PLANTED: &str = "PLANTEDsecretXYZ";
        let bodies = [
            // A renamed field.
            format!(
                r#"{{"credentials":{{"access":"AK","Secret":"{PLANTED}","securitytoken":"{PLANTED}","expires_at":"x"}}}}"#
            ),
            // A missing one.
            format!(
                r#"{{"credentials":{{"access":"AK","securitytoken":"{PLANTED}","expires_at":"x"}}}}"#
            ),
            // A value of the wrong type next to a secret, and one that is the secret.
            format!(r#"{{"credentials":{{"access":["{PLANTED}"],"secret":"{PLANTED}"}}}}"#),
            format!(r#"{{"credentials":"{PLANTED}"}}"#),
            // A key that is the secret, under a field the contract does not know.
            format!(r#"{{"credentials":{{"{PLANTED}":[1,}}}}"#),
            format!(r#"{{"{PLANTED}": {{"x": tru"#),
            format!(
                r#"{{"credentials":{{"access":"a","secret":"b","securitytoken":"c","expires_at":"d"}}}} {PLANTED}"#
            ),
        ];
        for body in &bodies {
            let response = raw(200, Some("req-9".into()), body.clone().into_bytes());
            let err = decode_json::<Credentials>(STS, &response).unwrap_err();
            let shown = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
            assert!(!shown.contains(PLANTED), "{shown}");
            assert!(!shown.contains("PLANTED"), "{shown}");
            assert!(
                shown.contains("Huawei Cloud STS answered HTTP 200") && shown.contains("req-9"),
                "{shown}"
            );
            assert!(
                shown.contains(&format!("({} bytes)", body.len())),
                "{shown}"
            );
            assert_eq!(err.body(), None);
        }
        let missing =
            decode_json::<Credentials>(STS, &raw(200, None, bodies[1].clone().into_bytes()))
                .unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("at credentials: missing field `secret`"),
            "{missing}"
        );
        let mistyped =
            decode_json::<Credentials>(STS, &raw(200, None, bodies[2].clone().into_bytes()))
                .unwrap_err();
        assert!(
            mistyped
                .to_string()
                .contains("at credentials.access: a value of the wrong type, expected a string"),
            "{mistyped}"
        );
        let err =
            DecodeError::unexpected_status(STS, &raw(201, None, bodies[0].clone().into_bytes()));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(PLANTED), "{shown}");
        assert!(
            shown.contains("Huawei Cloud STS answered HTTP 201"),
            "{shown}"
        );
    }

    #[test]
    fn headers_are_parsed_counted_and_never_repeated() {
        let response = raw(201, None, Vec::new());
        let mut headers = HeaderMap::new();
        assert_eq!(
            header::<i32>(GES, &response, &headers, "X-Count").unwrap(),
            None
        );
        let missing =
            required_header::<String>(GES, &response, &headers, "X-Subject-Token").unwrap_err();
        assert!(matches!(missing, DecodeError::MissingHeader { .. }));
        assert!(missing.to_string().contains("X-Subject-Token"), "{missing}");

        headers.insert("x-count", HeaderValue::from_static("12"));
        assert_eq!(
            header::<i32>(GES, &response, &headers, "X-Count").unwrap(),
            Some(12)
        );
        headers.insert("x-count", HeaderValue::from_static("twelve"));
        let err = header::<i32>(GES, &response, &headers, "X-Count").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidHeader { .. }), "{err}");
        headers.append("x-count", HeaderValue::from_static("13"));
        let err = header::<i32>(GES, &response, &headers, "X-Count").unwrap_err();
        assert!(err.to_string().contains("sent 2 times"), "{err}");
    }

    #[test]
    fn sensitive_headers_are_marked() {
        let mut headers = HeaderMap::new();
        insert_header(&mut headers, "X-Subject-Token", "MIIabc", true).unwrap();
        insert_header(&mut headers, "X-Count", "1", false).unwrap();
        assert!(headers["x-subject-token"].is_sensitive());
        assert!(!headers["x-count"].is_sensitive());
        let err = insert_header(&mut headers, "X-Count", "a\nb", false).unwrap_err();
        assert!(err.to_string().contains("X-Count"), "{err}");
    }
}
