//! Every request in `data/signing-vectors.json`, signed by the official Python SDK
//! (huaweicloudsdkcore), must come out of our signer byte for byte, and our verifier must
//! accept the SDK's `Authorization` header for it.

use ges_api::signing::{
    self, ParsedAuthorization, RequestView, SdkDate, parse_authorization, sign, verify,
};
use serde_json::Value;

const VECTORS: &str = include_str!("data/signing-vectors.json");

fn text<'a>(vector: &'a Value, field: &str) -> &'a str {
    vector[field]
        .as_str()
        .unwrap_or_else(|| panic!("`{field}` is a string in {}", vector["name"]))
}

/// The headers as (name, value) pairs, in the file's order.
fn headers(object: &Value) -> Vec<(&str, &str)> {
    object
        .as_object()
        .expect("headers are an object")
        .iter()
        .map(|(name, value)| {
            (
                name.as_str(),
                value.as_str().expect("header values are strings"),
            )
        })
        .collect()
}

/// Query values are strings or numbers in the file; the SDK signs `str(value)`.
fn query_params(vector: &Value) -> Vec<(String, String)> {
    vector["query_params"]
        .as_array()
        .expect("query_params is an array")
        .iter()
        .map(|pair| {
            let key = pair[0].as_str().expect("query keys are strings").to_owned();
            let value = match &pair[1] {
                Value::String(value) => value.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                other => panic!("unexpected query value {other}"),
            };
            (key, value)
        })
        .collect()
}

/// `Host` as the SDK derives it from the URL: the authority, port included.
fn host_of(full_url: &str) -> &str {
    let after_scheme = full_url.split_once("://").expect("absolute URL").1;
    after_scheme
        .split(['/', '?'])
        .next()
        .expect("split yields one part")
}

fn query_of(full_url: &str) -> &str {
    full_url.split_once('?').map_or("", |(_, query)| query)
}

#[test]
fn every_vector_signs_and_verifies_like_the_sdk() {
    let file: Value = serde_json::from_str(VECTORS).expect("vectors are JSON");
    let vectors = file["vectors"].as_array().expect("`vectors` is an array");
    let sdk_date = text(&file["constants"], "x_sdk_date");
    assert_eq!(
        text(&file["constants"], "empty_body_sha256"),
        signing::EMPTY_BODY_SHA256
    );

    let mut run = 0;
    for vector in vectors {
        let name = text(vector, "name");
        let kind = text(vector, "kind");
        let ak = text(vector, "ak");
        let sk = text(vector, "sk").as_bytes();
        let method = text(vector, "method");
        let path = text(vector, "resource_path");
        let full_url = text(vector, "full_url");
        let body = vector["body"].as_str().unwrap_or("").as_bytes();
        let query = query_params(vector);
        let output_headers = headers(&vector["output_headers"]);
        let sdk_authorization = text(vector, "authorization");

        // The headers the client sends, before Authorization is added.
        let sent_headers: Vec<(&str, &str)> = match kind {
            "signer" => {
                let mut sent = headers(&vector["input_headers"]);
                if let Some(token) = vector["security_token"].as_str() {
                    sent.push((signing::HEADER_SECURITY_TOKEN, token));
                }
                sent.push((signing::HEADER_HOST, host_of(full_url)));
                sent
            }
            "sdk_pipeline" => output_headers
                .iter()
                .copied()
                .filter(|(header, _)| !header.eq_ignore_ascii_case("Authorization"))
                .collect(),
            other => panic!("{name}: unknown vector kind `{other}`"),
        };
        let mut request = RequestView::new(method, path).with_body(body);
        request.query = query
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        request.headers = sent_headers;

        // The query the SDK put on the wire is the canonical one.
        assert_eq!(
            signing::canonical_query(&query),
            query_of(full_url),
            "{name}: wire query"
        );
        if let Some(body_sha256) = vector["body_sha256"].as_str() {
            let expected_tail = format!("\n{body_sha256}");
            assert!(
                text(vector, "canonical_request").ends_with(&expected_tail),
                "{name}: body hash"
            );
        }

        // Client side.
        let signed = sign(&request, ak, sk).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(
            signed.canonical_request,
            text(vector, "canonical_request"),
            "{name}: canonical request"
        );
        if let Some(hash) = vector["canonical_request_sha256"].as_str() {
            assert_eq!(
                signed.string_to_sign.rsplit('\n').next(),
                Some(hash),
                "{name}: canonical request hash"
            );
        }
        assert_eq!(
            signed.string_to_sign,
            text(vector, "string_to_sign"),
            "{name}: string to sign"
        );
        assert_eq!(
            signed.signed_headers.join(";"),
            text(vector, "signed_headers"),
            "{name}: signed headers"
        );
        assert_eq!(
            signed.signature,
            text(vector, "signature"),
            "{name}: signature"
        );
        assert_eq!(
            signed.authorization, sdk_authorization,
            "{name}: Authorization"
        );
        let output_authorization = output_headers
            .iter()
            .find(|(header, _)| *header == "Authorization")
            .map(|(_, value)| *value);
        assert_eq!(
            output_authorization,
            Some(sdk_authorization),
            "{name}: the file's two Authorization copies agree"
        );

        // The building blocks give the same answers on their own.
        let date = SdkDate::parse(sdk_date).expect("the file's date parses");
        assert_eq!(
            signing::string_to_sign(date, &signed.canonical_request),
            signed.string_to_sign
        );
        assert_eq!(
            signing::signature_hex(sk, &signed.string_to_sign).expect("signs"),
            signed.signature
        );

        // Server side: everything the SDK sent, Authorization included.
        let mut received = request.clone();
        received.headers = output_headers.clone();
        let parsed = parse_authorization(sdk_authorization)
            .unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(
            parsed,
            ParsedAuthorization {
                access_key: ak.to_owned(),
                signed_headers: text(vector, "signed_headers")
                    .split(';')
                    .map(str::to_owned)
                    .collect(),
                signature: text(vector, "signature").to_owned(),
            },
            "{name}: parsed Authorization"
        );
        assert_eq!(verify(&received, &parsed, sk), Ok(()), "{name}: verify");
        // Decoding the wire query gives the server the same view.
        let decoded = signing::decode_query(query_of(full_url)).expect("wire query decodes");
        received.query = decoded
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        assert_eq!(
            verify(&received, &parsed, sk),
            Ok(()),
            "{name}: verify with the decoded wire query"
        );
        assert!(
            verify(&received, &parsed, b"another secret key").is_err(),
            "{name}: verify with another SK"
        );

        run += 1;
    }
    assert_eq!(run, vectors.len());
    assert_eq!(run, 10, "the file holds ten vectors");
}
