//! Hostile input: ids that try to escape the request path or confuse a proxy are
//! refused at the edge by the Lambda handler (direct and HTTP event shapes) and nothing
//! reaches GES; and property tests over the id types, the error-body decoder and the
//! event parser: no panic, ever, and bad values refused.

mod common;

use std::time::Duration;

use bytes::Bytes;
use ges_api::runtime::{self, Operation, RawResponse};
use ges_api::types::{ErrorBody, GraphId, JobId, ProjectId, StopGraphRequest};
use ges_client::ges::GesError;
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use proptest::prelude::*;
use serde_json::{Value, json};

const TOKEN: &str = "hostile-test-token";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

/// Ids that try to change the request's path, confuse a proxy or a log, or exhaust
/// memory.
fn hostile_ids() -> Vec<String> {
    let mut ids: Vec<String> = [
        "..",
        "../g-1",
        "g-1/../../v3/auth/tokens",
        "..%2Fg-1",
        "g-1%2F..%2F",
        "%2e%2e",
        "g-1?offset=1",
        "g-1#fragment",
        "g-1\r\nX-Injected: 1",
        "g-1\nHost: evil.example",
        "g-1\u{0}",
        "g 1",
        " g-1",
        "g-1 ",
        "g\t1",
        "gräph",
        "g-1\u{202e}",
        "\u{ff0e}\u{ff0e}\u{ff0f}",
        "g-1;x=1",
        "g-1&graph_id=g-2",
        "g-1%00",
        "",
        "/",
        "\\..\\g-1",
        "{graph_id}",
        "g-1.json",
    ]
    .map(str::to_owned)
    .to_vec();
    ids.push("a".repeat(65));
    ids.push("a".repeat(200 * 1024));
    ids.push("é".repeat(100 * 1024));
    ids
}

/// JSON values of the wrong type where an id belongs.
fn wrong_types() -> Vec<Value> {
    vec![
        json!(42),
        json!(-1),
        json!(1.5),
        json!(true),
        json!(null),
        json!([]),
        json!(["g-1"]),
        json!({}),
        json!({"id": "g-1"}),
    ]
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graph(GraphSpec::running(G1.parse().unwrap(), "one"))
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap()
}

fn handler(simulator: &RunningSimulator) -> Handler {
    common::token_handler(simulator, TOKEN, &[])
}

fn context() -> Context {
    common::context(Duration::from_secs(30))
}

fn example(name: &str) -> Value {
    let path = format!("{}/../examples/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Percent-encodes every byte outside the unreserved set, as a client would put an id
/// in a URL path.
fn percent_encoded(id: &str) -> String {
    id.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Every event shape that names a graph, with `id` (a JSON value) in its place.
fn events_naming(id: &Value) -> Vec<(String, Value)> {
    let mut events = vec![
        ("direct graph_id".to_owned(), json!({ "graph_id": id })),
        ("direct graph_ids".to_owned(), json!({ "graph_ids": [id] })),
        (
            "direct graph_ids, second".to_owned(),
            json!({ "graph_ids": [G1, id] }),
        ),
        (
            "direct project_id".to_owned(),
            json!({ "graph_id": G1, "project_id": id }),
        ),
        (
            "EventBridge detail".to_owned(),
            json!({
                "version": "0", "id": "x", "detail-type": "custom", "source": "my.app",
                "account": "123456789012", "time": "2024-01-01T00:00:00Z",
                "region": "us-east-1", "resources": [],
                "detail": { "graph_id": id }
            }),
        ),
    ];
    let Some(text) = id.as_str() else {
        return events;
    };
    for encoded in [text.to_owned(), percent_encoded(text)] {
        let path = format!("/graphs/{encoded}/stop");
        let mut rest = example("apigw-rest.json");
        rest["path"] = json!(path);
        rest["pathParameters"]["graph_id"] = json!(text);
        rest["requestContext"]["path"] = json!(format!("/prod{path}"));
        events.push((format!("REST API {encoded:.40}"), rest));

        let mut http = example("apigw-http.json");
        http["rawPath"] = json!(path);
        http["pathParameters"]["graph_id"] = json!(text);
        http["requestContext"]["http"]["path"] = json!(path);
        events.push((format!("HTTP API {encoded:.40}"), http));

        let mut url = example("function-url.json");
        url["rawPath"] = json!(path);
        url["requestContext"]["http"]["path"] = json!(path);
        events.push((format!("function URL {encoded:.40}"), url));
    }
    events
}

#[tokio::test]
async fn hostile_ids_are_refused_at_the_edge_and_nothing_is_sent() {
    let simulator = simulator().await;
    let handler = handler(&simulator);
    let ids: Vec<Value> = hostile_ids()
        .into_iter()
        .map(Value::String)
        .chain(wrong_types())
        .collect();
    let mut refused = 0;
    for id in &ids {
        let shown: String = id.to_string().chars().take(40).collect();
        for (shape, event) in events_naming(id) {
            match handler.handle(LambdaEvent::new(event, context())).await {
                // An HTTP caller gets an HTTP error answer.
                Ok(answer) => {
                    let status = answer["statusCode"]
                        .as_u64()
                        .unwrap_or_else(|| panic!("{shape} {shown}: accepted: {answer:.300}"));
                    assert!(
                        (400..500).contains(&status),
                        "{shape} {shown}: {status} {answer:.300}"
                    );
                    let body: Value =
                        serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
                    let message = body["error"]["message"].as_str().unwrap();
                    assert!(message.len() < 600, "{shape} {shown}: {message:.300}");
                }
                Err(error) => {
                    let diagnostic = Diagnostic::from(error);
                    assert_eq!(
                        diagnostic.error_type, "InvalidEvent",
                        "{shape} {shown}: {diagnostic:?}"
                    );
                    assert!(
                        diagnostic.error_message.len() < 600,
                        "{shape} {shown}: {:.300}",
                        diagnostic.error_message
                    );
                    assert!(
                        !diagnostic.error_message.contains('\n')
                            && !diagnostic.error_message.contains('\r'),
                        "{shape} {shown}: a line break in {:?}",
                        diagnostic.error_message
                    );
                }
            }
            refused += 1;
            assert!(
                simulator.requests().is_empty(),
                "{shape} {shown}: reached GES: {:?}",
                simulator.requests()
            );
        }
    }
    eprintln!("{refused} hostile events refused, none reached GES");

    // The function keeps serving.
    let answer = handler
        .handle(LambdaEvent::new(json!({ "graph_id": G1 }), context()))
        .await
        .unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert_eq!(simulator.requests().len(), 1);
}

/// Whether `value` keeps a graph id's (or job id's) rule: 1 to 64 of `A-Za-z0-9_-`.
fn is_graph_id(value: &str) -> bool {
    (1..=64).contains(&value.len())
        && value
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
}

fn is_project_id(value: &str) -> bool {
    (1..=64).contains(&value.len()) && value.bytes().all(|byte| byte.is_ascii_alphanumeric())
}

/// Any JSON, shallow: what a hostile caller puts where an id belongs.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".*".prop_map(Value::String),
        "[A-Za-z0-9_-]{0,70}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(("[a-z_]{0,10}", inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect())),
        ]
    })
}

/// Strings near the rules' edges: valid characters, hostile ones, and lengths around 64.
fn id_like() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        "[A-Za-z0-9_-]{0,70}",
        "[A-Za-z0-9_./%?#&=: \\\\-]{0,70}",
        "\\PC{0,80}",
        any::<Vec<u8>>().prop_map(|bytes| String::from_utf8_lossy(&bytes).into_owned()),
    ]
}

proptest! {
    #[test]
    fn id_types_accept_exactly_their_rule(value in id_like()) {
        prop_assert_eq!(value.parse::<GraphId>().is_ok(), is_graph_id(&value));
        prop_assert_eq!(value.parse::<JobId>().is_ok(), is_graph_id(&value));
        prop_assert_eq!(value.parse::<ProjectId>().is_ok(), is_project_id(&value));
        if let Err(error) = value.parse::<GraphId>() {
            // The message names the rule and does not repeat a huge value.
            prop_assert!(error.to_string().len() < 400, "{}", error);
        }
        // Deserialize agrees with FromStr.
        let json = Value::String(value.clone());
        prop_assert_eq!(
            serde_json::from_value::<GraphId>(json.clone()).is_ok(),
            is_graph_id(&value)
        );
        prop_assert_eq!(
            serde_json::from_value::<ProjectId>(json).is_ok(),
            is_project_id(&value)
        );
    }

    #[test]
    fn id_types_refuse_every_other_json_type(value in any_json()) {
        let accepted = serde_json::from_value::<GraphId>(value.clone()).is_ok();
        prop_assert_eq!(accepted, value.as_str().is_some_and(is_graph_id));
        let accepted = serde_json::from_value::<JobId>(value.clone()).is_ok();
        prop_assert_eq!(accepted, value.as_str().is_some_and(is_graph_id));
        let accepted = serde_json::from_value::<ProjectId>(value.clone()).is_ok();
        prop_assert_eq!(accepted, value.as_str().is_some_and(is_project_id));
    }

    #[test]
    fn the_error_body_decoder_never_panics_and_keeps_messages_short(
        status in any::<u16>(),
        body in prop_oneof![
            any::<Vec<u8>>(),
            any_json().prop_map(|value| value.to_string().into_bytes()),
            (any_json(), any_json()).prop_map(|(code, message)| {
                json!({"error_code": code, "error_msg": message}).to_string().into_bytes()
            }),
            (any_json(), any_json()).prop_map(|(code, message)| {
                json!({"error": {"code": code, "message": message}}).to_string().into_bytes()
            }),
            prop::collection::vec(any::<u8>(), 0..4096)
                .prop_map(|tail| [b"{\"error_code\":\"".as_slice(), &tail].concat()),
        ],
        request_id in proptest::option::of(".{0,40}"),
    ) {
        let raw = RawResponse {
            status,
            request_id: request_id.clone(),
            body: Bytes::from(body),
        };
        let origin = runtime::Origin {
            operation: "StopGraph",
            service: "GES",
            answers: runtime::Answers::Quoted,
        };
        match runtime::decode_json::<ErrorBody>(origin, &raw) {
            Ok(decoded) => {
                let ges = GesError::from_body(status, &decoded, request_id);
                let _ = ges.to_string();
            }
            Err(error) => {
                let ges = GesError::from_undecoded(&error);
                prop_assert_eq!(ges.status, status);
                // The body shown is cut at 512 bytes, escaped as it must be.
                prop_assert!(ges.to_string().len() < 4 * 1024, "{}", ges.to_string().len());
                prop_assert!(error.to_string().len() < 4 * 1024);
            }
        }
        // The generated decoder of a whole answer, whatever the status.
        match StopGraphRequest::decode(&raw) {
            Ok(_) => {}
            Err(error) => {
                prop_assert!(error.to_string().len() < 4 * 1024);
            }
        }
    }

    #[test]
    fn http_events_with_any_path_never_panic_and_yield_only_valid_ids(
        segment in id_like(),
        encode in any::<bool>(),
        shape in 0..3usize,
    ) {
        let encoded = if encode { percent_encoded(&segment) } else { segment.clone() };
        let path = format!("/graphs/{encoded}/stop");
        let event = match shape {
            0 => {
                let mut event = example("apigw-http.json");
                event["rawPath"] = json!(path);
                event["pathParameters"]["graph_id"] = json!(segment);
                event
            }
            1 => {
                let mut event = example("apigw-rest.json");
                event["path"] = json!(path);
                event["pathParameters"]["graph_id"] = json!(segment);
                event
            }
            _ => {
                let mut event = example("function-url.json");
                event["rawPath"] = json!(path);
                event["requestContext"]["http"]["path"] = json!(path);
                event
            }
        };
        match ges_stop_lambda::event::parse(&event) {
            Ok(invocation) => {
                if let Some(ges_stop_lambda::event::Graphs::Named(ids)) = &invocation.request.graphs {
                    for id in ids {
                        prop_assert!(is_graph_id(id.as_str()), "{}", id);
                    }
                }
            }
            Err(error) => {
                prop_assert!(error.to_string().len() < 600);
            }
        }
    }
}
