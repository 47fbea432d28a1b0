//! The code generated from `openapi/iam.yaml`: the same bytes on the wire as
//! function/src/iam.rs sends, and the answers simulator/src/iam.rs gives, decoded.

use bytes::Bytes;
use ges_api::runtime::{
    DecodeError, ExposeSecret, HeaderMap, Operation, OperationResponse, RawResponse,
    SensitiveString,
};
use ges_codegen_snapshots::iam::*;
use serde_json::json;

fn password_request() -> CreateTokenRequest {
    CreateTokenRequest {
        nocatalog: Some(true),
        body: TokenRequest {
            auth: Auth {
                identity: Identity {
                    methods: vec![IdentityMethod::Password],
                    password: Some(PasswordIdentity {
                        user: PasswordUser {
                            domain: DomainName {
                                name: "acme".to_owned(),
                            },
                            name: "ops".to_owned(),
                            password: SensitiveString::from("pw"),
                        },
                    }),
                    assume_role: None,
                },
                scope: Some(Scope {
                    project: Some(ProjectScope {
                        id: None,
                        name: Some("cn-north-4".to_owned()),
                    }),
                }),
            },
        },
    }
}

fn body_json<O: Operation>(request: &O) -> serde_json::Value {
    serde_json::from_slice(&request.body().unwrap().unwrap()).unwrap()
}

#[test]
fn token_requests_are_what_the_function_sends() {
    let request = password_request();
    assert_eq!(CreateTokenRequest::METHOD, http::Method::POST);
    assert_eq!(request.path(), "/v3/auth/tokens");
    assert_eq!(request.query(), [("nocatalog", "true".to_owned())]);
    assert_eq!(
        body_json(&request),
        json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "domain": {"name": "acme"}, "name": "ops", "password": "pw"}}},
            "scope": {"project": {"name": "cn-north-4"}}}})
    );
    // The password goes on the wire but never into Debug.
    let shown = format!("{request:?}");
    assert!(!shown.contains("\"pw\""), "{shown}");

    let agency = CreateTokenRequest {
        nocatalog: Some(true),
        body: TokenRequest {
            auth: Auth {
                identity: Identity {
                    methods: vec![IdentityMethod::AssumeRole],
                    password: None,
                    assume_role: Some(AssumeRole {
                        domain_name: "other".to_owned(),
                        agency_name: "ges-ops".to_owned(),
                    }),
                },
                scope: Some(Scope {
                    project: Some(ProjectScope {
                        id: Some("0123456789abcdef0123456789abcdef".to_owned()),
                        name: None,
                    }),
                }),
            },
        },
    };
    assert_eq!(
        body_json(&agency),
        json!({"auth": {
            "identity": {"methods": ["assume_role"],
                "assume_role": {"domain_name": "other", "agency_name": "ges-ops"}},
            "scope": {"project": {"id": "0123456789abcdef0123456789abcdef"}}}})
    );
}

/// The simulator's answer: 201, the token in `X-Subject-Token`, `token.expires_at`.
#[test]
fn an_issued_token_is_decoded_from_its_header_and_kept_hidden() {
    let raw = RawResponse {
        status: 201,
        request_id: None,
        body: Bytes::from(
            json!({"token": {
                "methods": ["password"],
                "issued_at": "2026-12-01T11:00:00.000Z",
                "expires_at": "2026-12-02T11:00:00.000Z",
                "project": {"id": "p1", "name": "cn-north-4", "domain": {"name": "simulated"}},
                "catalog": [],
            }})
            .to_string(),
        ),
    };
    let mut headers = HeaderMap::new();
    headers.insert("x-subject-token", "MIIsim00000001".parse().unwrap());
    let decoded = CreateTokenRequest::decode_with_headers(&raw, &headers).unwrap();
    let CreateTokenResponse::Created {
        body,
        x_subject_token,
    } = &decoded
    else {
        panic!("{decoded:?}")
    };
    assert_eq!(body.token.expires_at, "2026-12-02T11:00:00.000Z");
    assert_eq!(x_subject_token.expose_secret(), "MIIsim00000001");
    assert!(!format!("{decoded:?}").contains("MIIsim"), "{decoded:?}");
    // A server sends it back marked sensitive.
    let sent = decoded.headers().unwrap();
    assert!(sent["x-subject-token"].is_sensitive());

    // Without the header, the answer does not match the contract.
    let error = CreateTokenRequest::decode_with_headers(&raw, &HeaderMap::new()).unwrap_err();
    assert!(
        matches!(
            error,
            DecodeError::MissingHeader {
                header: "X-Subject-Token",
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn iam_refusals_keep_their_message() {
    let raw = RawResponse {
        status: 401,
        request_id: Some("trace-1".to_owned()),
        body: Bytes::from_static(
            br#"{"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}"#,
        ),
    };
    let decoded = CreateTokenRequest::decode_with_headers(&raw, &HeaderMap::new()).unwrap();
    let CreateTokenResponse::Unauthorized(error) = decoded else {
        panic!("{decoded:?}")
    };
    assert_eq!(
        error.error.and_then(|detail| detail.message).as_deref(),
        Some("The username or password is wrong.")
    );
}

#[test]
fn projects_are_listed_by_name() {
    let request = ListProjectsRequest {
        name: Some("cn-north-4".to_owned()),
    };
    assert_eq!(request.path(), "/v3/projects");
    assert_eq!(request.query(), [("name", "cn-north-4".to_owned())]);
    let raw = RawResponse {
        status: 200,
        request_id: None,
        body: Bytes::from(
            json!({"projects": [{"id": "p1", "name": "cn-north-4", "domain_id": "simulated",
                "enabled": true, "is_domain": false}]})
            .to_string(),
        ),
    };
    let ListProjectsResponse::Ok(list) = ListProjectsRequest::decode(&raw).unwrap() else {
        panic!()
    };
    assert_eq!(list.projects[0].id, "p1");
    assert_eq!(
        IdentityMethod::AssumeRole.description(),
        Some("an agency, assumed with the caller's signature")
    );
}

/// IAM's contract marks values `x-sensitive`, so its decoders quote none of its
/// answers: an answer of an unexpected shape or status is named by IAM, its status,
/// request id and field path, and nothing it held reaches the message or `Debug`.
#[test]
fn iam_answers_are_never_quoted_in_a_decode_error() {
    const PLANTED: &str = "MIIplantedTokenValue";
    for (status, body) in [
        (200, format!(r#"{{"token": "{PLANTED}"}}"#)),
        (
            201,
            format!(r#"{{"token": {{"expires_at": ["{PLANTED}"]}}}}"#),
        ),
        (202, format!(r#"{{"token": {{"id": "{PLANTED}"}}}}"#)),
        (200, format!(r#"{{"projects": [{{"id": "{PLANTED}"}}]}} x"#)),
    ] {
        let raw = RawResponse {
            status,
            request_id: Some("trace-7".to_owned()),
            body: Bytes::from(body.clone()),
        };
        let mut headers = HeaderMap::new();
        headers.insert("x-subject-token", "MIIheader".parse().unwrap());
        let error = CreateTokenRequest::decode_with_headers(&raw, &headers).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(PLANTED), "{shown}");
        assert!(
            shown.contains(&format!("IAM answered HTTP {status}")) && shown.contains("trace-7"),
            "{shown}"
        );
        assert_eq!(error.service(), "IAM");
        assert_eq!(error.body(), None);
    }
}
