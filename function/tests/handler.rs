//! The Lambda handler in-process against the simulator on loopback: outcomes, batches,
//! wait, dry run, allow-lists and deadlines. (Each trigger's shape under the real
//! runtime emulator is tested end to end in `tests/tests/lambda.rs`.)

use std::time::Duration;

mod common;

use common::context;
use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::vars;
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_lambda::answer::FunctionError;
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde_json::{Value, json};

const TOKEN: &str = "handler-test-token";

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator(stop: Duration) -> RunningSimulator {
    Simulator::builder()
        .graphs([
            GraphSpec::running(graph("g-1"), "one"),
            GraphSpec::running(graph("g-2"), "two"),
            GraphSpec::running(graph("g-3"), "three"),
            GraphSpec::running(graph("off"), "off").with_status(GraphStatus::Stopped),
        ])
        .token(TOKEN)
        .stop_duration(stop)
        .start()
        .await
        .unwrap()
}

fn handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    common::token_handler(simulator, TOKEN, extra)
}

async fn invoke(handler: &Handler, payload: Value) -> Result<Value, FunctionError> {
    handler
        .handle(LambdaEvent::new(payload, context(Duration::from_secs(30))))
        .await
}

fn stops(simulator: &RunningSimulator) -> usize {
    simulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(OperationKind::StopGraph))
        .count()
}

#[tokio::test]
async fn one_graph_answers_its_report_and_sends_one_request() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    assert_eq!(answer["graph_id"], "g-1");
    assert_eq!(answer["project_id"], simulator.project_id().as_str());
    assert_eq!(answer["outcome"], "stopping");
    assert_eq!(
        answer["job_id"],
        simulator.last_stop_job(&graph("g-1")).unwrap().as_str()
    );
    assert_eq!(
        simulator.requests().len(),
        1,
        "exactly one request per graph"
    );

    let answer = invoke(&handler, json!({"graph_id": "off"})).await.unwrap();
    assert_eq!(answer["outcome"], "already_stopped");
    assert_eq!(answer["job_id"], Value::Null);
}

#[tokio::test]
async fn a_batch_reports_every_graph_and_fails_as_a_whole_when_one_fails() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[(vars::MAX_CONCURRENCY, "2")]);
    let answer = invoke(&handler, json!({"graph_ids": ["g-1", "g-2", "off"]}))
        .await
        .unwrap();
    assert_eq!(answer["summary"]["selected"], 3);
    assert_eq!(answer["summary"]["stopping"], 2);
    assert_eq!(answer["summary"]["already_stopped"], 1);
    assert_eq!(answer["summary"]["failed"], 0);
    let ids: Vec<&str> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["graph_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["g-1", "g-2", "off"], "results keep the event's order");

    let error = invoke(&handler, json!({"graph_ids": ["g-3", "missing"]}))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "PartialFailure");
    let answer: Value = serde_json::from_str(&diagnostic.error_message).unwrap();
    assert_eq!(answer["summary"]["failed"], 1);
    assert_eq!(answer["results"][0]["outcome"], "stopping");
    assert_eq!(answer["results"][1]["error"]["code"], "GraphNotFound");
    assert!(answer["results"][1]["error"]["ges_request_id"].is_string());
    // The graph that could be stopped was: a retry of the whole event is harmless.
    assert_eq!(
        simulator.graph_status(&graph("g-3")),
        Some(GraphStatus::Stopping)
    );
}

#[tokio::test]
async fn failures_carry_their_kind_the_ges_code_and_request_id() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let diagnostic = Diagnostic::from(
        invoke(&handler, json!({"graph_id": "nope"}))
            .await
            .unwrap_err(),
    );
    assert_eq!(diagnostic.error_type, "GraphNotFound");
    let request_id = &simulator.requests()[0].request_id;
    assert!(
        diagnostic.error_message.contains(request_id.as_str()),
        "{}",
        diagnostic.error_message
    );
    assert!(
        diagnostic.error_message.contains("HTTP 404"),
        "{}",
        diagnostic.error_message
    );

    // As many failures as the client makes attempts (GES_MAX_ATTEMPTS, 3 by default).
    for _ in 0..3 {
        simulator.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
    }
    let diagnostic = Diagnostic::from(
        invoke(&handler, json!({"graph_id": "g-1"}))
            .await
            .unwrap_err(),
    );
    assert_eq!(diagnostic.error_type, "UpstreamUnavailable");
}

#[tokio::test]
async fn wait_reports_stopped_once_the_job_succeeds() {
    let simulator = simulator(Duration::from_millis(300)).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(&handler, json!({"graph_id": "g-1", "wait": true}))
        .await
        .unwrap();
    assert_eq!(answer["outcome"], "stopped", "{answer}");
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Stopped)
    );
}

#[tokio::test]
async fn wait_stops_early_at_the_deadline_and_says_the_job_still_runs() {
    let simulator = simulator(Duration::from_secs(60)).await;
    let handler = handler(&simulator, &[]);
    let started = std::time::Instant::now();
    let answer = handler
        .handle(LambdaEvent::new(
            json!({"graph_id": "g-1", "wait": true}),
            context(Duration::from_millis(1500)),
        ))
        .await
        .unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert!(
        matches!(answer["job_status"].as_str(), Some("pending" | "running")),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "answered before the deadline"
    );
}

#[tokio::test]
async fn a_wait_that_ends_before_its_first_look_says_it_did_not_look() {
    let simulator = simulator(Duration::from_secs(60)).await;
    // Shorter than the first pause before a look.
    let handler = handler(&simulator, &[(vars::WAIT_TIMEOUT, "0.1")]);
    let answer = invoke(&handler, json!({"graph_id": "g-1", "wait": true}))
        .await
        .unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert!(answer["job_id"].is_string(), "{answer}");
    // Not "pending": GES was never asked.
    assert!(answer.get("job_status").is_none(), "{answer}");
    let reason = answer["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("before the stop job was looked at"),
        "{answer}"
    );
    assert!(
        !simulator
            .requests()
            .iter()
            .any(|r| r.operation == Some(OperationKind::ShowJob)),
        "no look was made"
    );
}

#[tokio::test]
async fn a_partial_failure_over_http_answers_the_batch_with_an_error() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let mut request: Value =
        serde_json::from_str(include_str!("../../examples/events/fleet-http.json")).unwrap();
    request["body"] = json!(r#"{"graph_ids": ["g-3", "missing"]}"#);
    request["isBase64Encoded"] = json!(false);
    let answer = invoke(&handler, request).await.unwrap();
    assert_eq!(answer["statusCode"], 502, "{answer}");
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    // The batch itself, as a direct invoke's error message carries it...
    assert_eq!(body["results"][0]["outcome"], "stopping", "{body}");
    assert_eq!(body["results"][1]["graph_id"], "missing", "{body}");
    assert_eq!(
        body["results"][1]["error"]["code"], "GraphNotFound",
        "{body}"
    );
    assert_eq!(body["summary"]["failed"], 1, "{body}");
    assert_eq!(body["summary"]["stopping"], 1, "{body}");
    // ...with the error every HTTP failure has: a sentence, not the batch again.
    assert_eq!(body["error"]["code"], "PartialFailure", "{body}");
    assert_eq!(body["error"]["request_id"], "req-test", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.starts_with("1 of 2 graphs failed"), "{message}");
    assert!(!message.contains('{'), "{message}");
}

#[tokio::test]
async fn an_unusable_deadline_falls_back_to_the_wait_timeout() {
    // The runtime emulator sends 600000 (not an epoch): already past.
    let simulator = simulator(Duration::from_secs(60)).await;
    let handler = handler(&simulator, &[(vars::WAIT_TIMEOUT, "1")]);
    let mut context = Context::default();
    context.deadline = 600_000;
    let answer = handler
        .handle(LambdaEvent::new(
            json!({"graph_id": "g-1", "wait": true}),
            context,
        ))
        .await
        .unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert!(answer["job_status"].is_string(), "{answer}");
}

/// A context whose deadline passed `ago`.
fn past(ago: Duration) -> Context {
    let mut context = Context::default();
    context.request_id = "req-test".to_owned();
    context.deadline = (std::time::SystemTime::now() - ago)
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    context
}

/// A deadline already past (a real instant, after 2000-01-01) leaves no time for any
/// call: nothing is sent, not even a listing, and the answer is DeadlineExceeded. Not
/// "no deadline", which would send the stop with no time limit at all.
#[tokio::test]
async fn a_deadline_already_past_sends_nothing() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let events = [
        json!({"graph_id": "g-1"}),
        json!({"graph_ids": ["g-1", "g-2"], "wait": true}),
        json!({"selector": {"name": "*"}}),
        json!({"graph_id": "g-1", "dry_run": true}),
    ];
    // Just now, within Lambda's longest timeout, and long ago (a clock set after 2000
    // is believed: the safe side of a wrong one is to send nothing).
    for ago in [
        Duration::from_millis(1),
        Duration::from_secs(14 * 60),
        Duration::from_secs(3 * 3600),
    ] {
        for event in &events {
            let error = handler
                .handle(LambdaEvent::new(event.clone(), past(ago)))
                .await
                .unwrap_err();
            let diagnostic = Diagnostic::from(error);
            assert_eq!(diagnostic.error_type, "DeadlineExceeded", "{ago:?} {event}");
            assert!(
                diagnostic.error_message.contains("nothing was sent"),
                "{diagnostic:?}"
            );
        }
        // An HTTP caller gets its 504; a queue's messages are all delivered again.
        let request: Value =
            serde_json::from_str(include_str!("../../examples/events/apigw-http.json")).unwrap();
        let answer = handler
            .handle(LambdaEvent::new(request, past(ago)))
            .await
            .unwrap();
        assert_eq!(answer["statusCode"], 504, "{answer}");
        let queue: Value =
            serde_json::from_str(include_str!("../../examples/events/sqs.json")).unwrap();
        let answer = handler
            .handle(LambdaEvent::new(queue, past(ago)))
            .await
            .unwrap();
        assert_eq!(
            answer["batchItemFailures"].as_array().map(Vec::len),
            Some(2),
            "{answer}"
        );
    }
    assert_eq!(simulator.requests().len(), 0, "nothing sent");
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Running)
    );
}

/// What emulators send, 0 or an instant before 2000-01-01, is still no deadline: the
/// run goes ahead, bounded by the configured timeouts.
#[tokio::test]
async fn a_deadline_of_zero_or_before_2000_is_none() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    // 1999-12-31T23:59:59.999Z.
    for deadline in [0, 946_684_799_999] {
        let mut context = Context::default();
        context.deadline = deadline;
        let answer = handler
            .handle(LambdaEvent::new(json!({"graph_id": "g-1"}), context))
            .await
            .unwrap();
        assert!(
            ["stopping", "already_stopped"].contains(&answer["outcome"].as_str().unwrap_or("")),
            "{answer}"
        );
    }
    assert_eq!(stops(&simulator), 2);
}

#[tokio::test]
async fn a_slow_ges_hits_the_deadline_with_deadline_exceeded() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    simulator.fail_next(
        OperationKind::StopGraph,
        Fault::Delay(Duration::from_secs(5)),
    );
    let error = handler
        .handle(LambdaEvent::new(
            json!({"graph_id": "g-1"}),
            context(Duration::from_millis(1200)),
        ))
        .await
        .unwrap_err();
    assert_eq!(Diagnostic::from(error).error_type, "DeadlineExceeded");
}

#[tokio::test]
async fn dry_run_reports_what_would_be_stopped_and_stops_nothing() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"graph_ids": ["g-1", "off"], "dry_run": true}),
    )
    .await
    .unwrap();
    assert_eq!(answer["results"][0]["outcome"], "would_stop");
    assert_eq!(answer["results"][0]["graph_status"], "200");
    assert_eq!(answer["results"][1]["outcome"], "already_stopped");
    assert_eq!(answer["summary"]["would_stop"], 1);
    assert_eq!(stops(&simulator), 0);
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn the_allow_list_is_checked_before_anything_is_sent() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[(vars::ALLOWED_GRAPH_IDS, "g-1,g-2")]);
    let error = invoke(&handler, json!({"graph_ids": ["g-1", "g-3"]}))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "NotAllowed");
    assert!(
        diagnostic.error_message.contains("g-3"),
        "{}",
        diagnostic.error_message
    );
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );

    let handler = self::handler(
        &simulator,
        &[(vars::ALLOWED_PROJECT_IDS, "someotherproject")],
    );
    let error = invoke(&handler, json!({"graph_id": "g-1"}))
        .await
        .unwrap_err();
    assert_eq!(Diagnostic::from(error).error_type, "NotAllowed");
    assert!(simulator.requests().is_empty());
}

#[tokio::test]
async fn a_classic_schedule_stops_the_configured_graphs() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let schedule = json!({
        "version": "0",
        "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2015-10-08T16:53:06Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/my-scheduled-rule"],
        "detail": {}
    });
    let handler = handler(&simulator, &[(vars::GRAPH_IDS, "g-1,g-2")]);
    let answer = invoke(&handler, schedule.clone()).await.unwrap();
    assert_eq!(answer["summary"]["stopping"], 2, "{answer}");

    let unconfigured = self::handler(&simulator, &[]);
    let error = invoke(&unconfigured, schedule).await.unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "NoGraphsConfigured");
    assert!(diagnostic.error_message.contains("GES_GRAPH_IDS"));
}

#[tokio::test]
async fn an_invalid_event_is_an_invalid_event_error_and_sends_nothing() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    for payload in [
        json!({}),
        json!({"graph_id": "../g-1"}),
        json!({"graph_id": "g-1", "graph_ids": ["g-2"]}),
        json!({"grahp_id": "g-1"}),
        json!([1, 2]),
        json!("g-1"),
    ] {
        let error = invoke(&handler, payload.clone()).await.unwrap_err();
        let diagnostic = Diagnostic::from(error);
        assert_eq!(diagnostic.error_type, "InvalidEvent", "{payload}");
        assert!(
            diagnostic.error_message.len() < 600,
            "{}",
            diagnostic.error_message
        );
    }
    assert!(simulator.requests().is_empty());
}

#[tokio::test]
async fn the_event_may_name_the_project() {
    let simulator = simulator(Duration::from_secs(5)).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"graph_id": "g-1", "project_id": simulator.project_id().as_str()}),
    )
    .await
    .unwrap();
    assert_eq!(answer["outcome"], "stopping");
}
