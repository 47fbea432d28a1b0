use ges_client::run::{ErrorType, Graphs};
use serde_json::{Value, json};

use super::*;

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/events/functiongraph")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

const SCHEDULES: Defaults = Defaults { schedules: true };
const NO_SCHEDULES: Defaults = Defaults { schedules: false };

fn refusal(event: &Value) -> InvalidEvent {
    parse(event, NO_SCHEDULES).unwrap_err()
}

#[test]
fn the_documented_timer_is_a_timer_whose_user_event_is_not_ours() {
    let invalid = read(&sample("timer.json"), SCHEDULES).unwrap_err();
    assert_eq!(invalid.trigger, Some(Trigger::Timer));
    let message = invalid.to_string();
    assert!(
        message.starts_with("the timer event's \"user_event\" is not JSON"),
        "{message}"
    );
    assert_eq!(invalid.error.error_type(), ErrorType::InvalidEvent);
}

#[test]
fn an_empty_user_event_reconciles_at_the_timers_time_or_runs_the_configured_graphs() {
    let invocation = read(&sample("timer-reconcile.json"), SCHEDULES).unwrap();
    assert_eq!(invocation.trigger, Trigger::Timer);
    let [run] = invocation.runs.as_slice() else {
        panic!("{invocation:?}")
    };
    let Some(Graphs::Scheduled(scheduled)) = &run.request.graphs else {
        panic!("{run:?}")
    };
    assert!(scheduled.selectors.is_empty());
    assert_eq!(
        scheduled.at,
        Some("2026-12-07T12:00:00Z".parse().unwrap()),
        "the timer's time, offset and all"
    );
    let plain = read(&sample("timer-reconcile.json"), NO_SCHEDULES).unwrap();
    assert_eq!(plain.runs[0].request.graphs, None, "the configured set");
}

#[test]
fn a_user_event_is_our_event_and_a_reconcile_in_it_takes_the_timers_time_unless_it_says() {
    let timer = |user_event: &str| {
        json!({"version": "v1.0", "time": "2026-12-07T20:00:00+08:00", "trigger_type": "TIMER",
               "trigger_name": "t", "user_event": user_event})
    };
    let stop = parse(
        &timer(r#"{"graph_id": "g-1", "dry_run": true}"#),
        NO_SCHEDULES,
    )
    .unwrap();
    assert_eq!(
        stop.runs[0].request.graphs,
        Some(Graphs::Named(vec!["g-1".parse().unwrap()]))
    );
    assert!(stop.runs[0].request.dry_run);
    let at = |user_event: &str| {
        let invocation = parse(&timer(user_event), NO_SCHEDULES).unwrap();
        let Some(Graphs::Scheduled(scheduled)) = &invocation.runs[0].request.graphs else {
            panic!("{invocation:?}")
        };
        scheduled.at.unwrap().to_string()
    };
    assert_eq!(at(r#"{"reconcile": true}"#), "2026-12-07T12:00:00Z");
    assert_eq!(
        at(r#"{"reconcile": true, "at": "2026-12-07T09:00:00Z"}"#),
        "2026-12-07T09:00:00Z"
    );
}

#[test]
fn a_timers_refusals_name_their_field() {
    let base = json!({"version": "v1.0", "time": "2026-12-07T20:00:00+08:00",
                      "trigger_type": "TIMER", "trigger_name": "t", "user_event": ""});
    let with = |key: &str, value: Value| {
        let mut event = base.clone();
        event[key] = value;
        refusal(&event).to_string()
    };
    let without = |key: &str| {
        let mut event = base.clone();
        event.as_object_mut().unwrap().remove(key);
        refusal(&event).to_string()
    };
    assert_eq!(
        without("time"),
        "the timer event has no \"time\", which it requires"
    );
    assert!(
        with("time", json!("yesterday"))
            .starts_with("\"time\" in the timer event is \"yesterday\""),
        "{}",
        with("time", json!("yesterday"))
    );
    assert_eq!(
        with("user_event", json!(5)),
        "\"user_event\" in the timer event must be a string, not a number"
    );
    assert!(with("trigger_type", json!("OBS")).contains("\"OBS\""));
    let typo = with("user_event", json!(r#"{"grahp_id": "g"}"#));
    assert!(
        typo.starts_with("unknown field \"grahp_id\"")
            && typo.ends_with("in the timer event's \"user_event\""),
        "{typo}"
    );
    // Read strictly, as the event itself is.
    let twice = with("user_event", json!(r#"{"graph_id": "a", "graph_id": "b"}"#));
    assert!(
        twice.starts_with("the timer event's \"user_event\" gives the key"),
        "{twice}"
    );
}

#[test]
fn the_documented_apig_request_adapted_to_our_route_stops_its_graph() {
    let invocation = read(&sample("apig.json"), NO_SCHEDULES).unwrap();
    assert_eq!(invocation.trigger, Trigger::Apig);
    let request = &invocation.runs[0].request;
    assert_eq!(
        request.graphs,
        Some(Graphs::Named(vec!["ges-demo-1".parse().unwrap()]))
    );
    assert!(request.wait, "the base64 body {{\"wait\": true}}");
}

#[test]
fn apig_refusals_are_the_cores_with_their_statuses() {
    let apig = |method: &str, path: &str, body: Value| {
        json!({"httpMethod": method, "path": path, "requestContext": {}, "body": body,
               "isBase64Encoded": false, "headers": {"x-secret": "planted-header-value"}})
    };
    for (event, error_type, start) in [
        (
            apig("GET", "/graphs/g/stop", Value::Null),
            ErrorType::MethodNotAllowed,
            "method \"GET\" is not allowed here",
        ),
        (
            apig("POST", "/apig-event-template", Value::Null),
            ErrorType::RouteNotFound,
            "no route for \"/apig-event-template\"",
        ),
        (
            apig("POST", "/graphs/g/stop", json!("{\"wiat\": true}")),
            ErrorType::InvalidEvent,
            "unknown field \"wiat\" in the request body",
        ),
        (
            apig("POST", "/fleet/stop", json!("{}")),
            ErrorType::InvalidEvent,
            "no graph is named in the request body",
        ),
    ] {
        let invalid = refusal(&event);
        assert_eq!(invalid.trigger, Some(Trigger::Apig));
        assert_eq!(invalid.error.error_type(), error_type, "{invalid}");
        let message = invalid.to_string();
        assert!(message.starts_with(start), "{message}");
        assert!(!message.contains("planted"), "{message}");
    }
    let mut bad = apig("POST", "/graphs/g/stop", Value::Null);
    bad["isBase64Encoded"] = json!("yes");
    assert_eq!(
        refusal(&bad).to_string(),
        "\"isBase64Encoded\" in the APIG request must be a boolean, not a string"
    );
}

#[test]
fn the_documented_smn_event_is_smn_whose_message_is_not_ours() {
    let invalid = read(&sample("smn.json"), NO_SCHEDULES).unwrap_err();
    assert_eq!(invalid.trigger, Some(Trigger::Smn));
    let message = invalid.to_string();
    assert!(
        message.starts_with("\"record\"[0].\"smn\".\"message\" of the SMN event is not JSON"),
        "{message}"
    );
}

#[test]
fn each_smn_message_is_one_event_and_the_records_are_bounded() {
    let record = |message: &str| {
        json!({"event_version": "1.0", "event_source": "smn",
               "smn": {"message": message, "message_id": "m-1", "type": "notification"}})
    };
    let two = json!({"record": [record(r#"{"graph_id": "a"}"#), record(r#"{"graph_id": "b"}"#)]});
    let invocation = parse(&two, NO_SCHEDULES).unwrap();
    assert_eq!(invocation.runs.len(), 2);
    assert_eq!(
        invocation.runs[1]
            .message_id
            .as_ref()
            .map(ToString::to_string),
        Some("\"m-1\"".to_owned())
    );
    let bad_second =
        json!({"record": [record(r#"{"graph_id": "a"}"#), record(r#"{"graph_ids": []}"#)]});
    assert_eq!(
        refusal(&bad_second).to_string(),
        "\"graph_ids\" is empty in \"record\"[1].\"smn\".\"message\" of the SMN event"
    );
    let many = json!({"record": vec![record(r#"{"graph_id": "a"}"#); MAX_RECORDS + 1]});
    assert!(refusal(&many).to_string().contains("give 1 to 10"));
    assert!(
        refusal(&json!({"record": []}))
            .to_string()
            .contains("carries 0 records")
    );
    let mut elsewhere = record(r#"{"graph_id": "a"}"#);
    elsewhere["event_source"] = json!("obs");
    assert_eq!(
        refusal(&json!({"record": [elsewhere]})).to_string(),
        "\"record\"[0] of the SMN event has \"event_source\" \"obs\", not \"smn\""
    );
}

#[test]
fn a_direct_event_is_ours_and_anything_else_is_refused() {
    let invocation = read(&sample("direct.json"), NO_SCHEDULES).unwrap();
    assert_eq!(invocation.trigger, Trigger::Direct);
    assert!(invocation.runs[0].request.dry_run);
    assert!(
        refusal(&json!({"hello": 1}))
            .to_string()
            .starts_with("the event matches none of the accepted shapes")
    );
    assert_eq!(
        refusal(&json!([1])).to_string(),
        "the event is an array, not a JSON object"
    );
    let trailing = read(br#"{"graph_id": "g"} {}"#, NO_SCHEDULES).unwrap_err();
    assert!(
        trailing
            .to_string()
            .starts_with("the event has more after its JSON value"),
        "{trailing}"
    );
}
