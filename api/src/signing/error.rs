//! Why signing or verifying failed, and the excerpts of untrusted text its messages use.

use super::settings::{EXCERPT_CHARS, join_names};

/// Why a request could not be signed or did not verify.
///
/// Messages name what to fix; they never include the secret key or a full signature, and
/// echo client-supplied text only in short excerpts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// A header signing needs is absent.
    #[error("the request has no `{name}` header: add it before signing, the signature covers it")]
    MissingHeader {
        /// The missing header.
        name: &'static str,
    },
    /// A header that is signed, or needed for signing, is sent more than once.
    #[error(
        "the request has {count} `{name}` headers: send it once, or the signed value is ambiguous"
    )]
    DuplicateHeader {
        /// The header name, lower-case.
        name: String,
        /// How many times it is present.
        count: usize,
    },
    /// The request to sign already has an `Authorization` header.
    #[error("the request already has an `Authorization` header: sign it without one")]
    AlreadySigned,
    /// The access key cannot go in an `Authorization` header.
    #[error("invalid access key (AK): {reason}")]
    InvalidAccessKey {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The secret key is empty.
    #[error("the secret key (SK) is empty: configure the SK that belongs to the access key")]
    EmptySecretKey,
    /// `X-Sdk-Date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("`X-Sdk-Date: {value}` is not a UTC time written YYYYMMDDTHHMMSSZ")]
    InvalidSdkDate {
        /// The value, or its start.
        value: String,
    },
    /// The `Authorization` header uses another scheme.
    #[error(
        "unsupported authorization scheme `{found}`: expected `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`"
    )]
    UnsupportedAlgorithm {
        /// The scheme found, or its start.
        found: String,
    },
    /// The `Authorization` header does not have the expected fields.
    #[error("malformed `Authorization` header: {reason}")]
    MalformedAuthorization {
        /// What is wrong with it.
        reason: String,
    },
    /// `x-sdk-date` is not among the signed headers.
    #[error(
        "`x-sdk-date` is not among the signed headers ({signed_headers}): sign the date so the request cannot be replayed later"
    )]
    SdkDateNotSigned {
        /// The signed headers, as listed.
        signed_headers: String,
    },
    /// A header named in `SignedHeaders` is not in the request.
    #[error(
        "the signed header `{name}` is missing from the request: send every header listed in SignedHeaders, unchanged"
    )]
    MissingSignedHeader {
        /// The header name, as listed.
        name: String,
    },
    /// A signed `X-Sdk-Content-Sha256` does not match the body.
    #[error(
        "`X-Sdk-Content-Sha256` does not match the body's SHA-256: the body changed after signing"
    )]
    BodyHashMismatch,
    /// The signature is not the one the secret key gives for this request.
    #[error(
        "signature mismatch for access key `{access_key}`: check the SK, and that the method, path, query, body and signed headers ({signed_headers}) were sent as signed; the server's string to sign is {string_to_sign:?}"
    )]
    SignatureMismatch {
        /// The access key the client named.
        access_key: String,
        /// The signed headers, as listed.
        signed_headers: String,
        /// The string to sign the server computed, to compare with the client's.
        string_to_sign: String,
    },
    /// A wire query could not be decoded.
    #[error("malformed query string: {reason}")]
    InvalidQuery {
        /// What is wrong with it.
        reason: String,
    },
}

/// The start of untrusted text, for an error message.
pub(super) fn excerpt(text: &str) -> String {
    excerpt_of(text, EXCERPT_CHARS)
}

/// A signed-header list for an error message: names are short, the list is capped too.
pub(super) fn excerpt_list(names: &[String]) -> String {
    excerpt_of(&join_names(names), 4 * EXCERPT_CHARS)
}

pub(super) fn excerpt_of(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let start: String = chars.by_ref().take(max_chars).collect();
    let start = start.escape_debug().to_string();
    if chars.next().is_some() {
        start + "..."
    } else {
        start
    }
}
