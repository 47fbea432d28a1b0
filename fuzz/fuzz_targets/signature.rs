//! SDK-HMAC-SHA256 as the simulator checks it (`simulator/src/auth.rs`):
//! `signing::parse_authorization` on the `Authorization` value, `signing::decode_query`
//! on the wire query, then `signing::verify` with the access key's SK.
//!
//! The input is a request as text (see `Request::parse`). Beyond "no panic":
//! - a parsed header obeys what `parse_authorization` promises (access key, 64 hex
//!   digits, distinct non-empty signed header names);
//! - parse and verify errors are at most 2 KiB and never repeat the signature or the
//!   whole `Authorization` value;
//! - round trip: when `signing::sign` signs the request (without its `Authorization`),
//!   the server side (the canonical query decoded back, the header parsed) verifies it.
#![no_main]

use ges_api::signing::{self, ParsedAuthorization, RequestView, SignatureError};
use ges_stop_fuzz::{assert_bounded, contains};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

/// Every message is fixed text plus excerpts of 32 (a signed-header list: 128)
/// characters, the access key (at most 128 characters) and a string to sign of fixed
/// shape: well under 2 KiB even with every character escaped as `\u{...}`.
const MESSAGE_LIMIT: usize = 2048;

/// The SK of `api/tests/data/signing-vectors.json`, so that the seeds verify.
const DEFAULT_SK: &[u8] = b"ExampleSecretKey0000000000000000000000000";
/// The AK of the vectors, for signing requests that carry none.
const DEFAULT_AK: &str = "HPUAEXAMPLEAK0000000";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let request = Request::parse(text);

    let query = match request.raw_query {
        Some(raw) => match signing::decode_query(raw) {
            Ok(pairs) => pairs,
            Err(error) => {
                check_error("decode_query", &error, &request, None);
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let view = RequestView {
        method: request.method,
        path: request.path,
        query: query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        headers: request.headers.clone(),
        body: request.body,
    };

    // The server's side, on whatever Authorization the input carries.
    let authorizations: Vec<&str> = request
        .headers
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, value)| *value)
        .collect();
    let mut access_key = None;
    for authorization in &authorizations {
        match signing::parse_authorization(authorization) {
            Ok(parsed) => {
                check_parsed(&parsed);
                if let Err(error) = signing::verify(&view, &parsed, request.secret_key) {
                    check_error("verify", &error, &request, Some(&parsed));
                }
                access_key = Some(parsed.access_key);
            }
            Err(error) => check_error("parse_authorization", &error, &request, None),
        }
    }

    round_trip(
        &request,
        &query,
        access_key.as_deref().unwrap_or(DEFAULT_AK),
    );
});

/// Signs the request as a client would, then checks it as the simulator would.
fn round_trip(request: &Request<'_>, query: &[(String, String)], access_key: &str) {
    // Only what HTTP can carry: token method and header names, visible-ASCII values
    // (the simulator drops other values before verifying).
    if http::Method::from_bytes(request.method.as_bytes()).is_err() {
        return;
    }
    let mut headers = Vec::new();
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        if http::HeaderName::from_bytes(name.as_bytes()).is_err()
            || http::HeaderValue::from_str(value)
                .ok()
                .and_then(|v| v.to_str().ok().map(str::len))
                != Some(value.len())
        {
            return;
        }
        headers.push((*name, *value));
    }
    let client_view = RequestView {
        method: request.method,
        path: request.path,
        query: query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect(),
        headers,
        body: request.body,
    };
    let Ok(signed) = signing::sign(&client_view, access_key, request.secret_key) else {
        return;
    };

    // The server decodes the query the client sent (the canonical one) back into pairs.
    let wire_query = signing::canonical_query(&client_view.query);
    let decoded = signing::decode_query(&wire_query).unwrap_or_else(|error| {
        panic!("the canonical query {wire_query:?} does not decode: {error}")
    });
    let mut sorted: Vec<(&str, &str)> = client_view.query.clone();
    sorted.sort_unstable();
    let decoded_refs: Vec<(&str, &str)> = decoded
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        decoded_refs, sorted,
        "decode_query(canonical_query(q)) is not q"
    );

    let parsed = signing::parse_authorization(&signed.authorization).unwrap_or_else(|error| {
        panic!("sign() wrote an Authorization that does not parse: {error}")
    });
    assert_eq!(parsed.access_key, access_key);
    assert_eq!(parsed.signed_headers, signed.signed_headers);
    assert_eq!(parsed.signature, signed.signature);

    let mut server_view = client_view.clone();
    server_view.query = decoded_refs;
    server_view
        .headers
        .push(("Authorization", &signed.authorization));
    let verified = signing::verify(&server_view, &parsed, request.secret_key);
    // A signed X-Sdk-Content-Sha256 that is neither the body's hash nor UNSIGNED-PAYLOAD
    // signs, but the server rightly refuses it: the body changed after signing.
    let declared_hash_lies = !request.body.is_empty()
        && client_view
            .header(signing::HEADER_CONTENT_SHA256)
            .ok()
            .flatten()
            .is_some_and(|declared| {
                let declared = declared.trim();
                declared != signing::UNSIGNED_PAYLOAD
                    && !declared.eq_ignore_ascii_case(&hex::encode(Sha256::digest(request.body)))
            });
    match verified {
        Ok(()) => {}
        Err(SignatureError::BodyHashMismatch) if declared_hash_lies => {}
        Err(error) => panic!("a request sign() signed does not verify: {error}"),
    }
}

/// What `parse_authorization` promises of a header it accepts.
fn check_parsed(parsed: &ParsedAuthorization) {
    let ak = &parsed.access_key;
    assert!(
        !ak.is_empty() && ak.chars().count() <= 128,
        "access key {ak:?}"
    );
    assert!(
        !ak.chars()
            .any(|c| c == ',' || c.is_whitespace() || c.is_control()),
        "access key {ak:?}"
    );
    assert_eq!(parsed.signature.len(), 64);
    assert!(parsed.signature.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(!parsed.signed_headers.is_empty());
    for (index, name) in parsed.signed_headers.iter().enumerate() {
        assert!(!name.is_empty());
        assert!(
            !parsed.signed_headers[..index]
                .iter()
                .any(|seen| seen.eq_ignore_ascii_case(name)),
            "{name:?} listed twice"
        );
    }
    // Debug must not show the signature (unless it is also the access key or a name).
    let debug = format!("{parsed:?}");
    let shown_as_other_field = ak.contains(&parsed.signature)
        || parsed
            .signed_headers
            .iter()
            .any(|n| n.contains(&parsed.signature));
    assert!(
        shown_as_other_field || !contains(&debug, &parsed.signature),
        "Debug shows the signature"
    );
}

/// Errors are bounded and never repeat the signature or the whole Authorization value.
fn check_error(
    what: &str,
    error: &SignatureError,
    request: &Request<'_>,
    parsed: Option<&ParsedAuthorization>,
) {
    let message = error.to_string();
    assert_bounded(what, &message, MESSAGE_LIMIT);
    let debug = format!("{error:?}");
    for (name, value) in &request.headers {
        if !name.eq_ignore_ascii_case("authorization") {
            continue;
        }
        let value = value.trim();
        // Only secret-looking text counts: a run of 16 hex digits is in no fixed part of
        // a message (which quotes the expected format, `Signature=...`, at length), and
        // the scheme alone is echoed in a 32-character excerpt on purpose.
        if value.chars().count() > 32 && has_hex_run(value) {
            assert!(
                !contains(&message, value) && !contains(&debug, value),
                "{what} error repeats the Authorization header: {message:?}"
            );
        }
        if let Some(signature) = signature_field(value) {
            // What else a message may repeat in full: the access key, and the signed
            // header names (a mismatch lists them). A signature that is also one of
            // those is no leak.
            let echoed_elsewhere = parsed.is_some_and(|parsed| {
                parsed.access_key.contains(signature)
                    || parsed.signed_headers.iter().any(|n| n.contains(signature))
            });
            if signature.chars().count() > 32 && has_hex_run(signature) && !echoed_elsewhere {
                assert!(
                    !contains(&message, signature) && !contains(&debug, signature),
                    "{what} error repeats the signature: {message:?}"
                );
            }
        }
    }
}

/// Whether `text` has 16 hex digits in a row, as a signature does.
fn has_hex_run(text: &str) -> bool {
    let mut run = 0;
    text.bytes().any(|byte| {
        run = if byte.is_ascii_hexdigit() { run + 1 } else { 0 };
        run >= 16
    })
}

/// The value of a `Signature=` field, as `parse_authorization` would read it.
fn signature_field(authorization: &str) -> Option<&str> {
    authorization
        .split(',')
        .filter_map(|field| field.split_once('='))
        .find(|(name, _)| name.trim() == "Signature" || name.trim().ends_with(" Signature"))
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// A request as text:
///
/// ```text
/// [SK <secret key>\n]
/// METHOD PATH[?QUERY]\n
/// Name: value\n        (any number)
/// \n
/// body
/// ```
///
/// Lenient: whatever is missing is empty, so every input is some request.
struct Request<'a> {
    secret_key: &'a [u8],
    method: &'a str,
    path: &'a str,
    raw_query: Option<&'a str>,
    headers: Vec<(&'a str, &'a str)>,
    body: &'a [u8],
}

impl<'a> Request<'a> {
    fn parse(text: &'a str) -> Self {
        let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
        let mut lines = head.split('\n');
        let mut first = lines.next().unwrap_or("");
        let mut secret_key = DEFAULT_SK;
        if let Some(sk) = first.strip_prefix("SK ") {
            secret_key = sk.as_bytes();
            first = lines.next().unwrap_or("");
        }
        let (method, target) = first.split_once(' ').unwrap_or((first, "/"));
        let (path, raw_query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (target, None),
        };
        let headers = lines
            .map(|line| {
                let (name, value) = line.split_once(':').unwrap_or((line, ""));
                (name, value.strip_prefix(' ').unwrap_or(value))
            })
            .collect();
        Self {
            secret_key,
            method,
            path,
            raw_query,
            headers,
            body: body.as_bytes(),
        }
    }
}
