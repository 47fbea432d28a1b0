//! What generated code relies on: the [`Operation`] trait every request implements,
//! the traits that carry what the contract knows about an operation ([`ProjectScoped`],
//! [`Refusable`]), path-segment encoding, response decoding and its errors, sensitive
//! values, and the checks behind validated strings.
//!
//! Kept small and hand-written so that the generator's output stays readable: the
//! generated code only wires spec facts (names, status codes, constraints) into these.
//! Generated code names everything here by its absolute path, `::ges_api::runtime::...`.

mod decode;
mod json_path;
mod sensitive;
mod strings;

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

pub use decode::{
    Answers, BODY_SHOWN, BodyMismatch, BodyText, DETAIL_SHOWN, DecodeError, EncodeError,
    HEADER_SHOWN, KeptBody, Origin, RawResponse, decode_json, encode_json, header, insert_header,
    required_header,
};
pub use http::header::HeaderMap;
pub use http::{Method, StatusCode};
/// How a [`SensitiveString`] is read: re-exported so generated code needs no `secrecy` of
/// its own.
pub use secrecy::ExposeSecret;
pub use sensitive::SensitiveString;
pub use strings::{ConstraintViolation, Pattern, Rule, StringRules};

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
/// [`Operation::decode_with_headers`] (or [`Operation::decode`] for an operation whose
/// answers declare no headers). Authentication is not part of it: credentials belong to
/// the client, not to a value that is logged and cloned.
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
    /// Decodes an answer by its status code into the documented response type, without
    /// its headers: an answer whose status code declares a required header then fails
    /// with [`DecodeError::MissingHeader`].
    fn decode(response: &RawResponse) -> Result<Self::Response, DecodeError>;
    /// Decodes an answer and the response headers the contract declares for its status
    /// code. Generated for operations that declare some; the same as [`Operation::decode`]
    /// for the others, so a client may always call this one.
    fn decode_with_headers(
        response: &RawResponse,
        headers: &HeaderMap,
    ) -> Result<Self::Response, DecodeError> {
        let _ = headers;
        Self::decode(response)
    }
}

/// A documented answer to an operation, as a server renders it.
pub trait OperationResponse {
    /// The HTTP status code of this answer.
    fn status(&self) -> u16;
    /// The JSON body of this answer, if the spec gives it one.
    fn body(&self) -> Result<Option<Vec<u8>>, EncodeError>;
    /// The response headers the contract declares for this answer, those marked
    /// `x-sensitive` with [`http::HeaderValue::set_sensitive`]. None by default.
    fn headers(&self) -> Result<HeaderMap, EncodeError> {
        Ok(HeaderMap::new())
    }
}

/// A request whose path names a project (`{project_id}`): generated for each such
/// operation, so that a client can scope its credentials (a token, `X-Project-Id`) to
/// the project the request acts in.
pub trait ProjectScoped {
    /// The type of the `project_id` path parameter, such as the contract's validated
    /// `ProjectId`.
    type ProjectId: AsRef<str> + ?Sized;

    /// The project the request names.
    fn project_id(&self) -> &Self::ProjectId;
}

/// A response whose error answers (status 400 and above) all carry the same body type,
/// such as GES's `ErrorBody`: generated so that a server can answer a refusal by status
/// code without a match arm per operation.
pub trait Refusable: Sized {
    /// The body every documented error answer of the operation carries.
    type ErrorBody;

    /// The documented answer for `status` with `body`, or `None` when the contract does
    /// not document that status code for the operation (a server then answers it
    /// outside the contract, or picks a documented one).
    fn refusal(status: StatusCode, body: Self::ErrorBody) -> Option<Self>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_keep_only_unreserved_bytes_bare() {
        assert_eq!(encode_component("a-b_c.d~e").to_string(), "a-b_c.d~e");
        assert_eq!(
            encode_component("../x y/%?#ü").to_string(),
            "..%2Fx%20y%2F%25%3F%23%C3%BC"
        );
    }
}
