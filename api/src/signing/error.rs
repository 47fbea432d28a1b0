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
        "unsupported authorization scheme {}: expected `SDK-HMAC-SHA256 Access=..., SignedHeaders=..., Signature=...`",
        shown_scheme(found)
    )]
    UnsupportedAlgorithm {
        /// The scheme found, when it reads as a scheme name; its length otherwise.
        found: Scheme,
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

/// The first word of an `Authorization` value that is not ours, as an error keeps it.
///
/// A scheme's name (`Bearer`, `AWS4-HMAC-SHA256`) helps whoever sent it; anything else in
/// that place may be a token or a signature pasted without its scheme, and even its start
/// is not repeated (32 characters are half a signature).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scheme {
    /// A scheme name: a letter, then letters, digits, `-` or `_`, at most 32 characters,
    /// without 16 hex digits in a row.
    Named(String),
    /// Text that does not read as a scheme name, kept as its length in characters.
    Withheld(usize),
}

impl Scheme {
    pub(super) fn of(word: &str) -> Self {
        let mut hex_run = 0_usize;
        let mut longest_hex_run = 0_usize;
        for byte in word.bytes() {
            hex_run = if byte.is_ascii_hexdigit() {
                hex_run + 1
            } else {
                0
            };
            longest_hex_run = longest_hex_run.max(hex_run);
        }
        let named = word.len() <= EXCERPT_CHARS
            && word.starts_with(|c: char| c.is_ascii_alphabetic())
            && word
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && longest_hex_run < 16;
        if named {
            Self::Named(word.to_owned())
        } else {
            Self::Withheld(word.chars().count())
        }
    }
}

fn shown_scheme(scheme: &Scheme) -> String {
    match scheme {
        Scheme::Named(name) => format!("`{name}`"),
        Scheme::Withheld(0) => "(none: the value is empty)".to_owned(),
        Scheme::Withheld(chars) => {
            format!("(a first word of {chars} characters that is not a scheme name, not shown)")
        }
    }
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
