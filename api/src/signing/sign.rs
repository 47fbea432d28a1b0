//! Signing, for the client: the string to sign, the HMAC, and the `Authorization` header.

use std::fmt;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::canonical_request::{RequestView, canonical_request, signed_header_names};
use super::date::SdkDate;
use super::error::SignatureError;
use super::settings::{
    ALGORITHM, HEADER_AUTHORIZATION, HEADER_HOST, HEADER_SDK_DATE, MAX_ACCESS_KEY_CHARS, join_names,
};

pub(super) type HmacSha256 = Hmac<Sha256>;

/// `SDK-HMAC-SHA256\n{X-Sdk-Date}\n{hex(sha256(canonical request))}`.
pub fn string_to_sign(date: SdkDate, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `hex(HMAC-SHA256(key = SK bytes, message = string to sign))`, lower-case.
pub fn signature_hex(secret_key: &[u8], string_to_sign: &str) -> Result<String, SignatureError> {
    let mut mac = new_mac(secret_key)?;
    mac.update(string_to_sign.as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}

/// `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b;c}, Signature={hex}`.
pub fn authorization_header<S: AsRef<str>>(
    access_key: &str,
    signed_headers: &[S],
    signature_hex: &str,
) -> String {
    format!(
        "{ALGORITHM} Access={access_key}, SignedHeaders={}, Signature={signature_hex}",
        join_names(signed_headers)
    )
}

/// The outcome of [`sign`]: the `Authorization` value to send, and the steps behind it
/// for diagnosing a server's refusal.
///
/// `Debug` leaves out the canonical request (it holds header values such as the security
/// token), the signature and the header (replayable until the date expires).
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// The canonical request that was hashed.
    pub canonical_request: String,
    /// The string that was signed.
    pub string_to_sign: String,
    /// The signed header names, lower-case, sorted.
    pub signed_headers: Vec<String>,
    /// The signature, lower-case hex.
    pub signature: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signed")
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

/// Signs a request for the client: signs every header in `request` whose name has no `_`.
///
/// `request` must already hold every header that will be sent, among them `Host` (with
/// the port when the URL has one), `X-Sdk-Date` (see [`SdkDate`]) and, with temporary
/// credentials, `X-Security-Token`; header values are signed trimmed, so send them
/// trimmed. Send the query as [`canonical_query`](super::canonical_query) renders it,
/// and `Authorization:` [`Signed::authorization`].
///
/// `secret_key` is borrowed for this call only (from the caller's `SecretString`); it is
/// not kept, logged or put in an error.
pub fn sign(
    request: &RequestView<'_>,
    access_key: &str,
    secret_key: &[u8],
) -> Result<Signed, SignatureError> {
    if secret_key.is_empty() {
        return Err(SignatureError::EmptySecretKey);
    }
    let date = ready_to_sign(request, access_key, HEADER_SDK_DATE)?;

    let signed_headers = signed_header_names(&request.headers);
    let canonical_request = canonical_request(request, &signed_headers)?;
    let string_to_sign = string_to_sign(date, &canonical_request);
    let signature = signature_hex(secret_key, &string_to_sign)?;
    let authorization = authorization_header(access_key, &signed_headers, &signature);
    Ok(Signed {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
    })
}

/// Checks what either algorithm needs before it signs: a usable access key, no
/// `Authorization` yet (signing would cover the old one, which the server never sees as
/// such), a `Host`, and the signing time in `date_header`, which it returns.
pub(super) fn ready_to_sign(
    request: &RequestView<'_>,
    access_key: &str,
    date_header: &'static str,
) -> Result<SdkDate, SignatureError> {
    check_access_key(access_key)?;
    if request.header(HEADER_AUTHORIZATION)?.is_some() {
        return Err(SignatureError::AlreadySigned);
    }
    if request.header(HEADER_HOST)?.is_none() {
        return Err(SignatureError::MissingHeader { name: HEADER_HOST });
    }
    let date = request
        .header(date_header)?
        .ok_or(SignatureError::MissingHeader { name: date_header })?;
    SdkDate::parse(date.trim())
}

/// Refuses access keys that would corrupt or bloat the `Authorization` header.
pub(super) fn check_access_key(access_key: &str) -> Result<(), SignatureError> {
    let reason = if access_key.is_empty() {
        "it is empty: configure the AK (HUAWEICLOUD_SDK_AK)"
    } else if access_key.chars().count() > MAX_ACCESS_KEY_CHARS {
        "it is longer than 128 characters"
    } else if access_key
        .chars()
        .any(|c| c == ',' || c.is_whitespace() || c.is_control())
    {
        "it contains a comma, whitespace or a control character"
    } else {
        return Ok(());
    };
    Err(SignatureError::InvalidAccessKey { reason })
}

/// HMAC-SHA256 keyed with the SK.
pub(super) fn new_mac(secret_key: &[u8]) -> Result<HmacSha256, SignatureError> {
    if secret_key.is_empty() {
        return Err(SignatureError::EmptySecretKey);
    }
    // HMAC accepts keys of any length, so this cannot fail; mapped rather than unwrapped.
    HmacSha256::new_from_slice(secret_key).map_err(|_| SignatureError::EmptySecretKey)
}
