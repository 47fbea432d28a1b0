//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`): the one AWS call ges-stop makes (AWS STS
//! `GetWebIdentityToken`) is signed here, and the simulator's AWS STS checks it here.
//!
//! SigV4 has SDK-HMAC-SHA256's shape (a canonical request, a string to sign, an HMAC), so
//! it shares this module's [`RequestView`] and body hash, and differs where AWS's
//! specification ("Create a canonical request for Signature Version 4", IAM User Guide)
//! differs:
//! - the canonical URI is the wire path encoded once more (every service but S3 signs
//!   the path double-encoded), with no `/` added at its end;
//! - the canonical query sorts the *encoded* pairs;
//! - a header value is trimmed and its runs of spaces folded to one;
//! - the string to sign names a credential scope (`date/region/service/aws4_request`),
//!   and the key is derived from the secret through that scope, not the secret itself.
//!
//! Held byte for byte to botocore's signer (tests/tests/aws_sigv4.rs, with the PyPI
//! release in scripts/requirements.txt) and to smithy-rs's `aws-sigv4` (the simulator's
//! tests sign with it and this module verifies).

use hmac::Mac;
use percent_encoding::{AsciiSet, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::canonical_request::{RequestView, payload_hash};
use super::date::SdkDate;
use super::error::SignatureError;
use super::settings::join_names;
use super::sign::{HmacSha256, Signed, new_mac, ready_to_sign};
use crate::runtime::UNRESERVED;

/// The algorithm's name, first word of the `Authorization` header and of the string to sign.
pub const SIGV4_ALGORITHM: &str = "AWS4-HMAC-SHA256";
/// The signing time, `YYYYMMDDTHHMMSSZ` in UTC, as [`SdkDate`] writes it.
pub const HEADER_AMZ_DATE: &str = "X-Amz-Date";
/// The session token of temporary credentials, signed like any header.
pub const HEADER_AMZ_SECURITY_TOKEN: &str = "X-Amz-Security-Token";
/// The last part of every credential scope.
const TERMINATOR: &str = "aws4_request";

/// A path is already encoded on the wire; SigV4 encodes it again, keeping its slashes.
const PATH_SEGMENT: &AsciiSet = &UNRESERVED.remove(b'/');

/// Whom a signature is for: the region and service of the credential scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigV4Scope<'a> {
    /// The region the call goes to (`eu-west-1`).
    pub region: &'a str,
    /// The service's signing name (`sts`).
    pub service: &'a str,
}

impl SigV4Scope<'_> {
    /// `YYYYMMDD/region/service/aws4_request` for the day of `date`.
    pub fn credential_scope(&self, date: SdkDate) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            day_of(date),
            self.region,
            self.service
        )
    }
}

/// The canonical URI: the wire path encoded once more, `/` kept; `/` for an empty path.
pub fn sigv4_canonical_uri(wire_path: &str) -> String {
    if wire_path.is_empty() {
        return "/".to_owned();
    }
    utf8_percent_encode(wire_path, PATH_SEGMENT).to_string()
}

/// The canonical query: each key and value encoded with [`UNRESERVED`], the encoded pairs
/// sorted, joined as `k=v&k=v`; empty for no parameters.
pub fn sigv4_canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(key, value)| {
            (
                utf8_percent_encode(key.as_ref(), UNRESERVED).to_string(),
                utf8_percent_encode(value.as_ref(), UNRESERVED).to_string(),
            )
        })
        .collect();
    encoded.sort_unstable();
    encoded
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request over the headers named in `signed_headers` (lower-case, sorted).
/// A signed header missing from the request, or sent twice, is an error.
pub fn sigv4_canonical_request<S: AsRef<str>>(
    request: &RequestView<'_>,
    signed_headers: &[S],
) -> Result<String, SignatureError> {
    let mut canonical_headers = String::new();
    for name in signed_headers {
        let name = name.as_ref();
        let value = request
            .header(name)?
            .ok_or_else(|| SignatureError::MissingSignedHeader {
                name: super::error::excerpt(name),
            })?;
        canonical_headers.push_str(name);
        canonical_headers.push(':');
        canonical_headers.push_str(&value.split_whitespace().collect::<Vec<_>>().join(" "));
        canonical_headers.push('\n');
    }
    Ok(format!(
        "{}\n{}\n{}\n{canonical_headers}\n{}\n{}",
        request.method.to_ascii_uppercase(),
        sigv4_canonical_uri(request.path),
        sigv4_canonical_query(&request.query),
        join_names(signed_headers),
        payload_hash(request, &[] as &[&str])?,
    ))
}

/// `AWS4-HMAC-SHA256\n{date}\n{scope}\n{hex(sha256(canonical request))}`.
pub fn sigv4_string_to_sign(date: SdkDate, scope: &str, canonical_request: &str) -> String {
    format!(
        "{SIGV4_ALGORITHM}\n{date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// The signature of `string_to_sign`, with the key SigV4 derives from the secret key for
/// the scope of `date`, lower-case hex.
pub fn sigv4_signature_hex(
    secret_key: &[u8],
    scope: &SigV4Scope<'_>,
    date: SdkDate,
    string_to_sign: &str,
) -> Result<String, SignatureError> {
    if secret_key.is_empty() {
        return Err(SignatureError::EmptySecretKey);
    }
    let mut key = Vec::with_capacity(secret_key.len() + 4);
    key.extend_from_slice(b"AWS4");
    key.extend_from_slice(secret_key);
    let day = day_of(date);
    let mut derived = hmac(&key, day.as_bytes())?;
    for part in [scope.region, scope.service, TERMINATOR] {
        derived = hmac(&derived, part.as_bytes())?;
    }
    Ok(hex::encode(hmac(&derived, string_to_sign.as_bytes())?))
}

/// Signs a request with SigV4, covering every header in it: send the ones that must not
/// be signed (`User-Agent`) after signing. `request` must hold `Host` and
/// [`HEADER_AMZ_DATE`] (with `date` written as [`SdkDate`] writes it) and, with temporary
/// credentials, [`HEADER_AMZ_SECURITY_TOKEN`]; then send `Authorization:`
/// [`Signed::authorization`].
///
/// `secret_key` is borrowed for this call only; it is not kept, logged or put in an error.
pub fn sigv4_sign(
    request: &RequestView<'_>,
    access_key: &str,
    secret_key: &[u8],
    scope: &SigV4Scope<'_>,
) -> Result<Signed, SignatureError> {
    let date = ready_to_sign(request, access_key, HEADER_AMZ_DATE)?;
    let mut signed_headers: Vec<String> = request
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    signed_headers.sort_unstable();
    let canonical_request = sigv4_canonical_request(request, &signed_headers)?;
    let credential_scope = scope.credential_scope(date);
    let string_to_sign = sigv4_string_to_sign(date, &credential_scope, &canonical_request);
    let signature = sigv4_signature_hex(secret_key, scope, date, &string_to_sign)?;
    let authorization = format!(
        "{SIGV4_ALGORITHM} Credential={access_key}/{credential_scope}, SignedHeaders={}, \
         Signature={signature}",
        join_names(&signed_headers)
    );
    Ok(Signed {
        canonical_request,
        string_to_sign,
        signed_headers,
        signature,
        authorization,
    })
}

/// `YYYYMMDD`: the first eight characters of the date as written.
fn day_of(date: SdkDate) -> String {
    date.to_string().chars().take(8).collect()
}

fn hmac(key: &[u8], message: &[u8]) -> Result<Vec<u8>, SignatureError> {
    let mut mac: HmacSha256 = new_mac(key)?;
    mac.update(message);
    Ok(mac.finalize().into_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::super::settings::HEADER_HOST;
    use super::*;

    // AWS's worked example ("Examples of the complete Signature Version 4 signing
    // process", IAM ListUsers): its canonical request's hash and its signature.
    #[test]
    fn aws_worked_example() {
        let request = RequestView::new("GET", "/")
            .with_query("Version", "2010-05-08")
            .with_query("Action", "ListUsers")
            .with_header(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .with_header("Host", "iam.amazonaws.com")
            .with_header(HEADER_AMZ_DATE, "20150830T123600Z");
        let scope = SigV4Scope {
            region: "us-east-1",
            service: "iam",
        };
        let signed = sigv4_sign(
            &request,
            "AKIDEXAMPLE",
            b"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            &scope,
        )
        .unwrap();
        assert_eq!(
            hex::encode(Sha256::digest(signed.canonical_request.as_bytes())),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        assert_eq!(
            signed.signature,
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
        assert_eq!(
            signed.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date, \
             Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
        );
    }

    #[test]
    fn the_path_is_encoded_again_and_values_folded() {
        assert_eq!(sigv4_canonical_uri("/a%20b/c"), "/a%2520b/c");
        assert_eq!(sigv4_canonical_uri(""), "/");
        let request = RequestView::new("post", "/")
            .with_header("Host", "h")
            .with_header("X-A", "  one   two  ");
        let canonical = sigv4_canonical_request(&request, &["host", "x-a"]).unwrap();
        assert!(canonical.contains("\nx-a:one two\n"), "{canonical}");
        assert!(canonical.starts_with("POST\n/\n\n"), "{canonical}");
    }

    #[test]
    fn the_date_and_host_are_required() {
        let scope = SigV4Scope {
            region: "r",
            service: "s",
        };
        let no_date = RequestView::new("POST", "/").with_header("Host", "h");
        assert_eq!(
            sigv4_sign(&no_date, "AK", b"SK", &scope).unwrap_err(),
            SignatureError::MissingHeader {
                name: HEADER_AMZ_DATE
            }
        );
        let no_host =
            RequestView::new("POST", "/").with_header(HEADER_AMZ_DATE, "20260101T000000Z");
        assert_eq!(
            sigv4_sign(&no_host, "AK", b"SK", &scope).unwrap_err(),
            SignatureError::MissingHeader { name: HEADER_HOST }
        );
    }
}
