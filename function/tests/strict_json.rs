//! Payloads read whole and strictly, as the runtime hands them over
//! ([`Handler::invoke_text`]): a key given twice anywhere (the envelope, an EventBridge
//! `detail`, a CloudEvent's `data`, an HTTP body, an SQS body, an SNS message) or
//! anything after the payload is refused as any bad event is, and nothing reaches GES.
//! `GES_SELECTORS` is read the same way.

mod common;

use std::time::Duration;

use ges_client::run::Settings;
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Context, Diagnostic};
use serde_json::{Value, json};

const TOKEN: &str = "strict-json-token";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graph(GraphSpec::running(G1.parse().unwrap(), "one"))
        .token(TOKEN)
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

/// `value` as text, with `"dry_run":true` (which it must hold once) followed by
/// `"dry_run":false`: whoever keeps the last key sends a real stop.
fn doubled(value: &Value) -> String {
    let text = value.to_string();
    assert_eq!(text.matches(r#""dry_run":true"#).count(), 1, "{text}");
    text.replace(r#""dry_run":true"#, r#""dry_run":true,"dry_run":false"#)
}

/// The direct event, as text with `dry_run` twice.
fn direct_doubled() -> String {
    doubled(&json!({"graph_id": G1, "dry_run": true}))
}

/// The refusal of `payload`: its Lambda error, or the HTTP answer's status and message.
async fn refusal(handler: &Handler, payload: &str) -> (String, String) {
    match handler.invoke_text(payload, &context()).await {
        Ok(answer) if answer.get("statusCode").is_some() => {
            let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
            (
                answer["statusCode"].to_string(),
                body["error"]["message"].as_str().unwrap().to_owned(),
            )
        }
        Ok(answer) => panic!("accepted: {answer}\n{payload:.400}"),
        Err(error) => {
            let diagnostic = Diagnostic::from(error);
            (diagnostic.error_type, diagnostic.error_message)
        }
    }
}

#[tokio::test]
async fn a_key_given_twice_anywhere_in_a_payload_is_refused_and_nothing_is_sent() {
    let simulator = simulator().await;
    let handler = handler(&simulator);

    let mut eventbridge = example("eventbridge-custom.json");
    eventbridge["detail"]["dry_run"] = json!(true);
    let mut cloudevent = example("cloudevent.json");
    cloudevent["data"]["dry_run"] = json!(true);
    let mut rest = example("apigw-rest.json");
    rest["body"] = json!(r#"{"dry_run": true, "dry_run": false}"#);
    rest["isBase64Encoded"] = json!(false);
    let mut http = example("apigw-http.json");
    http["body"] = json!(r#"{"wait": false, "dry_run": true, "wait": true}"#);
    http["isBase64Encoded"] = json!(false);
    let mut sns = example("sns.json");
    sns["Records"][0]["Sns"]["Message"] = json!(direct_doubled());
    // The envelope itself: the runtime would have merged these before the handler saw
    // them, had it parsed the payload.
    let envelope = example("eventbridge-custom.json").to_string().replacen(
        r#""source":"aws.ec2""#,
        r#""source":"aws.ec2","source":"x""#,
        1,
    );
    let payloads = [
        (
            "direct",
            direct_doubled(),
            "InvalidEvent",
            "the event gives the key dry_run twice",
        ),
        (
            "EventBridge detail",
            doubled(&eventbridge),
            "InvalidEvent",
            "the event gives the key detail.dry_run twice",
        ),
        (
            "EventBridge envelope",
            envelope,
            "InvalidEvent",
            "the event gives the key source twice",
        ),
        (
            "CloudEvent data",
            doubled(&cloudevent),
            "InvalidEvent",
            "the event gives the key data.dry_run twice",
        ),
        (
            "REST API body",
            rest.to_string(),
            "400",
            "the request body gives the key dry_run twice",
        ),
        (
            "HTTP API body",
            http.to_string(),
            "400",
            "the request body gives the key wait twice",
        ),
        (
            "SNS message",
            sns.to_string(),
            "InvalidEvent",
            "the SNS notification's \"Message\" gives the key dry_run twice",
        ),
    ];
    for (shape, payload, kind, message) in payloads {
        let (found_kind, found_message) = refusal(&handler, &payload).await;
        assert_eq!(found_kind, kind, "{shape}: {found_message}");
        assert!(
            found_message.starts_with(message),
            "{shape}: want {message:?}: {found_message}"
        );
        assert!(found_message.len() < 600, "{shape}: {found_message}");
        assert!(
            simulator.requests().is_empty(),
            "{shape}: sent {:?}",
            simulator.requests()
        );
    }
}

#[tokio::test]
async fn an_sqs_body_with_a_key_twice_fails_its_message_alone() {
    let simulator = simulator().await;
    let handler = handler(&simulator);
    let mut sqs = example("sqs.json");
    let records = sqs["Records"].as_array_mut().unwrap();
    records.truncate(1);
    records[0]["body"] = json!(direct_doubled());
    let id = records[0]["messageId"].as_str().unwrap().to_owned();
    let answer = handler
        .invoke_text(&sqs.to_string(), &context())
        .await
        .unwrap();
    assert_eq!(
        answer,
        json!({"batchItemFailures": [{"itemIdentifier": id}]})
    );
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
}

#[tokio::test]
async fn anything_after_the_payload_is_refused_and_nothing_is_sent() {
    let simulator = simulator().await;
    let handler = handler(&simulator);
    let event = json!({"graph_id": G1}).to_string();
    for after in [" x", r#" {"graph_id": "other"}"#, "}", " // stop it"] {
        let (kind, message) = refusal(&handler, &format!("{event}{after}")).await;
        assert_eq!(kind, "InvalidEvent", "{after:?}: {message}");
        assert!(
            message.starts_with("the event has more after its JSON value (line 1, column "),
            "{after:?}: {message}"
        );
    }
    let mut sns = example("sns.json");
    sns["Records"][0]["Sns"]["Message"] = json!(format!("{event} trailing"));
    let (kind, message) = refusal(&handler, &sns.to_string()).await;
    assert_eq!(kind, "InvalidEvent", "{message}");
    assert!(
        message.starts_with("the SNS notification's \"Message\" has more after its JSON value"),
        "{message}"
    );
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );

    // The same event, once and alone, is served.
    let answer = handler
        .invoke_text(&format!(" {event}\n"), &context())
        .await
        .unwrap();
    assert_eq!(answer["graph_id"], G1, "{answer}");
}

#[test]
fn selectors_with_a_key_twice_are_refused_at_start_up() {
    for (value, path) in [
        (r#"{"name":"no-match-*","name":"*"}"#, "name"),
        (
            r#"[{"tags": {"env": "dev", "env": "prod"}}]"#,
            "[0].tags.env",
        ),
    ] {
        let error =
            Settings::from_lookup(|name| (name == "GES_SELECTORS").then(|| value.to_owned()))
                .unwrap_err()
                .to_string();
        assert!(
            error.starts_with(&format!("GES_SELECTORS gives the key {path} twice")),
            "{error}"
        );
    }
    let error = Settings::from_lookup(|name| {
        (name == "GES_SELECTORS").then(|| r#"{"name": "*"} {"name": "x"}"#.to_owned())
    })
    .unwrap_err()
    .to_string();
    assert!(
        error.starts_with("GES_SELECTORS has more after its JSON value"),
        "{error}"
    );
}
