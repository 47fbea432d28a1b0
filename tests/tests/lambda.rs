//! The release `ges-stop-lambda` binary under a real Lambda runtime emulator
//! (`cargo lambda watch --only-lambda-apis`, see `ges_stop_e2e::lambda`), talking to the
//! simulator on loopback, invoked with every trigger shape of `examples/events/`.
//!
//! Each test starts one emulator and one function process for a configuration and sends
//! it several events in turn; the simulator's journal says what reached GES.

use std::collections::BTreeSet;
use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus, JobStatus};
use ges_simulator::{
    Authentication, Fault, GraphSpec, OperationKind, RequestRecord, RunningSimulator, Scheme,
    Simulator,
};
use ges_stop_e2e::lambda::{HttpAnswer, NoAnswer};
use ges_stop_e2e::{Invocation, LambdaEmulator, LambdaFunction, workspace_root};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-lambda-token-3b9d51";
const AK: &str = "E2ELAMBDAACCESSKEY00";
const SK: &str = "e2e-lambda-secret-key-c4e82a";
/// The project and graphs of `examples/events/`.
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const G2: &str = "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f";
const G3: &str = "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
/// A well-formed graph id the simulator does not have.
const UNKNOWN: &str = "9e4f3a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b";
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

/// The same event with every `from` (an id, in paths, path parameters and bodies)
/// replaced by `to`.
fn replaced(event: &Value, from: &str, to: &str) -> Value {
    serde_json::from_str(&event.to_string().replace(from, to)).expect("still JSON")
}

/// The same event with another `body`.
fn with_body(event: &Value, body: Option<&str>) -> Value {
    let mut event = event.clone();
    event["body"] = body.map_or(Value::Null, |body| Value::String(body.to_owned()));
    event
}

async fn simulator(
    graphs: impl IntoIterator<Item = GraphSpec>,
    stop_duration: Duration,
) -> RunningSimulator {
    let simulator = Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .ak_sk(AK, SK)
        .stop_duration(stop_duration)
        .start()
        .await
        .expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    simulator
}

fn running(id: &str) -> GraphSpec {
    GraphSpec::running(graph(id), format!("graph-{}", &id[..8]))
}

fn token_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
    ]
}

fn aksk_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_SDK_AK", AK.to_owned()),
        ("HUAWEICLOUD_SDK_SK", SK.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
    ]
}

/// The stop calls the simulator received.
fn stop_calls(simulator: &RunningSimulator) -> Vec<RequestRecord> {
    simulator
        .requests()
        .into_iter()
        .filter(|request| request.operation == Some(OperationKind::StopGraph))
        .collect()
}

/// The graphs the stop calls named, from their paths.
fn stopped_graphs(simulator: &RunningSimulator) -> BTreeSet<String> {
    stop_calls(simulator)
        .iter()
        .map(|request| {
            let rest = request
                .path
                .split("/graphs/")
                .nth(1)
                .unwrap_or_else(|| panic!("a stop path: {}", request.path));
            rest.trim_end_matches("/stop").to_owned()
        })
        .collect()
}

fn set_of(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

/// Asserts that nothing at all reached GES.
#[track_caller]
fn assert_nothing_sent(simulator: &RunningSimulator, what: &str) {
    let requests = simulator.requests();
    assert!(requests.is_empty(), "{what}: GES was called: {requests:?}");
}

/// Asserts one graph's report, as a single answer or a batch entry.
#[track_caller]
fn assert_report(report: &Value, simulator: &RunningSimulator, graph_id: &str, outcome: &str) {
    assert_eq!(report["graph_id"], graph_id, "{report}");
    assert_eq!(report["project_id"], PROJECT, "{report}");
    assert_eq!(report["outcome"], outcome, "{report}");
    assert!(report.get("error").is_none(), "{report}");
    match outcome {
        "stopping" | "stopped" => {
            let job_id = simulator
                .last_stop_job(&graph(graph_id))
                .unwrap_or_else(|| panic!("{graph_id} was never stopped: {report}"));
            assert_eq!(report["job_id"], job_id.as_str(), "{report}");
        }
        _ => assert!(report["job_id"].is_null(), "{report}"),
    }
}

/// Asserts a batch answer: one report per graph, in order, and the counts.
#[track_caller]
fn assert_batch(answer: &Value, simulator: &RunningSimulator, expected: &[(&str, &str)]) {
    let results = answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("a batch answer has results: {answer}"));
    assert_eq!(results.len(), expected.len(), "{answer}");
    for (report, (graph_id, outcome)) in results.iter().zip(expected) {
        assert_report(report, simulator, graph_id, outcome);
    }
    let summary = &answer["summary"];
    assert_eq!(summary["selected"], expected.len(), "{answer}");
    assert_eq!(summary["failed"], 0, "{answer}");
    for outcome in ["stopping", "already_stopped", "stopped", "would_stop"] {
        let count = expected.iter().filter(|(_, o)| *o == outcome).count();
        assert_eq!(summary[outcome], count, "{outcome} in {answer}");
    }
}

/// The HTTP answer of an invocation; every one must be JSON, and say so.
#[track_caller]
fn http(invocation: &Invocation) -> HttpAnswer {
    let answer = invocation.http();
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{answer:?}"
    );
    answer
}

/// Asserts an HTTP error answer: its status and `{"error": {"code", "message",
/// "request_id"}}`; returns the error object.
#[track_caller]
fn assert_http_error(answer: &HttpAnswer, status: u16, code: &str) -> Value {
    assert_eq!(answer.status, status, "{answer:?}");
    let error = &answer.body["error"];
    assert_eq!(error["code"], code, "{answer:?}");
    assert!(
        error["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{answer:?}"
    );
    assert!(
        error["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{answer:?}"
    );
    error.clone()
}

/// The Lambda request id a log line was written under, from its spans.
fn request_id_of(line: &Value) -> Option<&str> {
    std::iter::once(&line["span"])
        .chain(line["spans"].as_array().into_iter().flatten())
        .find_map(|span| span["requestId"].as_str())
}

/// A per-graph log line: one that names a graph in its own fields.
fn graph_of(line: &Value) -> Option<&str> {
    line["fields"]["graph_id"].as_str()
}

/// Asserts that no text holds `secret`.
#[track_caller]
fn assert_no_secret<'a>(texts: impl IntoIterator<Item = &'a str>, secret: &str) {
    for text in texts {
        assert!(!text.contains(secret), "a secret was repeated: {text}");
    }
}

#[tokio::test]
async fn every_trigger_shape_stops_its_graphs() {
    let simulator = simulator(
        [running(G1), running(G2), running(G3)],
        Duration::from_secs(60),
    )
    .await;
    let emulator = LambdaEmulator::start().await;
    let mut env = token_env(&simulator);
    env.push(("GES_GRAPH_IDS", format!("{G2},{G3}")));
    env.push(("GES_MAX_CONCURRENCY", "2".to_owned()));
    let mut function = LambdaFunction::start(&emulator, env).await;

    // (fixture, the graphs it stops, in the answer's order, whether it is HTTP)
    let cases: [(&str, &[&str], bool); 10] = [
        ("direct-one.json", &[G1], false),
        ("direct-many.json", &[G1, G2, G3], false),
        ("schedule-v2.json", &[G1, G2], false),
        ("eventbridge-schedule.json", &[G2, G3], false),
        ("eventbridge-custom.json", &[G1], false),
        ("cloudevent.json", &[G1, G2], false),
        ("apigw-rest.json", &[G1], true),
        ("apigw-rest-projects.json", &[G1], true),
        ("apigw-http.json", &[G1], true),
        ("function-url.json", &[G1], true),
    ];
    let mut answers = Vec::new();
    let mut first_job = None;
    for (fixture, graphs, is_http) in cases {
        for id in [G1, G2, G3] {
            simulator.put_graph(running(id));
        }
        simulator.clear_requests();

        let invocation = function.invoke(&event(fixture)).await;
        let answer = if is_http {
            let answer = http(&invocation);
            assert_eq!(answer.status, 200, "{fixture}: {answer:?}");
            answer.body
        } else {
            invocation.answer().clone()
        };
        if let [graph_id] = graphs {
            assert_report(&answer, &simulator, graph_id, "stopping");
        } else {
            let expected: Vec<(&str, &str)> = graphs.iter().map(|g| (*g, "stopping")).collect();
            assert_batch(&answer, &simulator, &expected);
        }
        assert_eq!(stopped_graphs(&simulator), set_of(graphs), "{fixture}");
        for request in simulator.requests() {
            assert_eq!(
                request.authentication,
                Authentication::Accepted(Scheme::Token),
                "{fixture}: {request:?}"
            );
        }
        for id in [G1, G2, G3] {
            let status = simulator.graph_status(&graph(id));
            let expected = if graphs.contains(&id) {
                GraphStatus::Stopping
            } else {
                GraphStatus::Running
            };
            assert_eq!(status, Some(expected), "{fixture}: {id}");
        }
        if fixture == "direct-one.json" {
            first_job = answer["job_id"].as_str().map(str::to_owned);
        }
        answers.push(answer.to_string());
    }

    // One log line per graph stopped: 15 stops in all, each line carrying the graph,
    // its outcome and job, the latency, and the invocation's request id.
    let stops = 1 + 3 + 2 + 2 + 1 + 2 + 4;
    function
        .wait_for_logs(LOG_WAIT, stops, |line| graph_of(line).is_some())
        .await;
    let output = function.stop().await;
    let logs: Vec<Value> = output
        .stdout_lines
        .iter()
        .map(|line| serde_json::from_str(line).expect("every log line is JSON"))
        .collect();
    let per_graph: Vec<&Value> = logs.iter().filter(|l| graph_of(l).is_some()).collect();
    assert_eq!(per_graph.len(), stops, "{:#?}", output.stdout_lines);
    let mut request_ids = BTreeSet::new();
    for line in &per_graph {
        let fields = &line["fields"];
        assert!(fields.get("outcome").is_some(), "{line}");
        assert!(fields.get("job_id").is_some(), "{line}");
        assert!(fields["latency_ms"].is_number(), "{line}");
        let request_id = request_id_of(line).unwrap_or_else(|| panic!("no requestId: {line}"));
        request_ids.insert(request_id.to_owned());
    }
    assert_eq!(request_ids.len(), 10, "one request id per invocation");
    let first_job = first_job.expect("direct-one answered a job");
    assert_eq!(per_graph[0]["fields"]["graph_id"], G1);
    assert_eq!(per_graph[0]["fields"]["job_id"], first_job.as_str());

    // No allow-list: said once, at start-up (outside any invocation).
    let notices: Vec<&Value> = logs
        .iter()
        .filter(|line| line.to_string().contains("GES_ALLOWED_GRAPH_IDS"))
        .collect();
    assert_eq!(notices.len(), 1, "{notices:#?}");
    assert_eq!(request_id_of(notices[0]), None, "{}", notices[0]);

    assert_no_secret(output.stdout_lines.iter().map(String::as_str), TOKEN);
    assert_no_secret([output.stderr.as_str()], TOKEN);
    assert_no_secret(answers.iter().map(String::as_str), TOKEN);
}

#[tokio::test]
async fn outcomes_wait_dry_run_and_a_batch_with_an_unknown_graph_with_aksk() {
    let simulator = simulator(
        [running(G1), running(G2).with_status(GraphStatus::Stopped)],
        Duration::from_millis(300),
    )
    .await;
    let emulator = LambdaEmulator::start().await;
    let mut env = aksk_env(&simulator);
    env.push(("GES_WAIT_TIMEOUT_SECS", "20".to_owned()));
    let mut function = LambdaFunction::start(&emulator, env).await;
    let mut answers = Vec::new();

    // A graph that is not running is already stopped: an outcome, not a failure.
    let invocation = function.invoke(&json!({ "graph_id": G2 })).await;
    assert_report(invocation.answer(), &simulator, G2, "already_stopped");
    answers.push(invocation.body.to_string());

    // wait: the job is followed until it succeeds.
    simulator.clear_requests();
    let invocation = function
        .invoke(&json!({ "graph_id": G1, "wait": true }))
        .await;
    assert_report(invocation.answer(), &simulator, G1, "stopped");
    let job_id = simulator.last_stop_job(&graph(G1)).unwrap();
    assert_eq!(simulator.job_status(&job_id), Some(JobStatus::Success));
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Stopped)
    );
    assert!(
        simulator
            .requests()
            .iter()
            .any(|request| request.operation == Some(OperationKind::ShowJob)),
        "the job was looked at: {:?}",
        simulator.requests()
    );
    answers.push(invocation.body.to_string());

    // wait through an HTTP API, from the body.
    simulator.put_graph(running(G1));
    let request = with_body(&event("apigw-http.json"), Some(r#"{"wait": true}"#));
    let invocation = function.invoke(&request).await;
    let answer = http(&invocation);
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_report(&answer.body, &simulator, G1, "stopped");
    answers.push(invocation.body.to_string());

    // dry_run: reports what would happen and stops nothing.
    simulator.put_graph(running(G1));
    simulator.clear_requests();
    let invocation = function
        .invoke(&json!({ "graph_ids": [G1, G2], "dry_run": true }))
        .await;
    assert_batch(
        invocation.answer(),
        &simulator,
        &[(G1, "would_stop"), (G2, "already_stopped")],
    );
    let invocation = function
        .invoke(&json!({ "graph_id": G1, "dry_run": true }))
        .await;
    assert_report(invocation.answer(), &simulator, G1, "would_stop");
    answers.push(invocation.body.to_string());
    assert!(
        stop_calls(&simulator).is_empty(),
        "a dry run sent a stop: {:?}",
        simulator.requests()
    );
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running)
    );

    // A batch with an unknown graph: the others are stopped and reported, and the
    // invocation fails so that the trigger's retry and dead-letter queue see it.
    simulator.clear_requests();
    let many = event("direct-many.json"); // G1 running, G2 stopped, G3 unknown
    let invocation = function.invoke(&many).await;
    let error = invocation.error();
    assert_eq!(error.error_type, "PartialFailure", "{error:?}");
    let batch = batch_in_message(&error.error_message);
    let results = batch["results"].as_array().expect("results");
    assert_eq!(results.len(), 3, "{batch}");
    assert_report(&results[0], &simulator, G1, "stopping");
    assert_report(&results[1], &simulator, G2, "already_stopped");
    let unknown = &results[2];
    assert_eq!(unknown["graph_id"], G3, "{batch}");
    assert_eq!(unknown["project_id"], PROJECT, "{batch}");
    assert_eq!(unknown["error"]["code"], "GraphNotFound", "{batch}");
    let not_found = simulator
        .requests()
        .into_iter()
        .find(|request| request.status == 404)
        .expect("GES answered 404 for the unknown graph");
    assert!(
        unknown["error"]
            .to_string()
            .contains(not_found.request_id.as_str()),
        "GES's request id is in the error: {batch}"
    );
    assert!(unknown["error"].to_string().contains("GES.8011"), "{batch}");
    let summary = &batch["summary"];
    assert_eq!(
        (
            &summary["selected"],
            &summary["stopping"],
            &summary["already_stopped"],
            &summary["failed"]
        ),
        (&json!(3), &json!(1), &json!(1), &json!(1)),
        "{batch}"
    );
    answers.push(error.error_message.clone());

    // Retrying the whole event is harmless: what was stopped is already stopped.
    let job = simulator.last_stop_job(&graph(G1));
    let invocation = function.invoke(&many).await;
    let error = invocation.error();
    assert_eq!(error.error_type, "PartialFailure", "{error:?}");
    let batch = batch_in_message(&error.error_message);
    assert_report(&batch["results"][0], &simulator, G1, "already_stopped");
    assert_report(&batch["results"][1], &simulator, G2, "already_stopped");
    assert_eq!(batch["results"][2]["error"]["code"], "GraphNotFound");
    assert_eq!(
        simulator.last_stop_job(&graph(G1)),
        job,
        "no second stop job"
    );

    // The failed graph's log line names it, under the invocation's request id.
    let line = function
        .wait_for_log(LOG_WAIT, |line| graph_of(line) == Some(G3))
        .await;
    assert!(request_id_of(&line).is_some(), "{line}");

    for request in simulator.requests() {
        assert_eq!(
            request.authentication,
            Authentication::Accepted(Scheme::AkSk),
            "{request:?}"
        );
    }
    let output = function.stop().await;
    assert_no_secret(output.stdout_lines.iter().map(String::as_str), SK);
    assert_no_secret([output.stderr.as_str()], SK);
    assert_no_secret(answers.iter().map(String::as_str), SK);
}

/// The batch answer a `PartialFailure` message carries: the JSON object in it.
#[track_caller]
fn batch_in_message(message: &str) -> Value {
    let start = message
        .find('{')
        .unwrap_or_else(|| panic!("no JSON in the message: {message}"));
    serde_json::from_str(&message[start..])
        .unwrap_or_else(|error| panic!("the message's JSON does not parse ({error}): {message}"))
}

#[tokio::test]
async fn refusals_are_http_statuses_for_gateways_and_typed_errors_for_events() {
    let simulator = simulator([running(G1), running(G2)], Duration::from_secs(60)).await;
    let emulator = LambdaEmulator::start().await;
    let mut env = token_env(&simulator);
    env.push(("GES_ALLOWED_GRAPH_IDS", format!("{G1},{UNKNOWN}")));
    env.push(("GES_ALLOWED_PROJECT_IDS", PROJECT.to_owned()));
    env.push(("GES_WAIT_TIMEOUT_SECS", "1".to_owned()));
    let function = LambdaFunction::start(&emulator, env).await;

    // Events that cannot be served: InvalidEvent, and nothing reaches GES.
    let invalid = [
        json!({ "nonsense": 1 }),
        json!({ "graph_id": "../etc" }),
        json!({ "graph_ids": [] }),
        json!({ "graph_id": G1, "wait": "yes" }),
        json!([G1]),
        {
            let mut cloudevent = event("cloudevent.json");
            cloudevent["data"] = json!({});
            cloudevent
        },
    ];
    for request in &invalid {
        let error = function.invoke(request).await.error();
        assert_eq!(error.error_type, "InvalidEvent", "{request}: {error:?}");
        assert!(!error.error_message.is_empty());
    }
    let error = function.invoke(&invalid[0]).await.error();
    assert!(
        error.error_message.contains("graph_id") && error.error_message.contains("accepted"),
        "the message says which shapes are accepted: {}",
        error.error_message
    );
    // A bad id or body from an HTTP caller: 400.
    let bad_id = replaced(&event("apigw-rest.json"), G1, "g!bad");
    assert_http_error(&http(&function.invoke(&bad_id).await), 400, "InvalidEvent");
    for body in [r#"{"wait": "#, r#"{"wait": "yes"}"#] {
        let request = with_body(&event("apigw-http.json"), Some(body));
        let answer = http(&function.invoke(&request).await);
        assert_eq!(answer.status, 400, "{body}: {answer:?}");
    }
    assert_nothing_sent(&simulator, "invalid events");

    // Outside the allow-lists: 403 for HTTP callers, NotAllowed for events, and
    // nothing is sent, not even for the allowed graph of a batch.
    let answer = http(
        &function
            .invoke(&replaced(&event("function-url.json"), G1, G2))
            .await,
    );
    assert_http_error(&answer, 403, "NotAllowed");
    let other_project = "fedcba9876543210fedcba9876543210";
    let answer = http(
        &function
            .invoke(&replaced(
                &event("apigw-rest-projects.json"),
                PROJECT,
                other_project,
            ))
            .await,
    );
    assert_http_error(&answer, 403, "NotAllowed");
    for request in [json!({ "graph_id": G2 }), json!({ "graph_ids": [G1, G2] })] {
        let error = function.invoke(&request).await.error();
        assert_eq!(error.error_type, "NotAllowed", "{request}: {error:?}");
    }
    assert_nothing_sent(&simulator, "graphs outside the allow-list");
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running)
    );

    // An unknown graph: 404 for HTTP callers, GraphNotFound with GES's code and
    // request id for events.
    let invocation = function
        .invoke(&replaced(&event("apigw-http.json"), G1, UNKNOWN))
        .await;
    let answer = http(&invocation);
    let error = assert_http_error(&answer, 404, "GraphNotFound");
    let ges_request_id = simulator.requests()[0].request_id.clone();
    assert!(
        answer.body.to_string().contains(&ges_request_id),
        "{answer:?}"
    );
    // The error's request_id is the invocation's, as the logs have it.
    let line = function
        .wait_for_log(LOG_WAIT, |line| graph_of(line) == Some(UNKNOWN))
        .await;
    assert_eq!(request_id_of(&line), error["request_id"].as_str(), "{line}");

    simulator.clear_requests();
    let error = function
        .invoke(&json!({ "graph_id": UNKNOWN }))
        .await
        .error();
    assert_eq!(error.error_type, "GraphNotFound", "{error:?}");
    let ges_request_id = &simulator.requests()[0].request_id;
    assert!(
        error.error_message.contains("GES.8011")
            && error.error_message.contains(ges_request_id.as_str()),
        "{error:?}"
    );

    // A wait that runs out of time answers on time and says the job still runs.
    let started = std::time::Instant::now();
    let invocation = function
        .invoke(&json!({ "graph_id": G1, "wait": true }))
        .await;
    let answer = invocation.answer();
    assert_report(answer, &simulator, G1, "stopping");
    assert!(
        matches!(answer["job_status"].as_str(), Some("pending" | "running")),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(10), "{answer}");

    // GES unavailable: 503 with Retry-After for HTTP callers, UpstreamUnavailable
    // with GES's code and request id for events. Enough faults for any retries.
    simulator.put_graph(running(G1));
    simulator.clear_requests();
    for _ in 0..10 {
        simulator.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
    }
    let answer = http(&function.invoke(&event("apigw-rest.json")).await);
    assert_http_error(&answer, 503, "UpstreamUnavailable");
    let retry_after = answer.header("retry-after").expect("a Retry-After header");
    assert!(retry_after.parse::<u32>().is_ok(), "{answer:?}");
    let error = function.invoke(&event("direct-one.json")).await.error();
    assert_eq!(error.error_type, "UpstreamUnavailable", "{error:?}");
    let last = stop_calls(&simulator).pop().expect("GES was called");
    assert_eq!(last.status, 503);
    assert!(
        error.error_message.contains("GES.8503")
            && error.error_message.contains(last.request_id.as_str()),
        "{error:?}"
    );
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn a_key_given_twice_or_more_after_the_payload_is_refused_and_nothing_is_sent() {
    let simulator = simulator([running(G1)], Duration::from_secs(60)).await;
    let emulator = LambdaEmulator::start().await;
    let function = LambdaFunction::start(&emulator, token_env(&simulator)).await;

    // The runtime would have kept the last `dry_run` and sent a real stop; the
    // function reads the payload's own text and refuses it.
    let doubled = format!(r#"{{"graph_id":"{G1}","dry_run":true,"dry_run":false}}"#);
    let error = function.invoke_text(&doubled).await.error();
    assert_eq!(error.error_type, "InvalidEvent", "{error:?}");
    assert!(
        error
            .error_message
            .starts_with("the event gives the key dry_run twice (line 1, column "),
        "{error:?}"
    );
    // Twice in the envelope of an HTTP request: refused before the body is read.
    let rest = event("apigw-rest.json").to_string().replacen(
        r#""httpMethod":"POST""#,
        r#""httpMethod":"GET","httpMethod":"POST""#,
        1,
    );
    let error = function.invoke_text(&rest).await.error();
    assert_eq!(error.error_type, "InvalidEvent", "{error:?}");
    assert!(
        error.error_message.contains("httpMethod twice"),
        "{error:?}"
    );
    // More after the payload.
    let trailing = format!(r#"{{"graph_id":"{G1}"}} {{"graph_id":"{G1}"}}"#);
    let error = function.invoke_text(&trailing).await.error();
    assert_eq!(error.error_type, "InvalidEvent", "{error:?}");
    assert!(
        error.error_message.contains("more after its JSON value"),
        "{error:?}"
    );
    assert_nothing_sent(&simulator, "payloads read strictly");
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running)
    );

    // The same event with its key once, sent as text, is served.
    let once = format!(r#"{{"graph_id":"{G1}","dry_run":true}}"#);
    let invocation = function.invoke_text(&once).await;
    assert_report(invocation.answer(), &simulator, G1, "would_stop");
    assert!(
        stop_calls(&simulator).is_empty(),
        "a dry run sent a stop: {:?}",
        simulator.requests()
    );
}

#[tokio::test]
async fn refused_credentials_are_502_for_gateways_and_unauthorized_for_events() {
    let simulator = simulator([running(G1)], Duration::from_secs(60)).await;
    let emulator = LambdaEmulator::start().await;

    let wrong_token = "wrong-lambda-token-8d20e7";
    let mut env = token_env(&simulator);
    env[1].1 = wrong_token.to_owned();
    let mut function = LambdaFunction::start(&emulator, env).await;
    let invocation = function.invoke(&event("apigw-rest.json")).await;
    let answer = http(&invocation);
    assert_http_error(&answer, 502, "Unauthorized");
    let error = function.invoke(&event("direct-one.json")).await.error();
    assert_eq!(error.error_type, "Unauthorized", "{error:?}");
    let refused = simulator.requests().pop().expect("GES was called");
    assert_eq!(refused.status, 401);
    assert!(
        error.error_message.contains("APIGW.0301")
            && error.error_message.contains(refused.request_id.as_str()),
        "{error:?}"
    );
    let output = function.stop().await;
    assert_no_secret(output.stdout_lines.iter().map(String::as_str), wrong_token);
    assert_no_secret(
        [
            output.stderr.as_str(),
            &invocation.body.to_string(),
            &error.error_message,
        ],
        wrong_token,
    );

    // The same with AK/SK signing: a second function on the same emulator.
    let wrong_sk = "wrong-lambda-secret-key-41f9b3";
    let mut env = aksk_env(&simulator);
    env[2].1 = wrong_sk.to_owned();
    let mut function = LambdaFunction::start(&emulator, env).await;
    let error = function.invoke(&event("direct-one.json")).await.error();
    assert_eq!(error.error_type, "Unauthorized", "{error:?}");
    let answer = http(&function.invoke(&event("function-url.json")).await);
    assert_http_error(&answer, 502, "Unauthorized");
    assert_eq!(
        simulator.requests().pop().map(|r| r.authentication),
        Some(Authentication::Refused(Scheme::AkSk))
    );
    let output = function.stop().await;
    assert_no_secret(output.stdout_lines.iter().map(String::as_str), wrong_sk);
    assert_no_secret([output.stderr.as_str(), &error.error_message], wrong_sk);
    assert_no_secret([answer.body.to_string().as_str()], wrong_sk);

    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn a_bad_configuration_fails_at_init_and_never_serves() {
    let emulator = LambdaEmulator::start().await;
    let base = [
        ("GES_AUTH_TOKEN", TOKEN),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
    ];
    // (the bad setting, what the message must name)
    let bad: [(&str, &str, &[&str]); 3] = [
        (
            "GES_ENDPOINT",
            "http://203.0.113.1",
            &["GES_ENDPOINT", "https://"],
        ),
        ("GES_MAX_CONCURRENCY", "0", &["GES_MAX_CONCURRENCY"]),
        (
            "GES_ALLOWED_GRAPH_IDS",
            "g-1,../etc",
            &["GES_ALLOWED_GRAPH_IDS"],
        ),
    ];
    for (variable, value, named) in bad {
        let mut env: Vec<(&str, &str)> = base.to_vec();
        if variable != "GES_ENDPOINT" {
            // A valid endpoint, so that only the bad setting is wrong.
            env.push(("GES_ENDPOINT", "http://127.0.0.1:9"));
        }
        env.push((variable, value));
        let function = LambdaFunction::start(&emulator, env).await;

        // The function ends. It reports why to the Runtime API's /init/error, which this
        // emulator hands to an invocation already waiting (as a 200, unlike Lambda);
        // one queued after the report stays unanswered.
        let event = json!({ "graph_id": G1 });
        match function.try_invoke(&event, Duration::from_secs(30)).await {
            Err(NoAnswer::FunctionExited(status)) => {
                assert!(!status.success(), "{variable}: {status}")
            }
            Ok(answer) => {
                assert_eq!(
                    answer.body["errorType"], "InvalidConfiguration",
                    "{variable}: {answer:?}"
                );
                let message = answer.body["errorMessage"].as_str().unwrap_or_default();
                assert!(
                    named.iter().all(|n| message.contains(n)),
                    "{variable}: {message}"
                );
                assert!(!message.contains(TOKEN));
                let status = function
                    .wait_exit(Duration::from_secs(30))
                    .await
                    .expect("the function exits after reporting");
                assert!(!status.success(), "{variable}: {status}");
            }
            other => panic!(
                "{variable}={value}: the function should fail at init, got {other:?}\n{}",
                function.diagnostics()
            ),
        }
        // Its reason, once, in its JSON log.
        let line = function
            .wait_for_log(LOG_WAIT, |line| {
                line["level"] == "ERROR" && named.iter().all(|n| line.to_string().contains(n))
            })
            .await;
        assert!(request_id_of(&line).is_none(), "{line}");
        let all = function.stdout_lines().join("\n") + &function.stderr();
        assert_no_secret([all.as_str()], TOKEN);
    }
}
