//! Queues and topics end to end: the release `ges-stop-lambda` binary under the Lambda
//! runtime emulator, invoked with an SQS batch and an SNS notification built on
//! `examples/events/sqs.json` and `sns.json`, talking to the simulator on loopback.
//!
//! The batch holds a message that stops a graph, one whose stop GES fails, and one whose
//! body does not parse: the answer must name exactly the last two, GES must see calls for
//! the first two only, and each message's log lines must carry its message id.

use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_e2e::{LambdaEmulator, LambdaFunction, workspace_root};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-queue-token-5c1a7e";
/// The project and graphs of `examples/events/`.
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const G3: &str = "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
/// How long log lines may trail the answer they belong to.
const LOG_WAIT: Duration = Duration::from_secs(5);

fn graph(id: &str) -> GraphId {
    id.parse().expect("a valid graph ID")
}

/// An event of `examples/events/`.
fn event(name: &str) -> Value {
    let path = workspace_root().join("examples/events").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("could not read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

async fn simulator() -> RunningSimulator {
    let graphs =
        [G1, G2, G3].map(|id| GraphSpec::running(graph(id), format!("graph-{}", &id[..8])));
    let simulator = Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    simulator
}

/// One attempt per call, so that the failing stop fails at once.
fn env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("GES_MAX_ATTEMPTS", "1".to_owned()),
    ]
}

/// The graphs the stop calls named, in order.
fn stops(simulator: &RunningSimulator) -> Vec<String> {
    simulator
        .requests()
        .into_iter()
        .filter(|request| request.operation == Some(OperationKind::StopGraph))
        .map(|request| {
            request
                .graph_id
                .unwrap_or_else(|| panic!("a stop without its graph: {}", request.path))
                .to_string()
        })
        .collect()
}

/// The message id a log line was written under, from its spans.
fn message_id_of(line: &Value) -> Option<&str> {
    std::iter::once(&line["span"])
        .chain(line["spans"].as_array().into_iter().flatten())
        .find_map(|span| span["message_id"].as_str())
}

fn request_id_of(line: &Value) -> Option<&str> {
    std::iter::once(&line["span"])
        .chain(line["spans"].as_array().into_iter().flatten())
        .find_map(|span| span["requestId"].as_str())
}

fn message_of(line: &Value) -> &str {
    line["fields"]["message"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn an_sqs_batch_names_exactly_its_failed_messages_and_an_sns_notification_runs() {
    let simulator = simulator().await;
    // Every call that names G2 fails: its stop is a failure at GES.
    simulator.fail_graph(&graph(G2), Fault::InternalServerError);
    let emulator = LambdaEmulator::start().await;
    let function = LambdaFunction::start(&emulator, env(&simulator)).await;

    // The example's records, with their bodies: G1 stopped, G2 failing at GES, and a
    // body that is no JSON.
    let mut batch = event("sqs.json");
    let template = batch["Records"][0].clone();
    let record = |id: &str, body: &str| {
        let mut record = template.clone();
        record["messageId"] = json!(id);
        record["body"] = json!(body);
        record
    };
    batch["Records"] = json!([
        record("good-message", &json!({"graph_id": G1}).to_string()),
        record(
            "failing-message",
            &json!({"graph_id": G2, "project_id": PROJECT}).to_string()
        ),
        record("unreadable-message", "{\"graph_id\": "),
    ]);
    let answer = function.invoke(&batch).await.answer().clone();
    assert_eq!(
        answer,
        json!({"batchItemFailures": [
            {"itemIdentifier": "failing-message"},
            {"itemIdentifier": "unreadable-message"},
        ]})
    );
    assert_eq!(
        stops(&simulator),
        [G1, G2],
        "nothing for the unreadable message"
    );
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Stopping)
    );
    assert_eq!(
        simulator.graph_status(&graph(G2)),
        Some(GraphStatus::Running)
    );

    // Each message's lines carry its id (and the invocation's request id).
    let line = function
        .wait_for_log(LOG_WAIT, |line| message_of(line) == "queue batch")
        .await;
    assert_eq!(line["fields"]["messages"], 3, "{line}");
    assert_eq!(line["fields"]["failed"], 2, "{line}");
    assert_eq!(line["fields"]["fifo"], false, "{line}");
    let logs = function.json_logs();
    let graph_line = logs
        .iter()
        .find(|line| message_of(line) == "graph" && line["fields"]["graph_id"] == G1)
        .unwrap_or_else(|| panic!("no graph line for G1:\n{}", function.diagnostics()));
    assert_eq!(
        message_id_of(graph_line),
        Some("good-message"),
        "{graph_line}"
    );
    assert!(request_id_of(graph_line).is_some(), "{graph_line}");
    let failed = logs
        .iter()
        .find(|line| message_of(line) == "message failed")
        .unwrap_or_else(|| panic!("no message failed line:\n{}", function.diagnostics()));
    assert_eq!(message_id_of(failed), Some("failing-message"), "{failed}");
    assert_eq!(
        failed["fields"]["error_type"], "UpstreamUnavailable",
        "{failed}"
    );
    let graph_failed = logs
        .iter()
        .find(|line| message_of(line) == "graph failed")
        .unwrap_or_else(|| panic!("no graph failed line:\n{}", function.diagnostics()));
    assert_eq!(message_id_of(graph_failed), Some("failing-message"));
    let invalid = logs
        .iter()
        .find(|line| message_of(line) == "invalid message")
        .unwrap_or_else(|| panic!("no invalid message line:\n{}", function.diagnostics()));
    assert_eq!(
        message_id_of(invalid),
        Some("unreadable-message"),
        "{invalid}"
    );
    assert!(
        invalid["fields"]["error"]
            .as_str()
            .is_some_and(|error| error.starts_with("the SQS message's body is not JSON")),
        "{invalid}"
    );

    // The SNS example stops G1 (already stopping: GES answers so) and answers as the
    // event alone would.
    simulator.clear_requests();
    let notification = event("sns.json");
    let answer = function.invoke(&notification).await.answer().clone();
    assert_eq!(answer["graph_id"], G1, "{answer}");
    assert_eq!(answer["project_id"], PROJECT, "{answer}");
    assert_eq!(answer["outcome"], "already_stopped", "{answer}");
    assert_eq!(stops(&simulator), [G1]);
    let line = function
        .wait_for_log(LOG_WAIT, |line| {
            message_of(line) == "graph"
                && message_id_of(line).is_some_and(|id| id.starts_with("8283"))
        })
        .await;
    assert_eq!(
        message_id_of(&line),
        Some("82833b5c-8d5d-56d0-b0e1-7511f8253eb8"),
        "{line}"
    );

    // A notification whose run fails is the Lambda error of its event: Lambda's
    // asynchronous retries and on-failure destination see it.
    let mut failing = notification.clone();
    failing["Records"][0]["Sns"]["Message"] = json!(json!({"graph_id": G2}).to_string());
    let error = function.invoke(&failing).await.error();
    assert_eq!(error.error_type, "UpstreamUnavailable", "{error:?}");
}
