//! The fixed names and limits of SDK-HMAC-SHA256 signing, shared by signing, verifying
//! and their messages: a leaf module, as aws-sigv4's `settings` is.

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
pub(super) const EXCERPT_CHARS: usize = 32;
/// Longer access keys are refused: real ones are 20 characters, and an access key is
/// echoed in errors and logs.
pub(super) const MAX_ACCESS_KEY_CHARS: usize = 128;

/// A list of header names as the `SignedHeaders` part of the `Authorization` header
/// spells it: joined by `;`.
pub(super) fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";")
}
