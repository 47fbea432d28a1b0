//! SQS batches and SNS notifications through the handler in-process, against the
//! simulator on loopback: which messages the answer names, which calls GES got, FIFO
//! cut-offs and the deadline. (The release binary under the Lambda emulator:
//! `tests/tests/queue.rs`.)

use std::time::Duration;

mod common;

use common::context;
use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::vars;
use ges_client::run::RunError;
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_lambda::answer::FunctionError;
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Context, Diagnostic};
use serde_json::{Value, json};

const TOKEN: &str = "queue-test-token";

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graphs([
            GraphSpec::running(graph("g-1"), "one"),
            GraphSpec::running(graph("g-2"), "two"),
            GraphSpec::running(graph("g-3"), "three"),
        ])
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap()
}

/// One attempt per call: a failure is final at once.
fn handler(simulator: &RunningSimulator) -> Handler {
    common::token_handler(simulator, TOKEN, &[(vars::MAX_ATTEMPTS, "1")])
}

/// An SQS record of a standard queue (FIFO when `fifo`), from `examples/events/sqs.json`.
fn record(id: &str, body: &str, fifo: bool) -> Value {
    let example: Value =
        serde_json::from_str(include_str!("../../examples/events/sqs.json")).unwrap();
    let mut record = example["Records"][0].clone();
    record["messageId"] = json!(id);
    record["body"] = json!(body);
    if fifo {
        record["eventSourceARN"] = json!("arn:aws:sqs:us-west-2:123456789012:stops.fifo");
        record["attributes"]["MessageGroupId"] = json!("nightly");
    }
    record
}

fn stop(graph_id: &str) -> String {
    json!({ "graph_id": graph_id }).to_string()
}

/// The graphs GES was asked to stop, in order.
fn stops(simulator: &RunningSimulator) -> Vec<String> {
    simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(OperationKind::StopGraph))
        .map(|request| request.graph_id.as_ref().unwrap().to_string())
        .collect()
}

#[track_caller]
fn failures(answer: &Value) -> Vec<&str> {
    let object = answer.as_object().unwrap();
    assert_eq!(object.len(), 1, "nothing but batchItemFailures: {answer}");
    answer["batchItemFailures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|failure| {
            assert_eq!(failure.as_object().unwrap().len(), 1, "{failure}");
            failure["itemIdentifier"].as_str().unwrap()
        })
        .collect()
}

async fn invoke(handler: &Handler, payload: &Value, context: &Context) -> Value {
    handler
        .invoke(payload, context)
        .await
        .expect("an SQS batch always answers")
}

#[tokio::test]
async fn a_batch_names_exactly_the_messages_that_failed() {
    let simulator = simulator().await;
    simulator.fail_graph(&graph("g-2"), Fault::InternalServerError);
    let handler = handler(&simulator);
    let payload = json!({"Records": [
        record("good", &stop("g-1"), false),
        record("fails-at-ges", &stop("g-2"), false),
        record("not-json", "{\"graph_id\": \"g-3\"", false),
        record("http", include_str!("../../examples/events/apigw-http.json"), false),
        record("also-good", &json!({"graph_ids": ["g-3"]}).to_string(), false),
    ]});
    let answer = invoke(&handler, &payload, &context(Duration::from_secs(30))).await;
    assert_eq!(failures(&answer), ["fails-at-ges", "not-json", "http"]);
    // Each message ran as its own event; nothing was sent for the ones not read.
    assert_eq!(stops(&simulator), ["g-1", "g-2", "g-3"]);
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Stopping)
    );
    assert_eq!(
        simulator.graph_status(&graph("g-2")),
        Some(GraphStatus::Running)
    );

    // All done: no failure to name.
    simulator.clear_faults();
    let payload = json!({"Records": [record("again", &stop("g-2"), false)]});
    let answer = invoke(&handler, &payload, &context(Duration::from_secs(30))).await;
    assert_eq!(failures(&answer), [] as [&str; 0]);
}

#[tokio::test]
async fn a_fifo_batch_stops_at_its_first_failure_and_names_every_message_from_it() {
    let simulator = simulator().await;
    simulator.fail_graph(&graph("g-2"), Fault::InternalServerError);
    let handler = handler(&simulator);
    let payload = json!({"Records": [
        record("m-1", &stop("g-1"), true),
        record("m-2", &stop("g-2"), true),
        record("m-3", &stop("g-3"), true),
        record("m-4", "not even JSON", true),
    ]});
    let answer = invoke(&handler, &payload, &context(Duration::from_secs(30))).await;
    assert_eq!(failures(&answer), ["m-2", "m-3", "m-4"]);
    assert_eq!(
        stops(&simulator),
        ["g-1", "g-2"],
        "nothing after the failure"
    );

    // A body that cannot be read is a failure too, and cuts the batch there.
    simulator.clear_requests();
    let payload = json!({"Records": [
        record("m-5", "not even JSON", true),
        record("m-6", &stop("g-3"), true),
    ]});
    let answer = invoke(&handler, &payload, &context(Duration::from_secs(30))).await;
    assert_eq!(failures(&answer), ["m-5", "m-6"]);
    assert_eq!(stops(&simulator), [] as [&str; 0]);
}

#[tokio::test]
async fn no_message_starts_when_the_deadline_is_near() {
    let simulator = simulator().await;
    let handler = handler(&simulator);
    let payload = json!({"Records": [
        record("m-1", &stop("g-1"), false),
        record("m-2", &stop("g-2"), false),
    ]});
    // Less than the start margin (2 s) once the answer's 500 ms are kept back.
    let answer = invoke(&handler, &payload, &context(Duration::from_millis(2200))).await;
    assert_eq!(failures(&answer), ["m-1", "m-2"]);
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
}

#[tokio::test]
async fn a_batch_run_and_each_kind_of_event_in_one_batch() {
    let simulator = simulator().await;
    let handler = handler(&simulator);
    let example: Value =
        serde_json::from_str(include_str!("../../examples/events/sqs.json")).unwrap();
    // The example names graphs of the examples' project: the simulator has none of
    // them, and a run that fails at GES is a failure of its message.
    let answer = invoke(&handler, &example, &context(Duration::from_secs(30))).await;
    assert_eq!(failures(&answer), ["MessageID_1", "MessageID_2"]);
    assert_eq!(
        stops(&simulator),
        [
            "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
            "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f",
            "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a"
        ]
    );
}

fn notification(message: &str) -> Value {
    let mut event: Value =
        serde_json::from_str(include_str!("../../examples/events/sns.json")).unwrap();
    event["Records"][0]["Sns"]["Message"] = json!(message);
    event
}

#[tokio::test]
async fn a_notification_is_answered_as_its_event_alone() {
    let simulator = simulator().await;
    simulator.fail_graph(&graph("g-2"), Fault::InternalServerError);
    let handler = handler(&simulator);
    let ctx = context(Duration::from_secs(30));

    let answer = handler
        .invoke(&notification(&stop("g-1")), &ctx)
        .await
        .unwrap();
    assert_eq!(answer["graph_id"], "g-1");
    assert_eq!(answer["outcome"], "stopping");
    assert_eq!(
        answer["job_id"],
        simulator.last_stop_job(&graph("g-1")).unwrap().as_str()
    );

    // A failed run is the Lambda error it would be for the event alone: Lambda retries
    // the asynchronous invocation, then hands it to the on-failure destination.
    let error = handler
        .invoke(&notification(&stop("g-2")), &ctx)
        .await
        .unwrap_err();
    assert_eq!(Diagnostic::from(error).error_type, "UpstreamUnavailable");
    let error = handler
        .invoke(
            &notification(&json!({"graph_ids": ["g-3", "g-2"]}).to_string()),
            &ctx,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, FunctionError::Run(RunError::PartialFailure(_))),
        "{error}"
    );

    simulator.clear_requests();
    let error = handler
        .invoke(&notification("stop g-3"), &ctx)
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "InvalidEvent");
    assert!(
        diagnostic
            .error_message
            .starts_with("the SNS notification's \"Message\" is not JSON"),
        "{}",
        diagnostic.error_message
    );
    assert!(simulator.requests().is_empty());
}
