use serde_json::json;

use ges_client::run::{Graphs, MAX_GRAPHS_PER_EVENT, Scheduled};
use jiff::Timestamp;
use serde_json::Value;

use super::*;
use crate::event::error::{EventError, Field};
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
            request: RunRequest {
                graphs: graphs(&[G1]),
                project_id: None,
                wait: false,
                dry_run: false,
                max_graphs: None,
                credentials: None,
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
        RunRequest {
            graphs: graphs(&[G1, G2]),
            project_id: Some(P.parse().unwrap()),
            wait: true,
            dry_run: true,
            max_graphs: None,
            credentials: None,
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

/// The reconcile a request carries: its selectors and instant.
fn scheduled(request: &RunRequest) -> &Scheduled {
    match &request.graphs {
        Some(Graphs::Scheduled(scheduled)) => scheduled,
        other => panic!("not a reconcile: {other:?}"),
    }
}

#[test]
fn a_reconcile_in_every_shape_that_carries_the_direct_one() {
    let body = json!({"reconcile": true, "at": "2026-12-04T20:00:00+08:00", "dry_run": true,
        "project_id": P, "selector": {"tags": {"env": "dev"}}, "max_graphs": 500});
    let payloads = [
        (body.clone(), Trigger::Direct),
        (
            json!({"detail-type": "Reconcile", "source": "my.app", "detail": body}),
            Trigger::EventBridge {
                detail_type: "Reconcile".into(),
                source: "my.app".into(),
            },
        ),
        (
            json!({"specversion": "1.0", "type": "t", "source": "s", "id": "1", "data": body}),
            Trigger::CloudEvent {
                id: "1".into(),
                source: "s".into(),
                event_type: "t".into(),
            },
        ),
    ];
    for (payload, trigger) in payloads {
        let invocation = parse_event(&payload).unwrap_or_else(|err| panic!("{payload}: {err}"));
        assert_eq!(invocation.trigger, trigger);
        let request = &invocation.request;
        let reconcile = scheduled(request);
        assert_eq!(
            reconcile.at,
            Some("2026-12-04T12:00:00Z".parse().unwrap()),
            "{payload}"
        );
        assert_eq!(
            serde_json::to_value(&reconcile.selectors).unwrap(),
            json!([{"tags": {"env": "dev"}}])
        );
        assert_eq!(request.project_id, Some(P.parse().unwrap()));
        assert_eq!(request.max_graphs, Some(500));
        assert!(request.dry_run);
        assert!(!request.wait);
    }
}

#[test]
fn a_bare_reconcile_means_every_scheduled_graph_now() {
    let request = parse_event(&json!({"reconcile": true})).unwrap().request;
    assert_eq!(
        request,
        RunRequest {
            graphs: Some(Graphs::Scheduled(Scheduled {
                selectors: Vec::new(),
                at: None,
            })),
            project_id: None,
            wait: false,
            dry_run: false,
            max_graphs: None,
            credentials: None,
        }
    );
}

#[test]
fn a_reconciles_at_is_the_instant_its_offset_says() {
    let instant = |at: &str| {
        scheduled(
            &parse_event(&json!({"reconcile": true, "at": at}))
                .unwrap_or_else(|err| panic!("{at}: {err}"))
                .request,
        )
        .at
        .unwrap()
    };
    let utc: Timestamp = "2026-12-04T12:00:00Z".parse().unwrap();
    assert_eq!(instant("2026-12-04T20:00:00+08:00"), utc);
    assert_eq!(instant("2026-12-04T12:00:00Z"), utc);
    assert_eq!(instant("2026-12-04T12:00:00z"), utc);
    assert_eq!(instant("2026-12-04T07:00:00-05:00"), utc);
    assert_eq!(
        instant("2026-12-04T12:00:00.250Z"),
        utc.checked_add(jiff::SignedDuration::from_millis(250))
            .unwrap()
    );
}

#[test]
fn a_reconciles_selectors_are_carried() {
    let request = parse_event(&json!({"reconcile": true,
        "selectors": [{"name": "dev-*"}, {"tags": {"team": "a"}, "project_id": P}]}))
    .unwrap()
    .request;
    assert_eq!(
        serde_json::to_value(&scheduled(&request).selectors).unwrap(),
        json!([{"name": "dev-*"}, {"tags": {"team": "a"}, "project_id": P}])
    );
    let one = parse_event(&json!({"reconcile": true, "selector": {"name": "dev-*"}}))
        .unwrap()
        .request;
    assert_eq!(scheduled(&one).selectors.len(), 1);
}

/// Whether an error is of the kind a case expects.
type IsKind = fn(&EventError) -> bool;

#[test]
fn reconcile_refusals_name_the_field() {
    // (payload, the error's kind, words its message must hold)
    let cases: [(Value, IsKind, &str); 14] = [
        (
            json!({"reconcile": false}),
            |e| matches!(e, EventError::ReconcileNotTrue { .. }),
            "\"reconcile\" in the event must be true, not a boolean",
        ),
        (
            json!({"reconcile": "yes"}),
            |e| matches!(e, EventError::ReconcileNotTrue { .. }),
            "\"reconcile\" in the event must be true, not a string",
        ),
        (
            json!({"reconcile": null, "graph_id": G1}),
            |e| matches!(e, EventError::ReconcileNotTrue { .. }),
            "must be true, not null",
        ),
        (
            json!({"reconcile": true, "graph_id": G1}),
            |e| {
                matches!(
                    e,
                    EventError::NotWithReconcile {
                        field: "graph_id",
                        ..
                    }
                )
            },
            "\"graph_id\" in the event does not go with \"reconcile\"",
        ),
        (
            json!({"reconcile": true, "graph_ids": [G1]}),
            |e| {
                matches!(
                    e,
                    EventError::NotWithReconcile {
                        field: "graph_ids",
                        ..
                    }
                )
            },
            "\"graph_ids\" in the event does not go with \"reconcile\"",
        ),
        (
            json!({"reconcile": true, "wait": true}),
            |e| matches!(e, EventError::NotWithReconcile { field: "wait", .. }),
            "\"wait\" in the event does not go with \"reconcile\"",
        ),
        (
            json!({"reconcile": true, "wait": false}),
            |e| matches!(e, EventError::NotWithReconcile { field: "wait", .. }),
            "\"wait\" in the event does not go with",
        ),
        (
            json!({"graph_id": G1, "at": "2026-12-04T20:00:00+08:00"}),
            |e| matches!(e, EventError::AtWithoutReconcile { .. }),
            "\"at\" in the event applies to a reconcile only",
        ),
        (
            json!({"reconcile": true, "at": 1_796_385_600}),
            |e| {
                matches!(
                    e,
                    EventError::WrongType {
                        field: Field::Named("at"),
                        ..
                    }
                )
            },
            "\"at\" in the event must be a string, not a number",
        ),
        (
            json!({"reconcile": true, "at": null}),
            |e| {
                matches!(
                    e,
                    EventError::WrongType {
                        field: Field::Named("at"),
                        ..
                    }
                )
            },
            "\"at\" in the event must be a string, not null",
        ),
        (
            json!({"reconcile": true, "at": "2026-12-04T20:00:00"}),
            |e| matches!(e, EventError::InvalidAt { .. }),
            "\"at\" in the event is \"2026-12-04T20:00:00\", not an RFC 3339 time with its offset",
        ),
        (
            json!({"reconcile": true, "at": "next friday"}),
            |e| matches!(e, EventError::InvalidAt { .. }),
            "\"at\" in the event is \"next friday\", not an RFC 3339 time",
        ),
        (
            json!({"reconcile": true, "at": ""}),
            |e| matches!(e, EventError::InvalidAt { .. }),
            "\"at\" in the event is \"\", not an RFC 3339 time",
        ),
        (
            json!({"reconcile": true, "selector": {"name": "*"}, "selectors": [{"name": "*"}]}),
            |e| {
                matches!(
                    e,
                    EventError::ConflictingGraphFields {
                        first: "selector",
                        second: "selectors",
                        ..
                    }
                )
            },
            "the event has both \"selector\" and \"selectors\": give one of them",
        ),
    ];
    for (payload, kind, expected) in cases {
        let err = refused(payload.clone());
        assert!(kind(&err), "{payload}: {err:?}");
        let message = err.to_string();
        assert!(message.contains(expected), "{payload}: {message}");
    }
    // A huge, odd `at` is cut and escaped.
    let message = refused(json!({"reconcile": true, "at": "\n".repeat(100_000)})).to_string();
    assert!(message.contains("\"\\n\\n"), "{message}");
    assert!(!message.contains('\n'), "{message:?}");
}

#[test]
fn reconcile_refusals_say_which_part() {
    let err = parse_event(&json!({"detail-type": "x", "source": "s",
        "detail": {"reconcile": true, "at": "2026-12-04T20:00:00"}}))
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("\"at\" in the EventBridge event's \"detail\" is \"2026-12-04T20:00:00\""),
        "{err}"
    );
    let err = parse_event(
        &json!({"specversion": "1.0", "type": "t", "source": "s", "id": "1",
        "data": {"reconcile": true, "graph_ids": [G1]}}),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("\"graph_ids\" in the CloudEvent's \"data\" does not go with"),
        "{err}"
    );
}
