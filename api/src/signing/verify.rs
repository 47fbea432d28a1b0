//! Verifying, for the server: the `Authorization` header taken apart, and the signature
//! checked against the request as received.

use std::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

use super::canonical_request::{RequestView, canonical_request, is_signed};
use super::date::SdkDate;
use super::error::{Scheme, SignatureError, excerpt, excerpt_list};
use super::settings::{ALGORITHM, HEADER_CONTENT_SHA256, HEADER_SDK_DATE, UNSIGNED_PAYLOAD};
use super::sign::{check_access_key, new_mac, string_to_sign};

/// An `Authorization: SDK-HMAC-SHA256 ...` header, taken apart by [`parse_authorization`].
///
/// `Debug` shows the signature's length only.
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The access key (AK): the server looks up its SK with it.
    pub access_key: String,
    /// The signed header names, as the client listed them.
    pub signed_headers: Vec<String>,
    /// The signature, hex (64 digits when parsed).
    pub signature: String,
}

impl fmt::Debug for ParsedAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedAuthorization")
            .field("access_key", &self.access_key)
            .field("signed_headers", &self.signed_headers)
            .field(
                "signature",
                &format_args!("<{} characters>", self.signature.len()),
            )
            .finish()
    }
}

/// Parses `SDK-HMAC-SHA256 Access={AK}, SignedHeaders={a;b}, Signature={hex}`.
///
/// Whitespace around the fields is allowed; each field must appear exactly once, the
/// signed-header list must have no empty or repeated name, and the signature must be 64
/// hex digits. Errors never echo the signature.
pub fn parse_authorization(header: &str) -> Result<ParsedAuthorization, SignatureError> {
    let header = header.trim();
    let (scheme, credentials) = header
        .split_once(char::is_whitespace)
        .unwrap_or((header, ""));
    if scheme != ALGORITHM {
        return Err(SignatureError::UnsupportedAlgorithm {
            found: Scheme::of(scheme),
        });
    }
    let malformed = |reason: String| SignatureError::MalformedAuthorization { reason };

    let mut access_key = None;
    let mut signed_headers = None;
    let mut signature = None;
    for field in credentials.split(',') {
        let field = field.trim();
        if field.is_empty() {
            return Err(malformed(
                "expected `Access=..., SignedHeaders=..., Signature=...`, found an empty field"
                    .to_owned(),
            ));
        }
        // The field's text is not echoed: it may be a signature missing its `Signature=`.
        let (name, value) = field.split_once('=').ok_or_else(|| {
            malformed("a field has no `=`: expected `Name=value` fields".to_owned())
        })?;
        let slot = match name.trim() {
            "Access" => &mut access_key,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            other => {
                return Err(malformed(format!(
                    "unknown field `{}`: expected Access, SignedHeaders and Signature",
                    excerpt(other)
                )));
            }
        };
        if slot.replace(value.trim()).is_some() {
            return Err(malformed(format!("field `{}` appears twice", name.trim())));
        }
    }

    let access_key = access_key.ok_or_else(|| malformed("no `Access=` field".to_owned()))?;
    check_access_key(access_key)?;

    let signed_headers =
        signed_headers.ok_or_else(|| malformed("no `SignedHeaders=` field".to_owned()))?;
    let mut names: Vec<String> = Vec::new();
    for name in signed_headers.split(';') {
        if name.is_empty() {
            return Err(malformed(
                "`SignedHeaders` has an empty name: expected names joined by `;`".to_owned(),
            ));
        }
        if names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
            return Err(malformed(format!(
                "`SignedHeaders` lists `{}` twice",
                excerpt(name)
            )));
        }
        names.push(name.to_owned());
    }

    let signature = signature.ok_or_else(|| malformed("no `Signature=` field".to_owned()))?;
    if signature.len() != 64 || !signature.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err(malformed(format!(
            "`Signature` must be 64 hex digits, found {} characters{}",
            signature.chars().count(),
            if signature.len() == 64 {
                " that are not all hex"
            } else {
                ""
            }
        )));
    }

    Ok(ParsedAuthorization {
        access_key: access_key.to_owned(),
        signed_headers: names,
        signature: signature.to_owned(),
    })
}

/// Checks a received request against its parsed `Authorization` and the SK of its access
/// key: rebuilds the canonical request from only the headers named in `SignedHeaders`, so
/// headers added after signing are ignored, and compares signatures in constant time.
///
/// Requires `x-sdk-date` to be signed and well-formed; whether it is recent enough is the
/// caller's check ([`SdkDate::skew`]). A signed `X-Sdk-Content-Sha256` other than
/// [`UNSIGNED_PAYLOAD`] must match the body; `UNSIGNED-PAYLOAD` leaves the body unchecked,
/// as the protocol intends.
pub fn verify(
    request: &RequestView<'_>,
    authorization: &ParsedAuthorization,
    secret_key: &[u8],
) -> Result<(), SignatureError> {
    let signed_headers = &authorization.signed_headers;
    // An unsigned date could be replaced to replay an old request.
    if !is_signed(signed_headers, HEADER_SDK_DATE) {
        return Err(SignatureError::SdkDateNotSigned {
            signed_headers: excerpt_list(signed_headers),
        });
    }
    let date_value =
        request
            .header(HEADER_SDK_DATE)?
            .ok_or_else(|| SignatureError::MissingSignedHeader {
                name: HEADER_SDK_DATE.to_ascii_lowercase(),
            })?;
    let date = SdkDate::parse(date_value.trim())?;
    let canonical_request = canonical_request(request, signed_headers)?;
    check_declared_body_hash(request, signed_headers)?;
    let string_to_sign = string_to_sign(date, &canonical_request);

    let claimed = hex::decode(&authorization.signature).map_err(|_| {
        SignatureError::MalformedAuthorization {
            reason: "`Signature` is not hex".to_owned(),
        }
    })?;
    let mut mac = new_mac(secret_key)?;
    mac.update(string_to_sign.as_bytes());
    mac.verify_slice(&claimed)
        .map_err(|_| SignatureError::SignatureMismatch {
            access_key: authorization.access_key.clone(),
            signed_headers: excerpt_list(signed_headers),
            string_to_sign,
        })
}

/// A signed `X-Sdk-Content-Sha256` replaces the body hash in the canonical request, so
/// unless it opts out with `UNSIGNED-PAYLOAD` it must be the body's real hash.
fn check_declared_body_hash(
    request: &RequestView<'_>,
    signed_headers: &[String],
) -> Result<(), SignatureError> {
    if request.body.is_empty() || !is_signed(signed_headers, HEADER_CONTENT_SHA256) {
        return Ok(());
    }
    let Some(declared) = request.header(HEADER_CONTENT_SHA256)? else {
        return Ok(());
    };
    let declared = declared.trim();
    if declared == UNSIGNED_PAYLOAD
        || declared.eq_ignore_ascii_case(&hex::encode(Sha256::digest(request.body)))
    {
        Ok(())
    } else {
        Err(SignatureError::BodyHashMismatch)
    }
}
