//! Detection across shapes, the refusals that no single shape owns, and a property:
//! whatever JSON arrives, `parse` answers and never panics.

use proptest::prelude::*;
use serde_json::{Map, json};

use super::error::SHAPES;
use super::*;

const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const P: &str = "0123456789abcdef0123456789abcdef";

/// Every fixture in `examples/events/`, by file name.
const FIXTURES: [(&str, &str); 15] = [
    (
        "apigw-http.json",
        include_str!("../../../examples/events/apigw-http.json"),
    ),
    (
        "apigw-rest.json",
        include_str!("../../../examples/events/apigw-rest.json"),
    ),
    (
        "apigw-rest-projects.json",
        include_str!("../../../examples/events/apigw-rest-projects.json"),
    ),
    (
        "cloudevent.json",
        include_str!("../../../examples/events/cloudevent.json"),
    ),
    (
        "direct-many.json",
        include_str!("../../../examples/events/direct-many.json"),
    ),
    (
        "direct-one.json",
        include_str!("../../../examples/events/direct-one.json"),
    ),
    (
        "eventbridge-custom.json",
        include_str!("../../../examples/events/eventbridge-custom.json"),
    ),
    (
        "eventbridge-schedule.json",
        include_str!("../../../examples/events/eventbridge-schedule.json"),
    ),
    (
        "fleet-http.json",
        include_str!("../../../examples/events/fleet-http.json"),
    ),
    (
        "fleet-schedule-v2.json",
        include_str!("../../../examples/events/fleet-schedule-v2.json"),
    ),
    (
        "function-url.json",
        include_str!("../../../examples/events/function-url.json"),
    ),
    (
        "reconcile.json",
        include_str!("../../../examples/events/reconcile.json"),
    ),
    (
        "reconcile-dry-run-at.json",
        include_str!("../../../examples/events/reconcile-dry-run-at.json"),
    ),
    (
        "reconcile-http.json",
        include_str!("../../../examples/events/reconcile-http.json"),
    ),
    (
        "schedule-v2.json",
        include_str!("../../../examples/events/schedule-v2.json"),
    ),
];

fn fixture(name: &str) -> Value {
    let (_, text) = FIXTURES
        .iter()
        .find(|(file, _)| *file == name)
        .unwrap_or_else(|| panic!("no fixture {name}"));
    serde_json::from_str(text).unwrap()
}

#[test]
fn each_fixture_is_read_as_its_trigger() {
    let expected = [
        ("apigw-http.json", Trigger::Http(HttpApi::HttpApi)),
        ("apigw-rest.json", Trigger::Http(HttpApi::RestApi)),
        ("apigw-rest-projects.json", Trigger::Http(HttpApi::RestApi)),
        (
            "cloudevent.json",
            Trigger::CloudEvent {
                id: "C234-1234-1234".into(),
                source: "/mycontext".into(),
                event_type: "com.example.someevent".into(),
            },
        ),
        ("direct-many.json", Trigger::Direct),
        ("direct-one.json", Trigger::Direct),
        (
            "eventbridge-custom.json",
            Trigger::EventBridge {
                detail_type: "EC2 Instance State-change Notification".into(),
                source: "aws.ec2".into(),
            },
        ),
        ("eventbridge-schedule.json", Trigger::ScheduledEvent),
        ("fleet-http.json", Trigger::Http(HttpApi::HttpApi)),
        ("fleet-schedule-v2.json", Trigger::Direct),
        ("function-url.json", Trigger::Http(HttpApi::FunctionUrl)),
        ("reconcile.json", Trigger::Direct),
        ("reconcile-dry-run-at.json", Trigger::Direct),
        ("reconcile-http.json", Trigger::Http(HttpApi::HttpApi)),
        ("schedule-v2.json", Trigger::Direct),
    ];
    // Every fixture is checked: a new file in FIXTURES needs its trigger here too.
    assert_eq!(expected.len(), FIXTURES.len());
    for (name, trigger) in expected {
        let invocation = parse(&fixture(name)).unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(invocation.trigger, trigger, "{name}");
    }
}

#[test]
fn the_scheduler_input_is_the_direct_shape() {
    assert_eq!(
        parse(&fixture("schedule-v2.json")).unwrap(),
        Invocation {
            trigger: Trigger::Direct,
            request: RunRequest {
                graphs: Some(Graphs::Named(vec![
                    G1.parse().unwrap(),
                    G2.parse().unwrap()
                ])),
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
fn the_fleet_fixtures_carry_their_selector_and_options() {
    // (fixture, project, max_graphs, dry_run)
    let cases = [
        ("fleet-schedule-v2.json", Some(P), Some(300), false),
        ("fleet-http.json", None, None, true),
    ];
    for (name, project_id, max_graphs, dry_run) in cases {
        let request = parse(&fixture(name))
            .unwrap_or_else(|err| panic!("{name}: {err}"))
            .request;
        let Some(Graphs::Selected(selectors)) = &request.graphs else {
            panic!("{name}: no selector: {request:?}");
        };
        // Compared as the answer echoes them: patterns compare by their text.
        assert_eq!(
            serde_json::to_value(selectors).unwrap(),
            json!([{"name": "dev-*", "tags": {"env": "dev"}}]),
            "{name}"
        );
        assert_eq!(
            request.project_id.as_ref().map(|p| p.as_str()),
            project_id,
            "{name}"
        );
        assert_eq!(request.max_graphs, max_graphs, "{name}");
        assert_eq!(request.dry_run, dry_run, "{name}");
        assert!(!request.wait, "{name}");
    }
}

#[test]
fn the_reconcile_fixtures_carry_their_instant_and_mode() {
    // (fixture, at, dry_run)
    let cases = [
        ("reconcile.json", None, false),
        (
            "reconcile-dry-run-at.json",
            Some("2026-12-04T12:00:00Z"),
            true,
        ),
        ("reconcile-http.json", None, true),
    ];
    for (name, at, dry_run) in cases {
        let request = parse(&fixture(name))
            .unwrap_or_else(|err| panic!("{name}: {err}"))
            .request;
        assert_eq!(
            request.graphs,
            Some(Graphs::Scheduled(ges_client::run::Scheduled {
                selectors: Vec::new(),
                at: at.map(|at| at.parse().unwrap()),
            })),
            "{name}"
        );
        assert_eq!(request.dry_run, dry_run, "{name}");
        assert!(!request.wait, "{name}");
        assert_eq!(request.project_id, None, "{name}");
        assert_eq!(request.max_graphs, None, "{name}");
    }
}

#[test]
fn a_payload_that_is_not_an_object_lists_the_shapes() {
    let cases = [
        (json!([{"graph_id": G1}]), "an array"),
        (json!(42), "a number"),
        (json!(G1), "a string"),
        (json!(null), "null"),
        (json!(true), "a boolean"),
    ];
    for (payload, found) in cases {
        let err = parse(&payload).unwrap_err();
        assert_eq!(err.trigger, None);
        assert!(matches!(err.error, EventError::NotAnObject { .. }));
        let message = err.to_string();
        assert!(
            message.starts_with(&format!(
                "the event is {found}, not a JSON object; accepted: "
            )),
            "{message}"
        );
        assert!(message.contains("\"graph_ids\""), "{message}");
        assert!(message.contains("CloudEvent"), "{message}");
        assert!(
            message.contains("POST /graphs/{graph_id}/stop"),
            "{message}"
        );
        assert!(message.len() < 400, "{} chars: {message}", message.len());
    }
    // A string is not read as JSON, even when it holds JSON.
    let err = parse(&json!(format!("{{\"graph_id\": \"{G1}\"}}"))).unwrap_err();
    assert!(matches!(err.error, EventError::NotAnObject { .. }));
}

#[test]
fn an_object_of_no_shape_lists_the_shapes_and_its_fields() {
    let err = parse(&json!({})).unwrap_err();
    assert_eq!(err.trigger, None);
    assert!(
        err.to_string().starts_with(
            "the event matches none of the accepted shapes (it has no fields); accepted: "
        ),
        "{err}"
    );

    // A typo of the only field: named, with the accepted shapes.
    let err = parse(&json!({"grahp_id": G1})).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "the event matches none of the accepted shapes (its fields: \"grahp_id\"); {SHAPES}"
        )
    );

    // The Lambda console's sample event, and an SQS event: no one event of ours (`read`
    // reads the batch: `sqs/tests.rs`).
    let err = parse(&json!({"key1": "value1", "key2": "value2", "key3": "value3", "key4": 4}))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("(its fields: \"key1\", \"key2\", \"key3\" and 1 more)"),
        "{err}"
    );
    let err = parse(&json!({"Records": [{"body": "{}"}]})).unwrap_err();
    assert!(matches!(err.error, EventError::UnrecognizedShape { .. }));

    // Huge, odd field names stay short.
    let mut object = Map::new();
    for c in ['\0', '\n', '\u{202e}', 'x'] {
        object.insert(c.to_string().repeat(100_000), json!(1));
    }
    let message = parse(&Value::Object(object)).unwrap_err().to_string();
    assert!(message.len() < 400, "{} chars: {message}", message.len());
    assert!(
        !message.contains('\0') && !message.contains('\n'),
        "{message:?}"
    );
    assert!(!message.contains('\u{202e}'), "{message:?}");
}

#[test]
fn an_incomplete_websocket_or_alb_like_request_is_no_shape() {
    // API Gateway WebSocket events have a requestContext but no HTTP method or path.
    let err = parse(&json!({"requestContext": {"eventType": "CONNECT"}, "isBase64Encoded": false}))
        .unwrap_err();
    assert!(
        matches!(err.error, EventError::UnrecognizedShape { .. }),
        "{err:?}"
    );
}

#[test]
fn detection_order_is_http_cloudevents_eventbridge_direct() {
    // Marks of several shapes: the first in the order wins, and its rules apply.
    let mut event = fixture("cloudevent.json");
    event["detail-type"] = json!("Scheduled Event");
    event["graph_id"] = json!(G1);
    assert!(matches!(
        parse(&event).unwrap().trigger,
        Trigger::CloudEvent { .. }
    ));

    let mut event = fixture("eventbridge-custom.json");
    event["graph_id"] = json!(G1);
    assert!(matches!(
        parse(&event).unwrap().trigger,
        Trigger::EventBridge { .. }
    ));

    let mut event = fixture("apigw-rest.json");
    event["specversion"] = json!("1.0");
    assert_eq!(
        parse(&event).unwrap().trigger,
        Trigger::Http(HttpApi::RestApi)
    );
}

#[test]
fn excerpts_are_cut_and_escaped() {
    assert_eq!(Excerpt::of("grahp_id").to_string(), "\"grahp_id\"");
    assert_eq!(Excerpt::of("it's \"x\"").to_string(), "\"it's \\\"x\\\"\"");
    assert_eq!(Excerpt::of("a\nb\0").to_string(), "\"a\\nb\\0\"");
    let long = Excerpt::of(&"\u{1}".repeat(1000)).to_string();
    assert!(long.len() <= Excerpt::LIMIT + 8, "{long}");
    assert!(long.ends_with("…\""), "{long}");
    let exact = "y".repeat(Excerpt::LIMIT);
    assert_eq!(Excerpt::of(&exact).to_string(), format!("\"{exact}\""));
    assert!(
        Excerpt::of(&format!("{exact}y"))
            .to_string()
            .ends_with("y…\"")
    );
}

#[test]
fn http_status_per_error() {
    assert_eq!(
        EventError::MethodNotAllowed {
            method: Excerpt::of("GET")
        }
        .http_status(),
        405
    );
    assert_eq!(
        EventError::NoRoute {
            path: Excerpt::of("/")
        }
        .http_status(),
        404
    );
    assert_eq!(EventError::BodyNotBase64.http_status(), 400);
    assert_eq!(
        EventError::NoGraph {
            part: EventPart::Direct
        }
        .http_status(),
        400
    );
}

/// Any JSON value: the shapes' own keys are likely, so that the property reaches deep
/// into every adapter rather than stopping at "no shape".
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("graph_id".to_owned()),
        Just("graph_ids".to_owned()),
        Just("project_id".to_owned()),
        Just("wait".to_owned()),
        Just("dry_run".to_owned()),
        Just("reconcile".to_owned()),
        Just("at".to_owned()),
        Just("selector".to_owned()),
        Just("detail-type".to_owned()),
        Just("source".to_owned()),
        Just("detail".to_owned()),
        Just("specversion".to_owned()),
        Just("id".to_owned()),
        Just("type".to_owned()),
        Just("data".to_owned()),
        Just("data_base64".to_owned()),
        Just("datacontenttype".to_owned()),
        Just("requestContext".to_owned()),
        Just("httpMethod".to_owned()),
        Just("version".to_owned()),
        Just("rawPath".to_owned()),
        Just("path".to_owned()),
        Just("pathParameters".to_owned()),
        Just("body".to_owned()),
        Just("isBase64Encoded".to_owned()),
        Just("http".to_owned()),
        Just("method".to_owned()),
        Just("domainName".to_owned()),
        Just("Records".to_owned()),
        Just("eventSource".to_owned()),
        Just("EventSource".to_owned()),
        Just("messageId".to_owned()),
        Just("eventSourceARN".to_owned()),
        Just("Sns".to_owned()),
        Just("Type".to_owned()),
        Just("MessageId".to_owned()),
        Just("TopicArn".to_owned()),
        Just("Message".to_owned()),
        ".*",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        Just(json!("1.0")),
        Just(json!("2.0")),
        Just(json!("POST")),
        Just(json!(G1)),
        Just(json!(format!("/graphs/{G1}/stop"))),
        Just(json!("/reconcile")),
        Just(json!("2026-12-04T20:00:00+08:00")),
        Just(json!("x.lambda-url.us-east-1.on.aws")),
        Just(json!("aws:sqs")),
        Just(json!("aws:sns")),
        Just(json!("Notification")),
        Just(json!(format!("{{\"graph_id\": \"{G1}\"}}"))),
        ".*".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 8, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((key.clone(), inner), 0..8)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn parse_never_panics_and_its_errors_stay_short(payload in any_json()) {
        if let Err(err) = parse(&payload) {
            let message = err.to_string();
            prop_assert!(message.len() < 600, "{} chars: {}", message.len(), message);
            let status = err.error.http_status().as_u16();
            prop_assert!(matches!(status, 400 | 404 | 405));
        }
    }

    #[test]
    fn fixtures_with_a_field_replaced_never_panic(
        index in 0..FIXTURES.len(),
        pointer in prop_oneof![
            Just("/graph_id"), Just("/graph_ids"), Just("/detail"), Just("/data"),
            Just("/body"), Just("/path"), Just("/rawPath"), Just("/pathParameters"),
            Just("/requestContext"), Just("/requestContext/http"),
            Just("/requestContext/domainName"), Just("/httpMethod"), Just("/specversion"),
            Just("/detail-type"), Just("/isBase64Encoded"), Just("/reconcile"), Just("/at"),
        ],
        replacement in any_json(),
    ) {
        let mut event: Value = serde_json::from_str(FIXTURES[index].1).unwrap();
        if let Some(field) = event.pointer_mut(pointer) {
            *field = replacement;
        }
        let _ = parse(&event);
    }
}

/// The batches of `examples/events/`: an SQS batch and an SNS notification.
const BATCHES: [&str; 2] = [
    include_str!("../../../examples/events/sqs.json"),
    include_str!("../../../examples/events/sns.json"),
];

/// What `read` answers, checked as `parse`'s answers are: every error short, whether it
/// fails the invocation or one message.
fn check_read(payload: &Value) -> Result<(), TestCaseError> {
    let short = |invalid: &InvalidEvent| {
        let message = invalid.to_string();
        prop_assert!(message.len() < 600, "{} chars: {}", message.len(), message);
        Ok(())
    };
    match read(payload) {
        Err(invalid) => short(&invalid)?,
        Ok(Payload::One(one)) => {
            prop_assert_eq!(Ok(one), parse(payload).map_err(|e| e.to_string()))
        }
        Ok(Payload::Topic(message)) => {
            if let Err(invalid) = &message.event {
                short(invalid)?;
            }
        }
        Ok(Payload::Queue(queue)) => {
            prop_assert!(!queue.messages.is_empty());
            for message in &queue.messages {
                match &message.event {
                    Err(invalid) => short(invalid)?,
                    Ok(invocation) => prop_assert!(!matches!(invocation.trigger, Trigger::Http(_))),
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn read_never_panics_and_reads_one_event_as_parse_does(payload in any_json()) {
        check_read(&payload)?;
    }

    #[test]
    fn batches_with_a_field_replaced_never_panic(
        index in 0..BATCHES.len(),
        pointer in prop_oneof![
            Just("/Records"), Just("/Records/0"), Just("/Records/0/body"),
            Just("/Records/1/body"), Just("/Records/0/messageId"),
            Just("/Records/0/eventSource"), Just("/Records/0/attributes"),
            Just("/Records/0/Sns"), Just("/Records/0/Sns/Message"),
            Just("/Records/0/Sns/Type"), Just("/Records/0/Sns/MessageId"),
            Just("/Records/0/EventSource"),
        ],
        replacement in any_json(),
        as_text in any::<bool>(),
    ) {
        let mut event: Value = serde_json::from_str(BATCHES[index]).unwrap();
        if let Some(field) = event.pointer_mut(pointer) {
            // A body or a message is text: the JSON it holds, often.
            *field = if as_text { json!(replacement.to_string()) } else { replacement };
        }
        check_read(&event)?;
    }
}

#[test]
fn errors_stay_small() {
    // Every `Result` that carries an `InvalidEvent` moves it around; clippy's
    // `result_large_err` draws the line at 128 bytes.
    assert!(
        std::mem::size_of::<InvalidEvent>() <= 128,
        "{} bytes (EventError {} bytes, Option<Trigger> {} bytes)",
        std::mem::size_of::<InvalidEvent>(),
        std::mem::size_of::<EventError>(),
        std::mem::size_of::<Option<Trigger>>(),
    );
}
