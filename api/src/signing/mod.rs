//! SDK-HMAC-SHA256, Huawei Cloud's AK/SK request signature: computed by our HTTP client
//! ([`sign`]) and checked by the GES simulator ([`parse_authorization`], then [`verify`]).
//!
//! This module owns the algorithm exactly as the official SDKs run it (checked against
//! `tests/data/signing-vectors.json`, produced by the Python SDK's signer):
//!
//! 1. the canonical request: method, [`canonical_uri`], [`canonical_query`], the
//!    canonical headers named by [`signed_header_names`], the signed-header list and the
//!    body hash ([`canonical_request`]);
//! 2. the string to sign over the `X-Sdk-Date` ([`string_to_sign`], [`SdkDate`]);
//! 3. `hex(HMAC-SHA256(SK, string to sign))` ([`signature_hex`]) and the `Authorization`
//!    header ([`authorization_header`], [`parse_authorization`]).
//!
//! Both sides describe a request the same way, as a [`RequestView`]: the client before
//! sending it, the server after receiving it.
//!
//! It does not own the secret key: callers keep the SK in a `secrecy::SecretString` and
//! lend its bytes for one call; nothing here stores, logs, prints or echoes it. Nor does
//! it own policy: finding the SK for an access key and the allowed clock skew (the cloud
//! uses 15 minutes; see [`SdkDate::skew`]) are the server's choices.
//!
//! Split as aws-sigv4 is, one concern a file: the canonical request
//! (`canonical_request.rs`), signing (`sign.rs`), verifying (`verify.rs`), the date
//! (`date.rs`) and the errors (`error.rs`). Everything public is re-exported here, so
//! `ges_api::signing::sign` and every other path stays as it was.

mod canonical_request;
mod date;
mod error;
mod sign;
mod verify;

pub use canonical_request::{
    RequestView, canonical_query, canonical_request, canonical_uri, decode_query,
    signed_header_names,
};
pub use date::SdkDate;
pub use error::SignatureError;
pub use sign::{Signed, authorization_header, sign, signature_hex, string_to_sign};
pub use verify::{ParsedAuthorization, parse_authorization, verify};

/// The algorithm name, first word of the `Authorization` header and of the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// The header carrying the signature.
pub const HEADER_AUTHORIZATION: &str = "Authorization";
/// The host header: always signed, with the port when the URL has one.
pub const HEADER_HOST: &str = "Host";
/// The signing time, `YYYYMMDDTHHMMSSZ` in UTC; see [`SdkDate`].
pub const HEADER_SDK_DATE: &str = "X-Sdk-Date";
/// The session token of temporary credentials, added (and so signed) before signing.
pub const HEADER_SECURITY_TOKEN: &str = "X-Security-Token";
/// When signed, its value stands in for the body hash (the SDK sets it to
/// [`UNSIGNED_PAYLOAD`] for bodies that are neither JSON nor BSON).
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
/// The [`HEADER_CONTENT_SHA256`] value that leaves the body out of the signature.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// `hex(sha256(""))`: the body hash of a request without a body.
pub const EMPTY_BODY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Untrusted text (a server parses what clients send) is echoed in errors at most this long.
const EXCERPT_CHARS: usize = 32;
/// Longer access keys are refused: real ones are 20 characters, and an access key is
/// echoed in errors and logs.
const MAX_ACCESS_KEY_CHARS: usize = 128;

#[cfg(test)]
mod tests;
