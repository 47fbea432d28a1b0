use serde_json::json;

use super::*;
use crate::event::{Graphs, RunRequest, parse as parse_event};

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";

fn sample() -> Value {
    serde_json::from_str(include_str!("../../../../examples/events/cloudevent.json")).unwrap()
}

fn sample_trigger() -> Trigger {
    Trigger::CloudEvent {
        id: "C234-1234-1234".into(),
        source: "/mycontext".into(),
        event_type: "com.example.someevent".into(),
    }
}

/// The error for `event`, checked for length and status.
fn refused(event: &Value) -> InvalidEvent {
    let err = parse_event(event).unwrap_err();
    let message = err.to_string();
    assert!(message.len() < 400, "{message}");
    assert_eq!(err.error.http_status(), 400);
    err
}

#[test]
fn the_spec_sample_names_its_graphs_in_data() {
    assert_eq!(
        parse_event(&sample()).unwrap(),
        Invocation {
            trigger: sample_trigger(),
            request: RunRequest {
                graphs: Some(Graphs::Named(vec![
                    G1.parse().unwrap(),
                    G2.parse().unwrap()
                ])),
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
fn datacontenttype_may_be_absent_or_any_json_type() {
    for content_type in [
        json!(null),
        json!("application/json; charset=utf-8"),
        json!("application/cloudevents+json"),
        json!("TEXT/JSON"),
    ] {
        let mut event = sample();
        event["datacontenttype"] = content_type;
        assert!(parse_event(&event).is_ok(), "{event}");
    }
    let mut event = sample();
    event.as_object_mut().unwrap().remove("datacontenttype");
    assert!(parse_event(&event).is_ok());
}

#[test]
fn another_specversion_is_refused() {
    for version in ["0.3", "1.0.2", "", "1"] {
        let mut event = sample();
        event["specversion"] = json!(version);
        let err = refused(&event);
        assert_eq!(err.trigger, Some(sample_trigger()));
        if version.is_empty() {
            assert!(matches!(err.error, EventError::WrongType { .. }), "{err:?}");
        } else {
            assert_eq!(
                err.to_string(),
                format!(
                    "the CloudEvent's \"specversion\" is \"{version}\"; only \"1.0\" is supported"
                )
            );
        }
    }
    let mut event = sample();
    event["specversion"] = json!(1.0);
    let err = refused(&event);
    assert_eq!(
        err.to_string(),
        "\"specversion\" in the CloudEvent must be a string, not a number"
    );
    let mut event = sample();
    event["specversion"] = json!("x".repeat(200_000));
    assert!(refused(&event).to_string().contains("…\""));
}

#[test]
fn required_attributes_are_required() {
    for name in ["id", "source", "type"] {
        let mut event = sample();
        event.as_object_mut().unwrap().remove(name);
        let err = refused(&event);
        assert_eq!(err.trigger, None);
        assert_eq!(
            err.to_string(),
            format!("the CloudEvent has no \"{name}\", which it requires")
        );

        let mut event = sample();
        event[name] = json!(7);
        assert_eq!(
            refused(&event).to_string(),
            format!("\"{name}\" in the CloudEvent must be a string, not a number")
        );

        let mut event = sample();
        event[name] = json!("");
        assert_eq!(
            refused(&event).to_string(),
            format!("\"{name}\" in the CloudEvent must be a non-empty string, not an empty string")
        );
    }
}

#[test]
fn binary_data_is_refused() {
    // The spec's own example of binary data.
    let event = json!({
        "specversion": "1.0",
        "type": "com.example.someevent",
        "source": "/mycontext",
        "id": "A234-1234-1234",
        "time": "2018-04-05T17:31:00Z",
        "comexampleextension1": "value",
        "comexampleothervalue": 5,
        "datacontenttype": "application/vnd.apache.thrift.binary",
        "data_base64": "... base64 encoded string ..."
    });
    let err = refused(&event);
    assert!(matches!(err.error, EventError::BinaryCloudEventData));
    assert!(err.to_string().contains("\"data\""), "{err}");
    assert_eq!(
        err.trigger,
        Some(Trigger::CloudEvent {
            id: "A234-1234-1234".into(),
            source: "/mycontext".into(),
            event_type: "com.example.someevent".into(),
        })
    );
}

#[test]
fn non_json_data_is_refused() {
    // The spec's own example of XML data.
    let mut event = sample();
    event["datacontenttype"] = json!("application/xml");
    event["data"] = json!("<much wow=\"xml\"/>");
    let err = refused(&event);
    assert_eq!(
        err.to_string(),
        "the CloudEvent's \"datacontenttype\" is \"application/xml\"; \"data\" must be JSON \
         (application/json, or a +json type)"
    );
    let mut event = sample();
    event["datacontenttype"] = json!(["application/json"]);
    assert!(matches!(
        refused(&event).error,
        EventError::WrongType { .. }
    ));
}

#[test]
fn data_must_be_an_object_in_the_direct_shape() {
    let mut event = sample();
    event.as_object_mut().unwrap().remove("data");
    assert_eq!(
        refused(&event).to_string(),
        "the CloudEvent has no \"data\", which it requires"
    );

    // A JSON string is a string, even when it holds JSON.
    let mut event = sample();
    event["data"] = json!(format!("{{\"graph_id\": \"{G1}\"}}"));
    assert!(
        refused(&event)
            .to_string()
            .starts_with("\"data\" in the CloudEvent must be an object"),
    );

    let mut event = sample();
    event["data"] = json!({"graph": G1});
    let err = refused(&event);
    assert_eq!(err.trigger, Some(sample_trigger()));
    assert!(
        err.to_string()
            .starts_with("unknown field \"graph\" in the CloudEvent's \"data\""),
        "{err}"
    );
}
