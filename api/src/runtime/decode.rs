//! Answers in and out: the raw answer a client read, decoding it into the documented
//! type, encoding bodies and headers for a server, and the errors of each.
//!
//! Every message built from an answer has a bound, whatever the answer holds: the body
//! is cut at [`BODY_SHOWN`] characters, serde's own message (which can repeat a whole
//! string from the body) at [`DETAIL_SHOWN`], a header value or request id at
//! [`HEADER_SHOWN`]. An error is logged, and a hostile or broken upstream must not be
//! able to make one log line megabytes long.

use std::fmt;
use std::str::FromStr;

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

/// An answer that does not match the contract. Every kind keeps the status code, the
/// request id and the raw body, so nothing the server said is lost.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The server answered with a status code the operation does not document.
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
    /// The server answered with a documented status code but a body that does not
    /// parse as the documented schema.
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
        source: BodyMismatch,
    },
    /// The answer lacks a header the contract requires for its status code (or the
    /// caller decoded it with [`crate::runtime::Operation::decode`], which sees no
    /// headers, instead of `decode_with_headers`).
    #[error(
        "{operation}: the HTTP {status} answer has no {header} header, which the contract \
         requires (request id {request_id})",
        request_id = RequestId(.request_id.as_deref())
    )]
    MissingHeader {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
        /// The header, as the contract names it.
        header: &'static str,
        /// The body, as received.
        body: Bytes,
    },
    /// A header the contract declares holds a value of the wrong kind. The value itself
    /// is not repeated: the header may be sensitive.
    #[error(
        "{operation}: the {header} header of the HTTP {status} answer does not match the \
         contract: {reason} (request id {request_id})",
        request_id = RequestId(.request_id.as_deref())
    )]
    InvalidHeader {
        /// The operation's `operationId`.
        operation: &'static str,
        /// The status code received.
        status: u16,
        /// The `X-Request-Id` header, if any.
        request_id: Option<String>,
        /// The header, as the contract names it.
        header: &'static str,
        /// What is wrong with it, already cut to a bounded length.
        reason: String,
        /// The body, as received.
        body: Bytes,
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

    /// The body received.
    pub fn body(&self) -> &Bytes {
        match self {
            Self::UnexpectedStatus { body, .. }
            | Self::InvalidBody { body, .. }
            | Self::MissingHeader { body, .. }
            | Self::InvalidHeader { body, .. } => body,
        }
    }
}

/// Why a body did not parse: serde's message, cut to [`DETAIL_SHOWN`] characters, and
/// the place in the body. serde repeats a mistyped string whole (`invalid type: string
/// "..."`), so its message alone is as long as the body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct BodyMismatch {
    message: String,
    line: usize,
    column: usize,
}

impl BodyMismatch {
    fn new(error: &serde_json::Error) -> Self {
        let full = error.to_string();
        let (message, cut) = bounded(&full, DETAIL_SHOWN);
        // serde_json ends its message with the place; a cut message lost it.
        let message = if cut && error.line() > 0 {
            format!(
                "{message} at line {} column {}",
                error.line(),
                error.column()
            )
        } else {
            message
        };
        Self {
            message,
            line: error.line(),
            column: error.column(),
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
    serde_json::from_slice(body).map_err(|error| DecodeError::InvalidBody {
        operation,
        status: response.status,
        request_id: response.request_id.clone(),
        body: response.body.clone(),
        source: BodyMismatch::new(&error),
    })
}

/// A response header the contract declares, parsed as its type; `None` when absent.
/// A header sent more than once is refused: which value counts would be a guess.
pub fn header<T>(
    operation: &'static str,
    response: &RawResponse,
    headers: &HeaderMap,
    name: &'static str,
) -> Result<Option<T>, DecodeError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    let invalid = |reason: String| DecodeError::InvalidHeader {
        operation,
        status: response.status,
        request_id: response.request_id.clone(),
        header: name,
        reason: bounded(&reason, DETAIL_SHOWN).0,
        body: response.body.clone(),
    };
    let mut values = headers.get_all(name).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    let more = values.count();
    if more > 0 {
        return Err(invalid(format!("it was sent {} times", more + 1)));
    }
    let text = std::str::from_utf8(value.as_bytes())
        .map_err(|_| invalid("its value is not UTF-8".to_owned()))?;
    text.parse()
        .map(Some)
        .map_err(|error: T::Err| invalid(error.to_string()))
}

/// A response header the contract requires for this status code.
pub fn required_header<T>(
    operation: &'static str,
    response: &RawResponse,
    headers: &HeaderMap,
    name: &'static str,
) -> Result<T, DecodeError>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    header(operation, response, headers, name)?.ok_or_else(|| DecodeError::MissingHeader {
        operation,
        status: response.status,
        request_id: response.request_id.clone(),
        header: name,
        body: response.body.clone(),
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
        let value: serde_json::Value =
            decode_json("StopGraph", &raw(503, None, Vec::new())).unwrap();
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
        let err = decode_json::<Count>("ListGraphs", &raw(200, Some(id.clone()), body.clone()))
            .unwrap_err();
        let DecodeError::InvalidBody { source, .. } = &err else {
            panic!("{err:?}")
        };
        assert!(source.to_string().len() < DETAIL_SHOWN + 60, "{source}");
        assert!(
            source.to_string().ends_with("at line 1 column 20018"),
            "{source}"
        );
        assert_eq!((source.line(), source.column()), (1, 20018));
        let shown = err.to_string();
        assert!(shown.len() < 1_500, "{} bytes", shown.len());

        let err = DecodeError::unexpected_status("ListGraphs", &raw(599, Some(id), body));
        assert!(err.to_string().len() < 1_000, "{err}");
    }

    #[test]
    fn headers_are_parsed_counted_and_never_repeated() {
        let response = raw(201, None, Vec::new());
        let mut headers = HeaderMap::new();
        assert_eq!(
            header::<i32>("CreateToken", &response, &headers, "X-Count").unwrap(),
            None
        );
        let missing =
            required_header::<String>("CreateToken", &response, &headers, "X-Subject-Token")
                .unwrap_err();
        assert!(matches!(missing, DecodeError::MissingHeader { .. }));
        assert!(missing.to_string().contains("X-Subject-Token"), "{missing}");

        headers.insert("x-count", HeaderValue::from_static("12"));
        assert_eq!(
            header::<i32>("CreateToken", &response, &headers, "X-Count").unwrap(),
            Some(12)
        );
        headers.insert("x-count", HeaderValue::from_static("twelve"));
        let err = header::<i32>("CreateToken", &response, &headers, "X-Count").unwrap_err();
        assert!(matches!(err, DecodeError::InvalidHeader { .. }), "{err}");
        headers.append("x-count", HeaderValue::from_static("13"));
        let err = header::<i32>("CreateToken", &response, &headers, "X-Count").unwrap_err();
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
