//! The canonical request: the request as both sides describe it ([`RequestView`]), its
//! canonical URI, query and headers, and the body's hash.

use std::fmt;

use percent_encoding::{percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::error::SignatureError;
use super::error::excerpt;
use super::settings::{EMPTY_BODY_SHA256, HEADER_CONTENT_SHA256, join_names};
use crate::runtime::UNRESERVED;

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
pub(super) fn payload_hash<S: AsRef<str>>(
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

pub(super) fn is_signed<S: AsRef<str>>(signed_headers: &[S], name: &str) -> bool {
    signed_headers
        .iter()
        .any(|signed| signed.as_ref().eq_ignore_ascii_case(name))
}
