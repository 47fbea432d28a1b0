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

use std::fmt;
use std::str::FromStr;

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::runtime::UNRESERVED;

type HmacSha256 = Hmac<Sha256>;

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

/// A request as it goes on the wire, described the same way by the client that signs it
/// and by the server that verifies it.
///
/// Header values may carry credentials (`X-Security-Token`, `Authorization`), so `Debug`
/// shows header names only.
#[derive(Clone, Default)]
pub struct RequestView<'a> {
    /// The HTTP method; compared upper-cased.
    pub method: &'a str,
    /// The path as on the wire: already percent-encoded, without the query.
    pub path: &'a str,
    /// The query parameters, decoded, in any order; a repeated key is one pair per value.
    pub query: Vec<(&'a str, &'a str)>,
    /// Every header that is sent, including `Host` and `X-Sdk-Date` (and
    /// `X-Security-Token` with temporary credentials); names in any case.
    pub headers: Vec<(&'a str, &'a str)>,
    /// The body bytes; empty for none.
    pub body: &'a [u8],
}

impl<'a> RequestView<'a> {
    /// A request without query, headers or body.
    pub fn new(method: &'a str, path: &'a str) -> Self {
        Self {
            method,
            path,
            ..Self::default()
        }
    }

    /// Adds one decoded query parameter.
    #[must_use]
    pub fn with_query(mut self, key: &'a str, value: &'a str) -> Self {
        self.query.push((key, value));
        self
    }

    /// Adds one header.
    #[must_use]
    pub fn with_header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn with_body(mut self, body: &'a [u8]) -> Self {
        self.body = body;
        self
    }

    /// The value of the header `name` (any case), untrimmed.
    ///
    /// A header sent more than once is an error: which value was signed would be a guess.
    pub fn header(&self, name: &str) -> Result<Option<&'a str>, SignatureError> {
        let mut found = None;
        let mut count = 0;
        for (candidate, value) in &self.headers {
            if candidate.eq_ignore_ascii_case(name) {
                count += 1;
                found = Some(*value);
            }
        }
        if count > 1 {
            return Err(SignatureError::DuplicateHeader {
                name: excerpt(&name.to_ascii_lowercase()),
                count,
            });
        }
        Ok(found)
    }
}

impl fmt::Debug for RequestView<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("RequestView")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("header_names", &header_names)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// The canonical URI of a wire path: percent-decoded, split on `/`, each segment encoded
/// with [`UNRESERVED`], joined with `/`, always ending in `/` (the wire path gets no slash).
///
/// As in the SDK, decoding comes before splitting, so an encoded slash (`%2F`) separates
/// segments here just like a literal one: `/a%2Fb` and `/a/b` canonicalise alike. Invalid
/// UTF-8 after decoding becomes U+FFFD, as Python's `unquote` does.
pub fn canonical_uri(wire_path: &str) -> String {
    let decoded = percent_decode_str(wire_path).decode_utf8_lossy();
    let mut uri = String::with_capacity(wire_path.len() + 1);
    for (index, segment) in decoded.split('/').enumerate() {
        if index > 0 {
            uri.push('/');
        }
        uri.extend(utf8_percent_encode(segment, UNRESERVED));
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// The canonical query: decoded pairs sorted by key then value, keys and values encoded
/// with [`UNRESERVED`] (a space is `%20`, `*` is `%2A`), joined as `k=v&k=v`; empty for
/// no parameters.
///
/// The SDK sends this same string as the URL's query, so a client can too: then the server
/// sees exactly what was signed.
pub fn canonical_query<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    let mut sorted: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(key, value)| (key.as_ref(), value.as_ref()))
        .collect();
    // The SDK sorts the decoded (key, value) tuples; comparing UTF-8 bytes orders strings
    // by code point, as Python does.
    sorted.sort_unstable();
    let mut query = String::new();
    for (index, (key, value)) in sorted.into_iter().enumerate() {
        if index > 0 {
            query.push('&');
        }
        query.extend(utf8_percent_encode(key, UNRESERVED));
        query.push('=');
        query.extend(utf8_percent_encode(value, UNRESERVED));
    }
    query
}

/// Decodes a wire query (without the `?`) into pairs for a [`RequestView`].
///
/// The inverse of [`canonical_query`]: `%XX` escapes are decoded and `+` stays a plus (the
/// SDK encodes a space as `%20` and a plus as `%2B`). A parameter without `=` has an empty
/// value. Escapes that do not decode to UTF-8 are an error.
pub fn decode_query(raw: &str) -> Result<Vec<(String, String)>, SignatureError> {
    let decode = |part: &str| {
        percent_decode_str(part)
            .decode_utf8()
            .map(|text| text.into_owned())
            .map_err(|_| SignatureError::InvalidQuery {
                reason: format!("`{}` does not decode to UTF-8", excerpt(part)),
            })
    };
    raw.split('&')
        .filter(|parameter| !parameter.is_empty())
        .map(|parameter| {
            let (key, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            Ok((decode(key)?, decode(value)?))
        })
        .collect()
}

/// The headers a client signs: every header whose name has no `_`, lower-cased and sorted.
///
/// Names with `_` are left out as the SDK does: proxies such as nginx drop those headers by
/// default, so the server might never see them. A name sent twice appears twice, and
/// [`canonical_request`] then refuses it.
pub fn signed_header_names<N: AsRef<str>, V>(headers: &[(N, V)]) -> Vec<String> {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(name, _)| name.as_ref())
        .filter(|name| !name.contains('_'))
        .map(str::to_ascii_lowercase)
        .collect();
    names.sort_unstable();
    names
}

/// The canonical request over the headers named in `signed_headers`, in that order:
///
/// `METHOD\nURI\nQUERY\n` then `name:trimmed-value\n` per signed header, then
/// `\nSIGNED;HEADERS\nhex(sha256(body))`.
///
/// A signed header missing from the request, or sent twice, is an error. An empty body
/// hashes as [`EMPTY_BODY_SHA256`]; with a body, a signed [`HEADER_CONTENT_SHA256`]'s
/// value replaces the hash, as in the SDK.
pub fn canonical_request<S: AsRef<str>>(
    request: &RequestView<'_>,
    signed_headers: &[S],
) -> Result<String, SignatureError> {
    let mut lines = Vec::with_capacity(signed_headers.len());
    for name in signed_headers {
        let name = name.as_ref();
        let value = request
            .header(name)?
            .ok_or_else(|| SignatureError::MissingSignedHeader {
                name: excerpt(name),
            })?;
        lines.push(format!("{name}:{}", value.trim()));
    }
    // Written like the SDK (header lines joined, plus a newline, then the usual separator)
    // so that even an empty header list canonicalises the same way.
    let canonical_headers = lines.join("\n") + "\n";
    Ok(format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method.to_ascii_uppercase(),
        canonical_uri(request.path),
        canonical_query(&request.query),
        canonical_headers,
        join_names(signed_headers),
        payload_hash(request, signed_headers)?,
    ))
}

/// The body's place in the canonical request.
fn payload_hash<S: AsRef<str>>(
    request: &RequestView<'_>,
    signed_headers: &[S],
) -> Result<String, SignatureError> {
    if request.body.is_empty() {
        return Ok(EMPTY_BODY_SHA256.to_owned());
    }
    // Only a *signed* declaration counts: an unsigned one could be added by anyone.
    if is_signed(signed_headers, HEADER_CONTENT_SHA256)
        && let Some(declared) = request.header(HEADER_CONTENT_SHA256)?
    {
        return Ok(declared.trim().to_owned());
    }
    Ok(hex::encode(Sha256::digest(request.body)))
}

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
/// trimmed. Send the query as [`canonical_query`] renders it and `Authorization:`
/// [`Signed::authorization`].
///
/// `secret_key` is borrowed for this call only (from the caller's `SecretString`); it is
/// not kept, logged or put in an error.
pub fn sign(
    request: &RequestView<'_>,
    access_key: &str,
    secret_key: &[u8],
) -> Result<Signed, SignatureError> {
    check_access_key(access_key)?;
    if secret_key.is_empty() {
        return Err(SignatureError::EmptySecretKey);
    }
    // Signing would cover the old Authorization header, which the server never sees as such.
    if request.header(HEADER_AUTHORIZATION)?.is_some() {
        return Err(SignatureError::AlreadySigned);
    }
    if request.header(HEADER_HOST)?.is_none() {
        return Err(SignatureError::MissingHeader { name: HEADER_HOST });
    }
    let date_value = request
        .header(HEADER_SDK_DATE)?
        .ok_or(SignatureError::MissingHeader {
            name: HEADER_SDK_DATE,
        })?;
    let date = SdkDate::parse(date_value.trim())?;

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
            found: excerpt(scheme),
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

/// The `X-Sdk-Date` value: a UTC time to the second, written `YYYYMMDDTHHMMSSZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate(PrimitiveDateTime);

const SDK_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

impl SdkDate {
    /// The current time, for a request about to be signed.
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// `at` in UTC, without its fraction of a second.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(UtcOffset::UTC);
        // Setting the nanosecond to 0 cannot fail; falling back keeps this infallible.
        let utc = utc.replace_nanosecond(0).unwrap_or(utc);
        Self(PrimitiveDateTime::new(utc.date(), utc.time()))
    }

    /// Parses `YYYYMMDDTHHMMSSZ` strictly: 16 characters, no sign, no separators.
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let invalid = || SignatureError::InvalidSdkDate {
            value: excerpt(value),
        };
        // Fixed shape first: the format parser alone would accept a signed year.
        let well_shaped = value.len() == 16
            && value.bytes().enumerate().all(|(index, byte)| match index {
                8 => byte == b'T',
                15 => byte == b'Z',
                _ => byte.is_ascii_digit(),
            });
        if !well_shaped {
            return Err(invalid());
        }
        PrimitiveDateTime::parse(value, SDK_DATE_FORMAT)
            .map(Self)
            .map_err(|_| invalid())
    }

    /// This date as a UTC time.
    pub fn to_datetime(self) -> OffsetDateTime {
        self.0.assume_utc()
    }

    /// How far this date is ahead of `now` (negative when it is behind). A server compares
    /// its absolute value with the skew it allows.
    pub fn skew(self, now: OffsetDateTime) -> Duration {
        self.to_datetime() - now
    }

    /// [`SdkDate::skew`] against the system clock.
    pub fn skew_from_now(self) -> Duration {
        self.skew(OffsetDateTime::now_utc())
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand so that formatting cannot fail.
        let (date, time) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year(),
            u8::from(date.month()),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

impl FromStr for SdkDate {
    type Err = SignatureError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl From<OffsetDateTime> for SdkDate {
    fn from(at: OffsetDateTime) -> Self {
        Self::from_datetime(at)
    }
}

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

/// Refuses access keys that would corrupt or bloat the `Authorization` header.
fn check_access_key(access_key: &str) -> Result<(), SignatureError> {
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
fn new_mac(secret_key: &[u8]) -> Result<HmacSha256, SignatureError> {
    if secret_key.is_empty() {
        return Err(SignatureError::EmptySecretKey);
    }
    // HMAC accepts keys of any length, so this cannot fail; mapped rather than unwrapped.
    HmacSha256::new_from_slice(secret_key).map_err(|_| SignatureError::EmptySecretKey)
}

fn is_signed<S: AsRef<str>>(signed_headers: &[S], name: &str) -> bool {
    signed_headers
        .iter()
        .any(|signed| signed.as_ref().eq_ignore_ascii_case(name))
}

fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(";")
}

/// The start of untrusted text, for an error message.
fn excerpt(text: &str) -> String {
    excerpt_of(text, EXCERPT_CHARS)
}

/// A signed-header list for an error message: names are short, the list is capped too.
fn excerpt_list(names: &[String]) -> String {
    excerpt_of(&join_names(names), 4 * EXCERPT_CHARS)
}

fn excerpt_of(text: &str, max_chars: usize) -> String {
    let mut chars = text.chars();
    let start: String = chars.by_ref().take(max_chars).collect();
    let start = start.escape_debug().to_string();
    if chars.next().is_some() {
        start + "..."
    } else {
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AK: &str = "HPUAEXAMPLEAK0000000";
    const SK: &[u8] = b"ExampleSecretKey0000000000000000000000000";
    const DATE: &str = "20240102T030405Z";
    const PATH: &str = "/v2/0123456789abcdef0123456789abcdef/graphs/g1/stop";

    fn request<'a>(body: &'a [u8]) -> RequestView<'a> {
        RequestView::new("POST", PATH)
            .with_header("Content-Type", "application/json")
            .with_header("Host", "ges.cn-north-4.myhuaweicloud.com")
            .with_header("X-Project-Id", "0123456789abcdef0123456789abcdef")
            .with_header("X-Sdk-Date", DATE)
            .with_body(body)
    }

    /// The request as the server receives it: the client's headers plus Authorization.
    fn received<'a>(sent: &RequestView<'a>, authorization: &'a str) -> RequestView<'a> {
        sent.clone().with_header("Authorization", authorization)
    }

    fn sign_and_parse(view: &RequestView<'_>) -> (Signed, ParsedAuthorization) {
        let signed = sign(view, AK, SK).expect("signs");
        let parsed = parse_authorization(&signed.authorization).expect("parses");
        (signed, parsed)
    }

    #[test]
    fn canonical_uri_of_root_and_empty_path() {
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri(""), "/");
    }

    #[test]
    fn canonical_uri_adds_one_trailing_slash() {
        assert_eq!(canonical_uri("/v2/p/graphs"), "/v2/p/graphs/");
        assert_eq!(canonical_uri("/v2/p/graphs/"), "/v2/p/graphs/");
    }

    #[test]
    fn canonical_uri_keeps_double_slashes() {
        assert_eq!(canonical_uri("/a//b"), "/a//b/");
        assert_eq!(canonical_uri("//"), "//");
    }

    #[test]
    fn canonical_uri_reencodes_segments_uniformly() {
        // Already-encoded bytes stay encoded (upper-case hex), unreserved ones come out bare.
        assert_eq!(
            canonical_uri("/graphs/graph%20name%2B%C3%BC~%281%29/stop"),
            "/graphs/graph%20name%2B%C3%BC~%281%29/stop/"
        );
        assert_eq!(canonical_uri("/a%2a/%7E/%2D"), "/a%2A/~/-/");
        // Raw bytes a lenient client left unencoded are encoded the same way.
        assert_eq!(canonical_uri("/a b/ü/*"), "/a%20b/%C3%BC/%2A/");
        assert_eq!(canonical_uri("/a+b"), "/a%2Bb/");
    }

    #[test]
    fn canonical_uri_decodes_encoded_slash_before_splitting_like_the_sdk() {
        // Python SDK: `_process_canonical_uri` runs `unquote(path).split('/')`, so `%2F`
        // becomes a separator; it does not stay one segment. Checked against
        // huaweicloudsdkcore 3.1.x: '/v2/a%2Fb//c/' -> '/v2/a/b//c/'.
        assert_eq!(canonical_uri("/v2/a%2Fb//c/"), "/v2/a/b//c/");
        assert_eq!(canonical_uri("/a%2fb"), canonical_uri("/a/b"));
    }

    #[test]
    fn canonical_uri_handles_invalid_escapes_like_python() {
        // Python: '/a/%C3%28/%zz/+' -> '/a/%EF%BF%BD%28/%25zz/%2B/'
        assert_eq!(
            canonical_uri("/a/%C3%28/%zz/+"),
            "/a/%EF%BF%BD%28/%25zz/%2B/"
        );
    }

    #[test]
    fn canonical_query_encodes_space_star_and_reserved() {
        let pairs = [("graph_name", "my graph*1"), ("q", "a+b=c&d/é~")];
        assert_eq!(
            canonical_query(&pairs),
            "graph_name=my%20graph%2A1&q=a%2Bb%3Dc%26d%2F%C3%A9~"
        );
    }

    #[test]
    fn canonical_query_sorts_by_key_then_value() {
        let pairs = [
            ("status", "running"),
            ("offset", "0"),
            ("limit", "10"),
            ("a", "2"),
            ("a", "1"),
            ("B", "x"),
        ];
        assert_eq!(
            canonical_query(&pairs),
            "B=x&a=1&a=2&limit=10&offset=0&status=running"
        );
    }

    #[test]
    fn canonical_query_of_nothing_is_empty() {
        assert_eq!(canonical_query::<&str, &str>(&[]), "");
        assert_eq!(canonical_query(&[("k", "")]), "k=");
    }

    #[test]
    fn canonical_query_accepts_owned_values() {
        let pairs: Vec<(&'static str, String)> = vec![("limit", 10.to_string())];
        assert_eq!(canonical_query(&pairs), "limit=10");
    }

    #[test]
    fn decode_query_inverts_canonical_query() {
        let pairs = [("graph_name", "my graph*1+x"), ("k", ""), ("ü", "é")];
        let wire = canonical_query(&pairs);
        let decoded = decode_query(&wire).expect("decodes");
        assert_eq!(canonical_query(&decoded), wire);
        assert!(decoded.contains(&("graph_name".to_owned(), "my graph*1+x".to_owned())));
        assert_eq!(
            decode_query("a+b=1&&flag").expect("decodes"),
            vec![
                ("a+b".to_owned(), "1".to_owned()),
                ("flag".to_owned(), String::new())
            ]
        );
        assert_eq!(decode_query("").expect("decodes"), vec![]);
        assert!(matches!(
            decode_query("a=%FF"),
            Err(SignatureError::InvalidQuery { .. })
        ));
    }

    #[test]
    fn signed_headers_skip_underscores_lowercase_and_sort() {
        let headers = [
            ("X-Sdk-Date", DATE),
            ("Host", "h"),
            ("X_Custom_Header", "v"),
            ("content-type", "application/json"),
        ];
        assert_eq!(
            signed_header_names(&headers),
            ["content-type", "host", "x-sdk-date"]
        );
    }

    #[test]
    fn header_values_are_trimmed() {
        let view = RequestView::new("get", "/")
            .with_header("Host", "  h:8080\t")
            .with_header("X-Sdk-Date", DATE);
        let canonical = canonical_request(&view, &["host", "x-sdk-date"]).expect("canonical");
        assert_eq!(
            canonical,
            format!(
                "GET\n/\n\nhost:h:8080\nx-sdk-date:{DATE}\n\nhost;x-sdk-date\n{EMPTY_BODY_SHA256}"
            )
        );
    }

    #[test]
    fn padded_header_values_sign_like_trimmed_ones() {
        let padded_date = format!(" {DATE}\t");
        let plain = RequestView::new("GET", "/")
            .with_header("Host", "h")
            .with_header("X-Sdk-Date", DATE);
        let padded = RequestView::new("GET", "/")
            .with_header("Host", " h ")
            .with_header("X-Sdk-Date", &padded_date);
        assert_eq!(
            sign(&plain, AK, SK).expect("signs"),
            sign(&padded, AK, SK).expect("signs")
        );
    }

    #[test]
    fn canonical_request_with_no_signed_headers_matches_the_sdk_layout() {
        let view = RequestView::new("GET", "/");
        let canonical = canonical_request::<&str>(&view, &[]).expect("canonical");
        assert_eq!(canonical, format!("GET\n/\n\n\n\n\n{EMPTY_BODY_SHA256}"));
    }

    #[test]
    fn headers_with_underscores_are_not_signed() {
        let body = b"{}";
        let with = request(body).with_header("X_Trace_Id", "one");
        let other = request(body).with_header("X_Trace_Id", "two");
        let (signed, parsed) = sign_and_parse(&with);
        assert!(!signed.canonical_request.contains("trace"));
        assert!(!parsed.signed_headers.iter().any(|name| name.contains('_')));
        assert_eq!(signed, sign(&other, AK, SK).expect("signs"));
    }

    #[test]
    fn sign_produces_the_authorization_header() {
        let (signed, parsed) = sign_and_parse(&request(b"{}"));
        assert_eq!(
            signed.signed_headers,
            ["content-type", "host", "x-project-id", "x-sdk-date"]
        );
        assert_eq!(
            signed.authorization,
            format!(
                "SDK-HMAC-SHA256 Access={AK}, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature={}",
                signed.signature
            )
        );
        assert!(
            signed
                .string_to_sign
                .starts_with("SDK-HMAC-SHA256\n20240102T030405Z\n")
        );
        assert_eq!(parsed.access_key, AK);
        assert_eq!(parsed.signed_headers, signed.signed_headers);
        assert_eq!(parsed.signature, signed.signature);
    }

    #[test]
    fn sign_refuses_incomplete_requests() {
        let no_host = RequestView::new("GET", "/").with_header("X-Sdk-Date", DATE);
        assert_eq!(
            sign(&no_host, AK, SK),
            Err(SignatureError::MissingHeader { name: "Host" })
        );
        let no_date = RequestView::new("GET", "/").with_header("Host", "h");
        assert_eq!(
            sign(&no_date, AK, SK),
            Err(SignatureError::MissingHeader { name: "X-Sdk-Date" })
        );
        let bad_date = no_date
            .clone()
            .with_header("X-Sdk-Date", "2024-01-02T03:04:05Z");
        assert!(matches!(
            sign(&bad_date, AK, SK),
            Err(SignatureError::InvalidSdkDate { .. })
        ));
        let twice = request(b"").with_header("host", "other");
        assert_eq!(
            sign(&twice, AK, SK),
            Err(SignatureError::DuplicateHeader {
                name: "host".to_owned(),
                count: 2
            })
        );
        let already = request(b"").with_header("authorization", "x");
        assert_eq!(sign(&already, AK, SK), Err(SignatureError::AlreadySigned));
    }

    #[test]
    fn sign_refuses_bad_credentials() {
        assert_eq!(
            sign(&request(b""), AK, b""),
            Err(SignatureError::EmptySecretKey)
        );
        for access_key in ["", "AK, Signature=x", "A K", "AK\n"] {
            assert!(matches!(
                sign(&request(b""), access_key, SK),
                Err(SignatureError::InvalidAccessKey { .. })
            ));
        }
    }

    #[test]
    fn parse_authorization_accepts_extra_whitespace() {
        let signature = "a".repeat(64);
        let parsed = parse_authorization(&format!(
            "  SDK-HMAC-SHA256   Access=AK ,SignedHeaders=host;x-sdk-date,  Signature={signature} "
        ))
        .expect("parses");
        assert_eq!(
            parsed,
            ParsedAuthorization {
                access_key: "AK".to_owned(),
                signed_headers: vec!["host".to_owned(), "x-sdk-date".to_owned()],
                signature,
            }
        );
    }

    #[test]
    fn parse_authorization_rejects_malformed_headers() {
        let signature = "0123456789abcdef".repeat(4);
        let good = format!(
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={signature}"
        );
        assert!(parse_authorization(&good).is_ok());

        let unsupported = [
            String::new(),
            "Bearer abc".to_owned(),
            "SDK-HMAC-SM3 Access=AK".to_owned(),
            "sdk-hmac-sha256 Access=AK".to_owned(),
            good.replace("SDK-HMAC-SHA256 ", "SDK-HMAC-SHA256,"),
        ];
        for header in unsupported {
            assert!(
                matches!(
                    parse_authorization(&header),
                    Err(SignatureError::UnsupportedAlgorithm { .. })
                ),
                "{header:?}"
            );
        }

        let malformed = [
            "SDK-HMAC-SHA256".to_owned(),
            "SDK-HMAC-SHA256 ".to_owned(),
            good.replace("Access=AK, ", ""),
            good.replace("SignedHeaders=host;x-sdk-date, ", ""),
            good.replace(&format!(", Signature={signature}"), ""),
            good.replace("Access=AK", "Access="),
            good.replace("Access=AK", "Access=AK, Access=AK2"),
            good.replace("Access=AK", "Access=AK, Region=x"),
            good.replace("Access=AK", "AccessAK"),
            good.replace(", Signature=", ", Signature "),
            good.replace(", Signature", ",, Signature"),
            good.replace("host;x-sdk-date", "host;;x-sdk-date"),
            good.replace("host;x-sdk-date", ""),
            good.replace("host;x-sdk-date", "host;x-sdk-date;Host"),
            good.replace(&signature, &signature[..63]),
            good.replace(&signature, &format!("{signature}0")),
            good.replace(&signature, &"g".repeat(64)),
            good.replace(&signature, ""),
        ];
        for header in malformed {
            let error = parse_authorization(&header).expect_err(&header);
            assert!(
                matches!(
                    error,
                    SignatureError::MalformedAuthorization { .. }
                        | SignatureError::InvalidAccessKey { .. }
                ),
                "{header:?}: {error:?}"
            );
            assert!(!error.to_string().contains(&signature[..40]), "{error}");
        }
    }

    #[test]
    fn verify_accepts_what_sign_produced() {
        let body = b"{\"graph\":1}";
        let sent = request(body).with_query("limit", "10");
        let (signed, parsed) = sign_and_parse(&sent);
        assert_eq!(
            verify(&received(&sent, &signed.authorization), &parsed, SK),
            Ok(())
        );
    }

    #[test]
    fn verify_rejects_a_wrong_sk() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        let error = verify(
            &received(&sent, &signed.authorization),
            &parsed,
            b"WrongSecretKey",
        )
        .expect_err("wrong SK");
        assert!(matches!(error, SignatureError::SignatureMismatch { .. }));
        let message = error.to_string();
        assert!(message.contains(AK), "{message}");
        assert!(message.contains(&signed.string_to_sign.escape_debug().to_string()));
        assert!(!message.contains(&signed.signature), "{message}");
        assert!(!message.contains("ExampleSecretKey"), "{message}");
        assert!(!message.contains("WrongSecretKey"), "{message}");
    }

    #[test]
    fn verify_rejects_a_tampered_body() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        let tampered = received(&sent, &signed.authorization).with_body(b"{\"x\":1}");
        assert!(matches!(
            verify(&tampered, &parsed, SK),
            Err(SignatureError::SignatureMismatch { .. })
        ));
        let emptied = received(&sent, &signed.authorization).with_body(b"");
        assert!(verify(&emptied, &parsed, SK).is_err());
    }

    #[test]
    fn verify_rejects_a_tampered_path_method_or_query() {
        let sent = request(b"{}").with_query("limit", "10");
        let (signed, parsed) = sign_and_parse(&sent);
        let base = received(&sent, &signed.authorization);

        let mut path = base.clone();
        path.path = "/v2/0123456789abcdef0123456789abcdef/graphs/g2/stop";
        let mut method = base.clone();
        method.method = "PUT";
        let mut query = base.clone();
        query.query = vec![("limit", "11")];
        let mut no_query = base.clone();
        no_query.query.clear();
        for tampered in [path, method, query, no_query] {
            assert!(
                matches!(
                    verify(&tampered, &parsed, SK),
                    Err(SignatureError::SignatureMismatch { .. })
                ),
                "{tampered:?}"
            );
        }
        // The method is compared upper-cased, as the SDK writes it.
        let mut lower = base;
        lower.method = "post";
        assert_eq!(verify(&lower, &parsed, SK), Ok(()));
    }

    #[test]
    fn verify_rejects_a_changed_signed_header() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        let mut changed = received(&sent, &signed.authorization);
        for header in &mut changed.headers {
            if header.0 == "X-Project-Id" {
                header.1 = "ffffffffffffffffffffffffffffffff";
            }
        }
        assert!(matches!(
            verify(&changed, &parsed, SK),
            Err(SignatureError::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn verify_allows_changes_to_unsigned_headers() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        // Headers added on the way (proxies, the HTTP stack) are not in SignedHeaders.
        let received = received(&sent, &signed.authorization)
            .with_header("X-Forwarded-For", "10.0.0.1")
            .with_header("Content-Length", "2")
            .with_header("X_Trace_Id", "t");
        assert_eq!(verify(&received, &parsed, SK), Ok(()));
    }

    #[test]
    fn verify_rejects_a_missing_signed_header() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        let mut missing = received(&sent, &signed.authorization);
        missing.headers.retain(|(name, _)| *name != "X-Project-Id");
        assert_eq!(
            verify(&missing, &parsed, SK),
            Err(SignatureError::MissingSignedHeader {
                name: "x-project-id".to_owned()
            })
        );
        let mut no_date = received(&sent, &signed.authorization);
        no_date.headers.retain(|(name, _)| *name != "X-Sdk-Date");
        assert_eq!(
            verify(&no_date, &parsed, SK),
            Err(SignatureError::MissingSignedHeader {
                name: "x-sdk-date".to_owned()
            })
        );
    }

    #[test]
    fn verify_rejects_a_duplicated_signed_header() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        let doubled = received(&sent, &signed.authorization).with_header("host", "evil");
        assert!(matches!(
            verify(&doubled, &parsed, SK),
            Err(SignatureError::DuplicateHeader { .. })
        ));
    }

    #[test]
    fn verify_requires_a_signed_well_formed_date() {
        let sent = request(b"{}");
        let mut parsed = sign_and_parse(&sent).1;
        parsed.signed_headers.retain(|name| name != "x-sdk-date");
        assert!(matches!(
            verify(&sent, &parsed, SK),
            Err(SignatureError::SdkDateNotSigned { .. })
        ));

        let bad_date = RequestView::new("GET", "/")
            .with_header("Host", "h")
            .with_header("X-Sdk-Date", "20240102T030405");
        let parsed = ParsedAuthorization {
            access_key: AK.to_owned(),
            signed_headers: vec!["host".to_owned(), "x-sdk-date".to_owned()],
            signature: "0".repeat(64),
        };
        assert!(matches!(
            verify(&bad_date, &parsed, SK),
            Err(SignatureError::InvalidSdkDate { .. })
        ));
    }

    #[test]
    fn verify_rejects_an_empty_sk() {
        let sent = request(b"{}");
        let (_, parsed) = sign_and_parse(&sent);
        assert_eq!(
            verify(&sent, &parsed, b""),
            Err(SignatureError::EmptySecretKey)
        );
    }

    #[test]
    fn unsigned_payload_declaration_replaces_the_body_hash() {
        let sent = request(b"binary")
            .with_header("Content-Type", "application/octet-stream")
            .with_header("X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD);
        let mut sent = sent;
        sent.headers
            .retain(|header| *header != ("Content-Type", "application/json"));
        let (signed, parsed) = sign_and_parse(&sent);
        assert!(signed.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        // The body is out of the signature by the client's (signed) choice.
        let other_body = received(&sent, &signed.authorization).with_body(b"other");
        assert_eq!(verify(&other_body, &parsed, SK), Ok(()));
    }

    #[test]
    fn declared_body_hash_must_match_the_body() {
        let body = b"{}";
        let real = hex::encode(Sha256::digest(body));
        let honest = request(body).with_header("X-Sdk-Content-Sha256", &real);
        let (signed, parsed) = sign_and_parse(&honest);
        assert_eq!(
            verify(&received(&honest, &signed.authorization), &parsed, SK),
            Ok(())
        );

        let lying = request(b"{\"evil\":1}").with_header("X-Sdk-Content-Sha256", &real);
        let (signed, parsed) = sign_and_parse(&lying);
        assert_eq!(
            verify(&received(&lying, &signed.authorization), &parsed, SK),
            Err(SignatureError::BodyHashMismatch)
        );
    }

    #[test]
    fn an_unsigned_body_hash_declaration_is_ignored() {
        let sent = request(b"{}");
        let (signed, parsed) = sign_and_parse(&sent);
        // Added after signing, so not in SignedHeaders: the body is still checked.
        let forged = received(&sent, &signed.authorization)
            .with_header("X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD)
            .with_body(b"{\"evil\":1}");
        assert!(matches!(
            verify(&forged, &parsed, SK),
            Err(SignatureError::SignatureMismatch { .. })
        ));
    }

    #[test]
    fn matches_the_python_sdk_on_edge_cases() {
        // huaweicloudsdkcore 3.1.x `Signer.sign` on: PUT https://127.0.0.1:18080
        // /v2/p/a%2Fb//graph%20x/%7E, query [("z","1"),("a","b c"),("a","*"),("ü","é+")],
        // headers Content-Type: application/octet-stream (so the SDK adds
        // X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD), X-Sdk-Date, X_Trace_Id: t,
        // X-Custom: "  padded\t", body b"\x00\x01binary". It sent the query
        // `a=%2A&a=b%20c&z=1&%C3%BC=%C3%A9%2B` and this Authorization.
        let expected = "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000000, \
            SignedHeaders=content-type;host;x-custom;x-sdk-content-sha256;x-sdk-date, \
            Signature=adbbfce024b6bbd476ca6fc1a2ed19df08057ad272d4688c436e4c8f894ff471";
        let sent = RequestView::new("put", "/v2/p/a%2Fb//graph%20x/%7E")
            .with_query("z", "1")
            .with_query("a", "b c")
            .with_query("a", "*")
            .with_query("ü", "é+")
            .with_header("Content-Type", "application/octet-stream")
            .with_header("X-Sdk-Date", DATE)
            .with_header("X_Trace_Id", "t")
            .with_header("X-Custom", "  padded\t")
            .with_header("X-Sdk-Content-Sha256", UNSIGNED_PAYLOAD)
            .with_header("Host", "127.0.0.1:18080")
            .with_body(b"\x00\x01binary");
        assert_eq!(
            canonical_query(&sent.query),
            "a=%2A&a=b%20c&z=1&%C3%BC=%C3%A9%2B"
        );
        let (signed, parsed) = sign_and_parse(&sent);
        assert_eq!(signed.authorization, expected);
        assert_eq!(verify(&received(&sent, expected), &parsed, SK), Ok(()));
    }

    #[test]
    fn sdk_date_formats_and_parses() {
        let date = SdkDate::from_datetime(datetime!(2024-01-02 03:04:05.999 UTC));
        assert_eq!(date.to_string(), DATE);
        assert_eq!(SdkDate::parse(DATE), Ok(date));
        assert_eq!(DATE.parse::<SdkDate>(), Ok(date));
        assert_eq!(date.to_datetime(), datetime!(2024-01-02 03:04:05 UTC));
        // Other offsets are converted to UTC.
        let shifted = SdkDate::from(datetime!(2024-01-02 11:04:05 +08:00));
        assert_eq!(shifted, date);
        assert_eq!(SdkDate::now().to_string().len(), 16);
    }

    #[test]
    fn sdk_date_parsing_is_strict() {
        for value in [
            "",
            "2024-01-02T03:04:05Z",
            "20240102T030405",
            "20240102t030405z",
            "20240102T030405+0000",
            "+0240102T030405Z",
            "20241302T030405Z",
            "20240230T030405Z",
            "20240102T250405Z",
            "20240102T030460Z",
            " 20240102T030405Z",
            "２0240102T030405Z",
        ] {
            assert!(
                matches!(
                    SdkDate::parse(value),
                    Err(SignatureError::InvalidSdkDate { .. })
                ),
                "{value:?}"
            );
        }
    }

    #[test]
    fn sdk_date_skew() {
        let date = SdkDate::parse(DATE).expect("parses");
        assert_eq!(
            date.skew(datetime!(2024-01-02 03:00:05 UTC)),
            Duration::minutes(4)
        );
        assert_eq!(
            date.skew(datetime!(2024-01-02 03:20:05 UTC)),
            Duration::minutes(-16)
        );
        assert!(SdkDate::now().skew_from_now().abs() < Duration::seconds(5));
    }

    #[test]
    fn debug_output_hides_credentials() {
        let token = "SECRET-SECURITY-TOKEN";
        let sent = request(b"{}").with_header("X-Security-Token", token);
        let (signed, parsed) = sign_and_parse(&sent);
        let received = received(&sent, &signed.authorization);
        for debug in [
            format!("{signed:?}"),
            format!("{parsed:?}"),
            format!("{received:?}"),
        ] {
            assert!(!debug.contains(token), "{debug}");
            assert!(!debug.contains(&signed.signature), "{debug}");
        }
        assert!(signed.canonical_request.contains(token));
    }

    #[test]
    fn error_excerpts_are_short() {
        let long = "x".repeat(500);
        let error = SdkDate::parse(&long).expect_err("invalid");
        assert!(error.to_string().len() < 150, "{error}");
        let error = parse_authorization(&format!("{long} Access=AK")).expect_err("invalid");
        assert!(error.to_string().len() < 200, "{error}");
    }
}
