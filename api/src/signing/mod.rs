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
//! AWS's SigV4, the same shape with another scope and key, is `sigv4.rs`, for the one AWS
//! call the client makes and the simulator checks.
//!
//! Split as aws-sigv4 is, one concern a file: the canonical request
//! (`canonical_request.rs`), signing (`sign.rs`), verifying (`verify.rs`), the date
//! (`date.rs`) and the errors (`error.rs`). Everything public is re-exported here, so
//! `ges_api::signing::sign` and every other path stays as it was.

mod canonical_request;
mod date;
mod error;
mod settings;
mod sign;
mod sigv4;
mod verify;

pub use canonical_request::{
    RequestView, canonical_query, canonical_request, canonical_uri, decode_query,
    signed_header_names,
};
pub use date::SdkDate;
pub use error::{Scheme, SignatureError};
pub use settings::{
    ALGORITHM, EMPTY_BODY_SHA256, HEADER_AUTHORIZATION, HEADER_CONTENT_SHA256, HEADER_HOST,
    HEADER_SDK_DATE, HEADER_SECURITY_TOKEN, UNSIGNED_PAYLOAD,
};
pub use sign::{Signed, authorization_header, sign, signature_hex, string_to_sign};
pub use sigv4::{
    HEADER_AMZ_DATE, HEADER_AMZ_SECURITY_TOKEN, SIGV4_ALGORITHM, SigV4Scope, sigv4_canonical_query,
    sigv4_canonical_request, sigv4_canonical_uri, sigv4_sign, sigv4_signature_hex,
    sigv4_string_to_sign,
};
pub use verify::{ParsedAuthorization, parse_authorization, verify};

#[cfg(test)]
mod tests;
