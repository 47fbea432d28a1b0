//! The signer and verifier, step by step and end to end.

use sha2::{Digest, Sha256};
use time::Duration;
use time::macros::datetime;

use super::*;

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
        format!("GET\n/\n\nhost:h:8080\nx-sdk-date:{DATE}\n\nhost;x-sdk-date\n{EMPTY_BODY_SHA256}")
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
    let good =
        format!("SDK-HMAC-SHA256 Access=AK, SignedHeaders=host;x-sdk-date, Signature={signature}");
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

#[test]
fn an_unsupported_scheme_is_named_only_when_it_reads_as_one() {
    let shown = |header: &str| {
        parse_authorization(header)
            .expect_err("unsupported")
            .to_string()
    };
    assert!(
        shown("Bearer abc").contains("scheme `Bearer`"),
        "{}",
        shown("Bearer abc")
    );
    assert!(shown("AWS4-HMAC-SHA256 Credential=x").contains("`AWS4-HMAC-SHA256`"));
    assert!(shown("").contains("the value is empty"), "{}", shown(""));
    // Found by the signature fuzz target: a value without a scheme, 33 characters with a
    // hex run, whose 32-character excerpt and its "..." spelled the whole value.
    let value = "9b33efeadbf67df8d4.myhuaweicloud.";
    let message = shown(value);
    assert!(!message.contains("9b33efeadbf67df8d4"), "{message}");
    assert!(message.contains("of 33 characters"), "{message}");
    // A signature pasted without its scheme, or a hex token that starts with a letter.
    for header in [
        "0123456789abcdef".repeat(4),
        "deadbeefdeadbeef00".to_owned(),
    ] {
        let message = shown(&format!("{header} Access=AK"));
        assert!(!message.contains(&header[..16]), "{message}");
    }
    assert!(matches!(
        parse_authorization("Bearer abc"),
        Err(SignatureError::UnsupportedAlgorithm { found: Scheme::Named(name) }) if name == "Bearer"
    ));
}
