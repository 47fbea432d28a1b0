//! The code generated from `codegen/tests/specs/features.yaml`, one test per feature.

use bytes::Bytes;
use ges_api::runtime::{DecodeError, Operation, OperationResponse, RawResponse};
use ges_codegen_snapshots::features::*;
use ges_codegen_snapshots::minimal::{EmptyObject, PingRequest, PingResponse};
use ges_codegen_snapshots::types_only::{Colour, Point};

fn answer(status: u16, body: &str) -> RawResponse {
    RawResponse {
        status,
        request_id: None,
        body: Bytes::from(body.to_owned()),
    }
}

fn thing() -> Thing {
    Thing {
        id: "t-1".parse().unwrap(),
        r#type: Kind::FancyThing,
        self_: Some("me".to_owned()),
        display_name: Some("Thing One".to_owned()),
        weight: 1.5,
        count32: Some(32),
        count64: None,
        total: Some(64),
        fragile: Some(true),
        tags: Some(vec!["a".to_owned()]),
        matrix: Some(vec![vec![1, 2], vec![]]),
        aliases: None,
        reason: Some(Reason::Obsolete),
    }
}

#[test]
fn path_parameters_are_one_segment_each() {
    let request = GetFileRequest {
        name: "../etc/pass wd?x=1#frag%2F".to_owned(),
        version: Kind::Unknown("v/2".to_owned()),
    };
    let path = request.path();
    assert_eq!(
        path,
        "/v1/files/..%2Fetc%2Fpass%20wd%3Fx%3D1%23frag%252F/v%2F2"
    );
    // Whatever the values, the path keeps the template's shape.
    assert_eq!(
        path.split('/').count(),
        GetFileRequest::PATH_TEMPLATE.split('/').count()
    );
    assert!(!path.contains(['?', '#', ' ']));
}

#[test]
fn numbers_in_paths_use_display() {
    let request = ListThingsRequest {
        shelf: -7,
        limit: None,
        kind: Kind::Plain,
        min_weight: None,
    };
    assert_eq!(request.path(), "/v1/shelves/-7/things");
}

#[test]
fn path_item_parameters_are_inherited() {
    let request = PutThingRequest {
        thing_id: "abc".parse().unwrap(),
        dry_run: false,
        x_request_id: None,
        body: thing(),
    };
    assert_eq!(request.path(), "/v1/things/abc");
    assert_eq!(PutThingRequest::METHOD, ges_api::runtime::Method::PUT);
}

#[test]
fn query_and_headers_render_in_spec_order_and_skip_absent_ones() {
    let mut request = DeleteThingRequest {
        thing_id: "abc".parse().unwrap(),
        reason: None,
        force: 1,
        x_trace: "trace-1".parse().unwrap(),
        if_match: "\"etag\"".to_owned(),
        body: None,
    };
    assert_eq!(request.query(), [("force", "1".to_owned())]);
    request.reason = Some(Reason::Duplicate);
    assert_eq!(
        request.query(),
        [("reason", "2".to_owned()), ("force", "1".to_owned())]
    );
    assert_eq!(
        request.headers(),
        [
            ("X-Trace", "trace-1".to_owned()),
            ("If-Match", "\"etag\"".to_owned())
        ]
    );
    let list = ListThingsRequest {
        shelf: 1,
        limit: Some(10),
        kind: Kind::VeryFancy,
        min_weight: Some(0.5),
    };
    assert_eq!(
        list.query(),
        [
            ("limit", "10".to_owned()),
            ("kind", "very_fancy".to_owned()),
            ("min_weight", "0.5".to_owned())
        ]
    );
}

#[test]
fn ignored_headers_are_not_fields() {
    // `Authorization` is in the spec but OpenAPI says to ignore it: only these remain.
    let request = PutThingRequest {
        thing_id: "abc".parse().unwrap(),
        dry_run: true,
        x_request_id: Some("r-1".to_owned()),
        body: thing(),
    };
    assert_eq!(request.query(), [("dryRun", "true".to_owned())]);
    assert_eq!(request.headers(), [("X-Request-Id", "r-1".to_owned())]);
}

#[test]
fn required_and_optional_bodies() {
    let put = PutThingRequest {
        thing_id: "abc".parse().unwrap(),
        dry_run: false,
        x_request_id: None,
        body: thing(),
    };
    let json: serde_json::Value = serde_json::from_slice(&put.body().unwrap().unwrap()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "id": "t-1",
            "type": "fancy-thing",
            "self": "me",
            "displayName": "Thing One",
            "weight": 1.5,
            "count32": 32,
            "total": 64,
            "fragile": true,
            "tags": ["a"],
            "matrix": [[1, 2], []],
            "reason": "1",
        })
    );
    let mut delete = DeleteThingRequest {
        thing_id: "abc".parse().unwrap(),
        reason: None,
        force: 0,
        x_trace: "t".parse().unwrap(),
        if_match: "*".to_owned(),
        body: None,
    };
    assert_eq!(delete.body().unwrap(), None);
    delete.body = Some(Note {
        text: "obsolete".to_owned(),
    });
    assert_eq!(delete.body().unwrap().unwrap(), br#"{"text":"obsolete"}"#);
}

#[test]
fn renamed_and_keyword_fields_round_trip() {
    let json = serde_json::to_string(&thing()).unwrap();
    assert_eq!(serde_json::from_str::<Thing>(&json).unwrap(), thing());
    let minimal: Thing =
        serde_json::from_str(r#"{"id": "abc", "type": "plain", "weight": 0}"#).unwrap();
    assert_eq!(minimal.r#type, Kind::Plain);
    assert_eq!(minimal.display_name, None);
    // `weight` is required.
    assert!(serde_json::from_str::<Thing>(r#"{"id": "abc", "type": "plain"}"#).is_err());
}

#[test]
fn validated_strings_check_every_rule() {
    assert!("ab".parse::<ThingId>().is_err(), "minLength");
    assert!("a".repeat(17).parse::<ThingId>().is_err(), "maxLength");
    assert!("ABC".parse::<ThingId>().is_err(), "pattern");
    assert!("abc".parse::<ThingId>().is_ok());
    // A length limit without a pattern.
    assert!("anything".parse::<Label>().is_ok());
    assert!("too long!".parse::<Label>().is_err());
    assert!(Label::RULES.pattern.is_none());
}

#[test]
fn enum_variants_come_from_values_or_varnames() {
    assert_eq!(Kind::from("fancy-thing"), Kind::FancyThing);
    assert_eq!(Reason::from("1"), Reason::Obsolete);
    assert_eq!(Reason::Gone.as_str(), "gone");
    assert_eq!(Reason::from("3"), Reason::Unknown("3".to_owned()));
    assert_eq!(
        serde_json::to_string(&Reason::Unknown("3".to_owned())).unwrap(),
        r#""3""#
    );
}

#[test]
fn aliases_are_plain_types() {
    let count: Count = 1_i64;
    let names: Names = vec!["a".to_owned()];
    let name: ThingName = "b".to_owned();
    assert_eq!((count, names.len(), name.as_str()), (1, 1, "b"));
}

#[test]
fn every_documented_status_decodes() {
    let stored = serde_json::to_string(&thing()).unwrap();
    assert_eq!(
        PutThingRequest::decode(&answer(200, &stored)).unwrap(),
        PutThingResponse::Ok(thing())
    );
    // A response without content does not look at the body.
    assert_eq!(
        PutThingRequest::decode(&answer(204, "ignored")).unwrap(),
        PutThingResponse::NoContent
    );
    assert_eq!(
        PutThingRequest::decode(&answer(299, r#"{"message": "odd"}"#)).unwrap(),
        PutThingResponse::Status299(Problem {
            message: Some("odd".to_owned())
        })
    );
    assert!(matches!(
        DeleteThingRequest::decode(&answer(404, "{}")).unwrap(),
        DeleteThingResponse::NotFound(Problem { message: None })
    ));
    assert_eq!(
        DeleteThingRequest::decode(&answer(202, "")).unwrap(),
        DeleteThingResponse::Accepted
    );
    let listed = ListThingsRequest::decode(&answer(200, &format!("[{stored}]"))).unwrap();
    assert_eq!(listed, ListThingsResponse::Ok(vec![thing()]));
    let error = DeleteThingRequest::decode(&answer(200, "{}")).unwrap_err();
    assert!(matches!(
        error,
        DecodeError::UnexpectedStatus { status: 200, .. }
    ));
}

#[test]
fn responses_render_status_and_body() {
    assert_eq!(PutThingResponse::NoContent.status(), 204);
    assert_eq!(PutThingResponse::NoContent.body().unwrap(), None);
    let odd = PutThingResponse::Status299(Problem { message: None });
    assert_eq!(odd.status(), 299);
    assert_eq!(odd.body().unwrap().unwrap(), b"{}");
    assert_eq!(DeleteThingResponse::Accepted.status(), 202);
}

#[test]
fn the_minimal_operation_has_nothing_but_a_status() {
    let ping = PingRequest {};
    assert_eq!(ping.path(), "/ping");
    assert!(ping.query().is_empty() && ping.headers().is_empty());
    assert_eq!(ping.body().unwrap(), None);
    assert_eq!(
        PingRequest::decode(&answer(204, "")).unwrap(),
        PingResponse::NoContent
    );
    assert_eq!(PingResponse::NoContent.status(), 204);
    let empty: EmptyObject = serde_json::from_str(r#"{"anything": 1}"#).unwrap();
    assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
}

#[test]
fn types_without_operations_need_no_runtime() {
    let point: Point = serde_json::from_str(r#"{"x": 1, "y": 2.5, "colour": "blue"}"#).unwrap();
    assert_eq!(point.colour, Some(Colour::Unknown("blue".to_owned())));
    assert_eq!(point.y, 2.5);
}
