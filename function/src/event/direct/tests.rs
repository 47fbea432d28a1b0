use serde_json::json;

use super::*;
use crate::event::{Invocation, Trigger, parse as parse_event};

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const P: &str = "0123456789abcdef0123456789abcdef";

fn graphs(ids: &[&str]) -> Option<Graphs> {
    Some(Graphs::Named(
        ids.iter().map(|id| id.parse().unwrap()).collect(),
    ))
}

/// Parses a top-level direct event and returns the error, checking that it is
/// short, says where, and counts as a bad request.
fn refused(payload: Value) -> EventError {
    let err = parse_event(&payload).unwrap_err();
    assert_eq!(err.trigger, Some(Trigger::Direct), "{err}");
    let message = err.to_string();
    assert!(message.len() < 400, "{} chars: {message}", message.len());
    assert_eq!(err.error.http_status(), 400);
    err.error
}

#[test]
fn fixtures_parse() {
    let one: Value =
        serde_json::from_str(include_str!("../../../../examples/events/direct-one.json")).unwrap();
    assert_eq!(
        parse_event(&one).unwrap(),
        Invocation {
            trigger: Trigger::Direct,
            request: StopRequest {
                graphs: graphs(&[G1]),
                project_id: None,
                wait: false,
                dry_run: false,
                max_graphs: None,
            },
        }
    );
    let many: Value =
        serde_json::from_str(include_str!("../../../../examples/events/direct-many.json")).unwrap();
    let invocation = parse_event(&many).unwrap();
    assert_eq!(invocation.trigger, Trigger::Direct);
    assert_eq!(
        invocation.request.graphs,
        graphs(&[G1, G2, "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"])
    );
    assert_eq!(invocation.request.project_id, Some(P.parse().unwrap()));
    assert!(!invocation.request.wait);
    assert!(!invocation.request.dry_run);
}

#[test]
fn every_field() {
    let invocation = parse_event(&json!({
        "graph_ids": [G1, G2],
        "project_id": P,
        "wait": true,
        "dry_run": true,
    }))
    .unwrap();
    assert_eq!(
        invocation.request,
        StopRequest {
            graphs: graphs(&[G1, G2]),
            project_id: Some(P.parse().unwrap()),
            wait: true,
            dry_run: true,
            max_graphs: None,
        }
    );
}

#[test]
fn duplicates_collapse_keeping_the_first_order() {
    let invocation = parse_event(&json!({"graph_ids": [G2, G1, G2, G1, G2]})).unwrap();
    assert_eq!(invocation.request.graphs, graphs(&[G2, G1]));
}

#[test]
fn an_unknown_field_is_named_with_the_accepted_ones() {
    let err = refused(json!({"graph_id": G1, "dryrun": true}));
    assert!(matches!(err, EventError::UnknownField { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "unknown field \"dryrun\" in the event; it accepts \"graph_id\", \"graph_ids\", \
         \"selector\", \"selectors\", \"project_id\", \"wait\", \"dry_run\", \"max_graphs\", \
         \"reconcile\" and \"at\""
    );
    // A huge field name is cut.
    let mut object = Map::new();
    object.insert("graph_id".into(), json!(G1));
    object.insert("x".repeat(200_000), json!(1));
    let err = refused(Value::Object(object));
    assert!(err.to_string().contains("\"xxxxxxxxxx"), "{err}");
    assert!(err.to_string().contains("…\""), "{err}");
}

#[test]
fn graph_id_and_graph_ids_together_are_refused() {
    let err = refused(json!({"graph_id": G1, "graph_ids": [G2]}));
    assert!(matches!(err, EventError::ConflictingGraphFields { .. }));
    assert!(err.to_string().contains("give one of them"), "{err}");
}

#[test]
fn no_graph_is_refused() {
    let err = refused(json!({"wait": true}));
    assert!(matches!(err, EventError::NoGraph { .. }));
    assert!(err.to_string().contains("\"graph_ids\""), "{err}");
}

#[test]
fn an_empty_list_is_refused() {
    let err = refused(json!({"graph_ids": []}));
    assert!(matches!(err, EventError::EmptyGraphList { .. }));
    assert!(err.to_string().contains("at least one"), "{err}");
}

#[test]
fn too_many_graphs_are_refused() {
    let ids: Vec<String> = (0..=MAX_GRAPHS_PER_EVENT)
        .map(|i| format!("g{i}"))
        .collect();
    let err = refused(json!({ "graph_ids": ids }));
    assert!(
        matches!(err, EventError::TooManyGraphs { count: 1001, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("at most 1000"), "{err}");
    // Exactly the limit is fine.
    let ids: Vec<String> = (0..MAX_GRAPHS_PER_EVENT).map(|i| format!("g{i}")).collect();
    let invocation = parse_event(&json!({ "graph_ids": ids })).unwrap();
    assert!(
        matches!(invocation.request.graphs, Some(Graphs::Named(ref v)) if v.len() == MAX_GRAPHS_PER_EVENT)
    );
}

#[test]
fn wrong_types_name_the_field_and_the_expected_type() {
    let cases = [
        (
            json!({"graph_id": 42}),
            "\"graph_id\" in the event must be a string, not a number",
        ),
        (
            json!({"graph_id": null}),
            "\"graph_id\" in the event must be a string, not null",
        ),
        (
            json!({"graph_id": [G1]}),
            "\"graph_id\" in the event must be a string, not an array",
        ),
        (
            json!({"graph_ids": G1}),
            "\"graph_ids\" in the event must be an array of strings, not a string",
        ),
        (
            json!({"graph_ids": [G1, 7]}),
            "\"graph_ids\"[1] in the event must be a string, not a number",
        ),
        (
            json!({"graph_ids": [G1, {"id": G2}]}),
            "\"graph_ids\"[1] in the event must be a string, not an object",
        ),
        (
            json!({"graph_id": G1, "project_id": 1}),
            "\"project_id\" in the event must be a string, not a number",
        ),
        (
            json!({"graph_id": G1, "wait": "true"}),
            "\"wait\" in the event must be a boolean, not a string",
        ),
        (
            json!({"graph_id": G1, "dry_run": 1}),
            "\"dry_run\" in the event must be a boolean, not a number",
        ),
        (
            json!({"graph_id": G1, "dry_run": null}),
            "\"dry_run\" in the event must be a boolean, not null",
        ),
    ];
    for (payload, expected) in cases {
        let err = refused(payload);
        assert!(matches!(err, EventError::WrongType { .. }), "{err:?}");
        assert_eq!(err.to_string(), expected);
    }
}

#[test]
fn bad_ids_are_refused_by_the_id_rules() {
    let long = "x".repeat(200_000);
    let bad = [
        "../x",
        "a%2Fb",
        "a/b",
        "a?b",
        "a#b",
        "a\rb",
        "a\nb",
        "a\n",
        "a\0b",
        "a b",
        " a",
        "grüne",
        "图",
        "a\u{202e}b",
        "",
        &long,
    ];
    for id in bad {
        let err = refused(json!({ "graph_id": id }));
        let EventError::InvalidId { field, .. } = &err else {
            panic!("{id:?}: {err:?}");
        };
        assert_eq!(*field, Field::Named("graph_id"));
        let message = err.to_string();
        assert!(
            message.starts_with("\"graph_id\" in the event: ")
                && message.contains("is not a valid GraphId"),
            "{message}"
        );
        assert!(
            !message.contains('\n') && !message.contains('\0'),
            "{message:?}"
        );
    }
    // The index of a bad entry is named.
    let err = refused(json!({"graph_ids": [G1, G2, "a/b"]}));
    assert!(
        err.to_string()
            .starts_with("\"graph_ids\"[2] in the event: \"a/b\" is not a valid GraphId"),
        "{err}"
    );
    // Project ids are letters and digits only.
    let err = refused(json!({"graph_id": G1, "project_id": "0123-4567"}));
    assert!(
        err.to_string()
            .starts_with("\"project_id\" in the event: \"0123-4567\" is not a valid ProjectId"),
        "{err}"
    );
}

#[test]
fn selectors_in_every_shape_that_carries_the_direct_one() {
    let selector = json!({"name": "dev-*", "tags": {"env": "dev"}});
    let payloads = [
        json!({"selector": selector, "max_graphs": 250, "dry_run": true}),
        json!({"detail-type": "Stop", "source": "my.app", "detail":
            {"selector": selector, "max_graphs": 250, "dry_run": true}}),
        json!({"specversion": "1.0", "type": "t", "source": "s", "id": "1", "data":
            {"selector": selector, "max_graphs": 250, "dry_run": true}}),
    ];
    for payload in payloads {
        let request = parse_event(&payload).unwrap().request;
        let Some(Graphs::Selected(selectors)) = &request.graphs else {
            panic!("{payload}: {:?}", request.graphs);
        };
        assert_eq!(selectors.len(), 1);
        assert!(selectors[0].matches(
            "dev-1",
            &[ges_api::types::Tag {
                key: "env".into(),
                value: Some("dev".into()),
            }]
        ));
        assert_eq!(request.max_graphs, Some(250));
        assert!(request.dry_run);
    }
    let many = parse_event(&json!({"selectors": [{"name": "a*"}, {"tags": {"t": ""}}]}))
        .unwrap()
        .request;
    assert!(matches!(many.graphs, Some(Graphs::Selected(ref s)) if s.len() == 2));
    assert_eq!(many.max_graphs, None);
}

#[test]
fn selector_refusals_say_where() {
    let cases = [
        (
            json!({"graph_id": G1, "selector": {"name": "*"}}),
            "the event has both \"graph_id\" and \"selector\": give one of them",
        ),
        (
            json!({"selector": {"name": "*"}, "selectors": []}),
            "the event has both \"selector\" and \"selectors\"",
        ),
        (
            json!({"selectors": []}),
            "\"selectors\" in the event lists 0 selectors; give 1 to 10",
        ),
        (
            json!({"selectors": [{"name": "*"}, {"nmae": "x"}]}),
            "\"selectors\"[1] in the event has the unknown field \"nmae\"",
        ),
        (
            json!({"selector": {}}),
            "\"selector\" in the event says neither \"name\" nor \"tags\"",
        ),
        (
            json!({"selector": "dev-*"}),
            "\"selector\" in the event must be an object",
        ),
        (
            json!({"selectors": {"name": "*"}}),
            "\"selectors\" in the event must be an array",
        ),
        (
            json!({"selector": {"name": "*"}, "max_graphs": 0}),
            "\"max_graphs\" in the event must be a whole number from 1 to 1000",
        ),
        (
            json!({"selector": {"name": "*"}, "max_graphs": 1001}),
            "from 1 to 1000",
        ),
        (
            json!({"selector": {"name": "*"}, "max_graphs": "5"}),
            "from 1 to 1000",
        ),
        (
            json!({"graph_id": G1, "max_graphs": 5}),
            "\"max_graphs\" in the event applies to selectors only",
        ),
    ];
    for (payload, expected) in cases {
        let message = refused(payload.clone()).to_string();
        assert!(message.contains(expected), "{payload}: {message}");
    }
    let eleven: Vec<Value> = (0..11).map(|_| json!({"name": "*"})).collect();
    let message = refused(json!({"selectors": eleven})).to_string();
    assert!(message.contains("lists 11 selectors"), "{message}");
}
