//! The facts the generator writes (`codegen/tests/specs/facts.yaml`): what callers used
//! to copy by hand into macros and matches.

use bytes::Bytes;
use ges_api::runtime::{
    DecodeError, ExposeSecret, HeaderMap, Operation, OperationResponse, ProjectScoped, RawResponse,
    Refusable, SensitiveString, StatusCode,
};
use ges_codegen_snapshots::facts::*;

fn answer(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        request_id: Some("rid".to_owned()),
        body: Bytes::from(body.to_owned()),
    }
}

fn project_of<R: ProjectScoped>(request: &R) -> &str {
    request.project_id().as_ref()
}

#[test]
fn requests_with_a_project_in_the_path_say_which() {
    let open = OpenSessionRequest {
        project_id: "p1".parse().unwrap(),
    };
    let id: &ProjectId = open.project_id();
    assert_eq!(id.as_str(), "p1");
    assert_eq!(project_of(&open), "p1");
    let count = CountSessionsRequest {
        project_id: "p2".to_owned(),
        state: State::Open,
    };
    assert_eq!(project_of(&count), "p2");
}

#[test]
fn refusals_are_built_from_a_status_code() {
    let body = String {
        message: Some("no".to_owned()),
    };
    let refused = OpenSessionResponse::refusal(StatusCode::CONFLICT, body.clone()).unwrap();
    assert_eq!(refused, OpenSessionResponse::Conflict(body.clone()));
    assert_eq!(refused.status(), 409);
    // Undocumented for the operation, or not a refusal at all.
    assert!(OpenSessionResponse::refusal(StatusCode::NOT_FOUND, body.clone()).is_none());
    assert!(OpenSessionResponse::refusal(StatusCode::OK, body.clone()).is_none());
    assert!(CountSessionsResponse::refusal(StatusCode::NOT_FOUND, body).is_some());
}

#[test]
fn enum_values_have_their_words() {
    assert_eq!(State::Closed.description(), Some("closed by its owner"));
    assert_eq!(State::from("lost").description(), Some("lost to a timeout"));
    assert_eq!(State::Unknown("new".to_owned()).description(), None);
}

fn session_headers(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("x-session-token", token.parse().unwrap());
    headers.insert("x-rate-remaining", "7".parse().unwrap());
    headers
}

#[test]
fn response_headers_are_typed_fields_and_sensitive_ones_stay_hidden() {
    let raw = answer(201, r#"{"id": "s1", "state": "open"}"#);
    let decoded =
        OpenSessionRequest::decode_with_headers(&raw, &session_headers("MIIsecret")).unwrap();
    let OpenSessionResponse::Created {
        body,
        x_session_token,
        x_rate_remaining,
    } = &decoded
    else {
        panic!("{decoded:?}")
    };
    assert_eq!(body.id, "s1");
    assert_eq!(x_session_token.expose_secret(), "MIIsecret");
    assert_eq!(*x_rate_remaining, Some(7));
    assert!(!format!("{decoded:?}").contains("MIIsecret"), "{decoded:?}");

    // A server renders them back, the sensitive one marked so.
    let headers = decoded.headers().unwrap();
    assert_eq!(headers["x-session-token"], "MIIsecret");
    assert!(headers["x-session-token"].is_sensitive());
    assert_eq!(headers["x-rate-remaining"], "7");
    assert!(!headers["x-rate-remaining"].is_sensitive());
}

#[test]
fn a_missing_or_wrong_header_is_a_decode_error_that_does_not_show_it() {
    let raw = answer(201, r#"{"id": "s1"}"#);
    // `decode` sees no headers, so a required one is missing.
    let error = OpenSessionRequest::decode(&raw).unwrap_err();
    assert!(
        matches!(
            error,
            DecodeError::MissingHeader {
                header: "X-Session-Token",
                ..
            }
        ),
        "{error:?}"
    );
    let mut headers = session_headers("MIIsecret");
    headers.insert("x-rate-remaining", "many".parse().unwrap());
    let error = OpenSessionRequest::decode_with_headers(&raw, &headers).unwrap_err();
    assert!(
        matches!(
            error,
            DecodeError::InvalidHeader {
                header: "X-Rate-Remaining",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("MIIsecret"), "{error}");

    let no_content = OpenSessionRequest::decode_with_headers(&answer(204, ""), &{
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "30".parse().unwrap());
        headers
    })
    .unwrap();
    assert_eq!(
        no_content,
        OpenSessionResponse::NoContent { retry_after: 30 }
    );
}

#[test]
fn an_operation_without_headers_decodes_either_way() {
    let raw = answer(200, r#"{"count": 3}"#);
    let plain = CountSessionsRequest::decode(&raw).unwrap();
    let with = CountSessionsRequest::decode_with_headers(&raw, &HeaderMap::new()).unwrap();
    assert_eq!(plain, with);
    assert_eq!(plain.into_result().unwrap(), Result { count: 3 });
    let _ = SensitiveString::from("unused");
}
