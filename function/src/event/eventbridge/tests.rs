use serde_json::json;

use super::*;
use crate::event::{Graphs, parse as parse_event};

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const P: &str = "0123456789abcdef0123456789abcdef";

fn fixture(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn schedule() -> Value {
    fixture(include_str!(
        "../../../../examples/events/eventbridge-schedule.json"
    ))
}

fn custom() -> Value {
    fixture(include_str!(
        "../../../../examples/events/eventbridge-custom.json"
    ))
}

fn ec2_trigger() -> Trigger {
    Trigger::EventBridge {
        detail_type: "EC2 Instance State-change Notification".into(),
        source: "aws.ec2".into(),
    }
}

#[test]
fn a_classic_schedule_means_the_configured_graphs() {
    assert_eq!(
        parse_event(&schedule()).unwrap(),
        Invocation {
            trigger: Trigger::ScheduledEvent,
            request: RunRequest {
                graphs: None,
                project_id: None,
                wait: false,
                dry_run: false,
                max_graphs: None,
                credentials: None,
            },
        }
    );
}

#[test]
fn a_custom_event_names_its_graphs_in_detail() {
    assert_eq!(
        parse_event(&custom()).unwrap(),
        Invocation {
            trigger: ec2_trigger(),
            request: RunRequest {
                graphs: Some(Graphs::Named(vec![G1.parse().unwrap()])),
                project_id: Some(P.parse().unwrap()),
                wait: false,
                dry_run: false,
                max_graphs: None,
                credentials: None,
            },
        }
    );
}

#[test]
fn a_schedule_with_a_detail_reads_it_in_the_direct_shape() {
    let mut event = schedule();
    event["detail"] = json!({"graph_id": G1, "dry_run": true});
    let invocation = parse_event(&event).unwrap();
    assert_eq!(
        invocation.trigger,
        Trigger::EventBridge {
            detail_type: "Scheduled Event".into(),
            source: "aws.events".into()
        }
    );
    assert_eq!(
        invocation.request.graphs,
        Some(Graphs::Named(vec![G1.parse().unwrap()]))
    );
    assert!(invocation.request.dry_run);
}

#[test]
fn a_scheduled_event_from_another_source_must_name_graphs() {
    let mut event = schedule();
    event["source"] = json!("my.app");
    let err = parse_event(&event).unwrap_err();
    assert!(
        matches!(
            err.error,
            EventError::NoGraph {
                part: EventPart::EventBridgeDetail
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the EventBridge event's \"detail\" names no graph: give \"graph_id\": \"G\", \
         \"graph_ids\": [\"G1\", ...] or \"selector\": {\"name\": \"dev-*\", \"tags\": \
         {\"env\": \"dev\"}}, with optional \"project_id\", \"wait\", \"dry_run\" and \
         \"max_graphs\""
    );
}

#[test]
fn a_bad_detail_is_refused_naming_the_field() {
    let cases = [
        (
            json!({"instance-id": "i-abcd1111"}),
            "unknown field \"instance-id\" in the EventBridge event's \"detail\"",
        ),
        (
            json!({"graph_id": "a/b"}),
            "\"graph_id\" in the EventBridge event's \"detail\": \"a/b\" is not a valid GraphId",
        ),
        (
            json!({"graph_ids": []}),
            "\"graph_ids\" in the EventBridge event's \"detail\" is empty",
        ),
        (
            json!("graph"),
            "\"detail\" in the EventBridge event must be an object, not a string",
        ),
        (
            json!([G1]),
            "\"detail\" in the EventBridge event must be an object, not an array",
        ),
    ];
    for (detail, expected) in cases {
        let mut event = custom();
        event["detail"] = detail;
        let err = parse_event(&event).unwrap_err();
        assert_eq!(err.trigger, Some(ec2_trigger()));
        assert_eq!(err.error.http_status(), 400);
        let message = err.to_string();
        assert!(message.starts_with(expected), "{message}");
        assert!(message.len() < 400, "{message}");
    }
}

#[test]
fn a_malformed_envelope_says_where() {
    let mut event = custom();
    event["time"] = json!("yesterday");
    let err = parse_event(&event).unwrap_err();
    assert_eq!(err.trigger, Some(ec2_trigger()));
    assert!(matches!(err.error, EventError::MalformedEnvelope { .. }));
    assert!(
        err.to_string()
            .starts_with("the EventBridge event is malformed at \"time\": "),
        "{err}"
    );

    let mut event = custom();
    event["source"] = json!(5);
    let err = parse_event(&event).unwrap_err();
    assert_eq!(err.trigger, None);
    assert!(
        err.to_string()
            .starts_with("the EventBridge event is malformed at \"source\": "),
        "{err}"
    );
}
