//! The FunctionGraph function end to end: the release `ges-stop-functiongraph` binary
//! (deployed as `bootstrap`) under the simulator's FunctionGraph runtime, which hands it
//! invocations as Huawei's "Custom Runtime" page gives them (functiongraph_01_0406): the
//! event as the body, the request id and, with an agency, fresh temporary credentials in
//! the headers of each. Every trigger the README documents for FunctionGraph is
//! exercised: a timer that stops a graph and one that reconciles, APIG (success, refusal,
//! partial failure), SMN, a direct invocation; and what must not happen: a bad event,
//! a run without credentials, a hang past the timeout, a start-up error, a secret in the
//! output. The simulator accepts a signature only when it verifies under our verifier,
//! which `api/tests/signing_vectors.rs` holds byte for byte to the official SDK's signer.

use std::time::Duration;

use base64::Engine as _;
use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{
    Authentication, Fault, FunctionInvocation, FunctionOutcome, GraphSpec, OperationKind,
    RunningSimulator, Scheme, Simulator,
};
use ges_stop_e2e::RunningBinary;
use ges_stop_e2e::functiongraph;
use serde_json::{Value, json};

const G1: &str = "fg-graph-1";
const G2: &str = "fg-graph-2";
const G3: &str = "fg-graph-3";
/// The simulator's own token: it needs a credential of its own to start; the function
/// is given it only where a test says so.
const TOKEN: &str = "e2e-functiongraph-token-5c1d";
/// Long enough that a stopped graph stays `901` for the whole test.
const STOP_TAKES: Duration = Duration::from_secs(300);
/// How long the simulator's runtime waits for an answer to an invocation.
const INVOKE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a log line may trail the answer it belongs to.
const LOG_LIMIT: Duration = Duration::from_secs(10);

fn graph_id(id: &str) -> GraphId {
    id.parse().expect("a valid graph ID")
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graphs([G1, G2, G3].map(|id| GraphSpec::running(graph_id(id), id)))
        .token(TOKEN)
        .stop_duration(STOP_TAKES)
        .start()
        .await
        .expect("the simulator starts")
}

/// What the function is configured with on FunctionGraph: the project from
/// `RUNTIME_PROJECT_ID`, the region, every endpoint at the simulator, and no credentials
/// (the agency's come with each invocation).
fn env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("RUNTIME_PROJECT_ID", simulator.project_id().to_string()),
        (
            "HUAWEICLOUD_SDK_REGION",
            ges_simulator::DEFAULT_REGION.to_owned(),
        ),
        ("GES_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_SDK_IAM_ENDPOINT", simulator.base_url()),
        ("GES_CES_ENDPOINT", simulator.base_url()),
    ]
}

async fn function(simulator: &RunningSimulator, extra: &[(&'static str, String)]) -> RunningBinary {
    let mut env = env(simulator);
    env.extend(extra.iter().cloned());
    functiongraph::start(&simulator.runtime_api_addr(), env).await
}

/// Hands `invocation` to the function through the simulator's runtime, and gives how it
/// ended; panics, with the function's output, if the function exits first.
async fn invoke(
    simulator: &RunningSimulator,
    function: &RunningBinary,
    invocation: FunctionInvocation,
) -> FunctionOutcome {
    tokio::select! {
        outcome = simulator.invoke_function(invocation) => outcome,
        status = function.exited() => panic!(
            "the function exited ({status}) before answering\n{}",
            function.diagnostics()
        ),
    }
}

fn event(value: &Value) -> FunctionInvocation {
    FunctionInvocation::new(value.to_string()).timeout(INVOKE_TIMEOUT)
}

/// The answer the function posted to the response path, as JSON.
#[track_caller]
fn answered(outcome: &FunctionOutcome) -> Value {
    match outcome {
        FunctionOutcome::Answered { body, .. } => {
            serde_json::from_slice(body).expect("the answer is JSON")
        }
        other => panic!("the function did not answer: {}", describe(other)),
    }
}

/// The `errorType` and `errorMessage` the function posted to the error path.
#[track_caller]
fn failed(outcome: &FunctionOutcome) -> (String, String) {
    match outcome {
        FunctionOutcome::Failed { body, .. } => {
            let body: Value = serde_json::from_slice(body).expect("the error body is JSON");
            let field = |name: &str| {
                body[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("no {name} in the error: {body}"))
                    .to_owned()
            };
            (field("errorType"), field("errorMessage"))
        }
        other => panic!("the function did not report an error: {}", describe(other)),
    }
}

fn describe(outcome: &FunctionOutcome) -> String {
    match outcome {
        FunctionOutcome::Answered { body, .. } => {
            format!("answered {}", String::from_utf8_lossy(body))
        }
        FunctionOutcome::Failed { body, .. } => {
            format!("failed {}", String::from_utf8_lossy(body))
        }
        FunctionOutcome::TimedOut { .. } => "timed out".to_owned(),
    }
}

/// The status, headers and parsed body of an APIG answer, checked to be the shape
/// FunctionGraph requires of one (functiongraph_03_0290): `statusCode` an integer,
/// `headers` an object, `body` a string, `isBase64Encoded` a boolean.
#[track_caller]
fn http(outcome: &FunctionOutcome) -> (u16, Value, Value) {
    let answer = answered(outcome);
    let status = answer["statusCode"]
        .as_u64()
        .and_then(|status| u16::try_from(status).ok())
        .unwrap_or_else(|| panic!("no integer statusCode: {answer}"));
    assert!(answer["headers"].is_object(), "{answer}");
    assert_eq!(answer["isBase64Encoded"], json!(false), "{answer}");
    let body = answer["body"]
        .as_str()
        .unwrap_or_else(|| panic!("no string body: {answer}"));
    let body = serde_json::from_str(body).expect("the HTTP body is JSON");
    (status, answer["headers"].clone(), body)
}

/// The calls that reached GES or Cloud Eye (not the runtime API).
fn service_calls(simulator: &RunningSimulator) -> Vec<ges_simulator::RequestRecord> {
    simulator
        .requests()
        .into_iter()
        .filter(|record| {
            matches!(
                record.operation,
                Some(
                    OperationKind::StopGraph
                        | OperationKind::StartGraph
                        | OperationKind::ShowGraph
                        | OperationKind::ListGraphs
                        | OperationKind::ShowJob
                        | OperationKind::BatchListMetricData
                )
            )
        })
        .collect()
}

fn stops_of(simulator: &RunningSimulator) -> Vec<ges_simulator::RequestRecord> {
    service_calls(simulator)
        .into_iter()
        .filter(|record| record.operation == Some(OperationKind::StopGraph))
        .collect()
}

/// A timer event as FunctionGraph's timer trigger delivers it (the shape of
/// `examples/events/functiongraph/timer.json`), at `time`, with `user_event`.
fn timer(time: &str, user_event: &str) -> Value {
    json!({
        "version": "v1.0",
        "time": time,
        "trigger_type": "TIMER",
        "trigger_name": "ges-stop-nightly",
        "user_event": user_event,
    })
}

/// Now, as a timer writes its `time`: RFC 3339 with the China Standard Time offset.
fn timer_now() -> String {
    let local = jiff::tz::Offset::constant(8).to_datetime(jiff::Timestamp::now());
    format!("{}+08:00", local.strftime("%Y-%m-%dT%H:%M:%S"))
}

/// An APIG event (the shape of `examples/events/functiongraph/apig.json`).
fn apig(method: &str, path: &str, body: &str, base64: bool) -> Value {
    let body = if base64 {
        base64::engine::general_purpose::STANDARD.encode(body)
    } else {
        body.to_owned()
    };
    json!({
        "body": body,
        "requestContext": {"apiId": "bc1dcffd-aa35-474d-897c-d53425a4c08e",
                           "requestId": "11cdcdcf33949dc6d722640a13091c77",
                           "stage": "RELEASE"},
        "queryStringParameters": {},
        "httpMethod": method,
        "pathParameters": {},
        "headers": {"content-type": "application/json", "host": "apig.example.com"},
        "path": path,
        "isBase64Encoded": base64,
    })
}

/// An SMN notification carrying `message` (the shape of
/// `examples/events/functiongraph/smn.json`).
fn smn(message: &str) -> Value {
    json!({"record": [{
        "event_version": "1.0",
        "smn": {
            "topic_urn": "urn:smn:cn-north-4:0123456789abcdef0123456789abcdef:ges-stop",
            "timestamp": "2026-12-07T21:00:00Z",
            "message_attributes": null,
            "message": message,
            "type": "notification",
            "message_id": "a51671f77d4a479cacb09e2cd591a983",
            "subject": "stop"
        },
        "event_subscription_urn": "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:ges-stop:latest",
        "event_source": "smn"
    }]})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timer_stops_a_graph_signed_with_the_fresh_credentials_of_each_invocation() {
    let simulator = simulator().await;
    let function = function(&simulator, &[]).await;

    for (graph, nth) in [(G1, 0), (G2, 1)] {
        simulator.clear_requests();
        let user_event = json!({ "graph_id": graph }).to_string();
        let outcome = invoke(
            &simulator,
            &function,
            event(&timer(&timer_now(), &user_event)),
        )
        .await;
        let answer = answered(&outcome);
        assert_eq!(answer["graph_id"], graph, "{answer}");
        assert_eq!(answer["outcome"], "stopping", "{answer}");
        assert_eq!(
            simulator.graph_status(&graph_id(graph)),
            Some(GraphStatus::Stopping)
        );
        // Signed with this invocation's agency credentials, and accepted as temporary
        // ones with their security token.
        let handed_out = simulator.agency_access_keys();
        assert_eq!(handed_out.len(), nth + 1, "one set per invocation");
        let stops = stops_of(&simulator);
        assert_eq!(stops.len(), 1, "{stops:?}");
        assert_eq!(
            stops[0].authentication,
            Authentication::Accepted(Scheme::TemporaryAkSk)
        );
        assert_eq!(
            stops[0].access_key.as_deref(),
            Some(handed_out[nth].as_str())
        );
    }
    let handed_out = simulator.agency_access_keys();
    assert_ne!(handed_out[0], handed_out[1], "the credentials rotate");

    // The line about each graph names it and its invocation's request id.
    for graph in [G1, G2] {
        let line = function
            .wait_for_log(LOG_LIMIT, |line| line_mentions(line, "graph_id", graph))
            .await;
        assert!(field_of(&line, "request_id").is_some(), "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_timer_reconciles_at_its_own_time_and_an_old_one_sends_nothing() {
    let simulator = simulator().await;
    simulator.put_graph(
        GraphSpec::running(graph_id(G3), G3).with_tag("ges-stop:schedule", "always-off"),
    );
    // A schedule that wants its graphs stopped at every instant, on every run.
    let schedules = r#"{"schedules": {"always-off": {"timezone": "Asia/Shanghai",
        "periods": [{"days": "mon-sun", "start": "00:00", "stop": "00:01"}],
        "enforce": true}}}"#;
    let function = function(&simulator, &[("GES_SCHEDULES", schedules.to_owned())]).await;

    // FunctionGraph's own sample time, years ago: a reconcile that acts refuses it, and
    // nothing is listed or stopped.
    let outcome = invoke(
        &simulator,
        &function,
        event(&timer("2018-06-01T08:30:00+08:00", "")),
    )
    .await;
    let (error_type, message) = failed(&outcome);
    assert_eq!(error_type, "InvalidEvent", "{message}");
    assert!(service_calls(&simulator).is_empty());

    let time = timer_now();
    let outcome = invoke(&simulator, &function, event(&timer(&time, ""))).await;
    let answer = answered(&outcome);
    assert_eq!(answer["summary"]["stopping"], 1, "{answer}");
    let results = answer["results"].as_array().expect("results");
    assert_eq!(results.len(), 1, "only the scheduled graph: {answer}");
    assert_eq!(results[0]["graph_id"], G3, "{answer}");
    assert_eq!(
        simulator.graph_status(&graph_id(G3)),
        Some(GraphStatus::Stopping)
    );
    // Evaluated at the timer's time, not at the moment the function ran.
    let at: jiff::Timestamp = answer["at"]
        .as_str()
        .expect("at")
        .parse()
        .expect("a timestamp");
    let fired: jiff::Timestamp = time.parse().expect("the timer's time");
    assert_eq!(at, fired, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apig_calls_answer_as_the_lambdas_http_front_door_does() {
    let simulator = simulator().await;
    let function = function(&simulator, &[]).await;

    // Success, with the body Base64-encoded as APIG sends it by default.
    let outcome = invoke(
        &simulator,
        &function,
        event(&apig("POST", &format!("/graphs/{G1}/stop"), "", false)),
    )
    .await;
    let (status, headers, body) = http(&outcome);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "stopping", "{body}");
    assert_eq!(headers["content-type"], "application/json");

    let outcome = invoke(
        &simulator,
        &function,
        event(&apig(
            "POST",
            &format!("/prod/graphs/{G2}/stop"),
            r#"{"dry_run": true}"#,
            true,
        )),
    )
    .await;
    let (status, _, body) = http(&outcome);
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["outcome"], "would_stop", "{body}");

    // Refusals: the statuses of the Lambda's HTTP front door, and nothing sent.
    simulator.clear_requests();
    for (method, path, body, status, code) in [
        (
            "GET",
            format!("/graphs/{G2}/stop"),
            "",
            405,
            "MethodNotAllowed",
        ),
        (
            "POST",
            format!("/graphs/{G2}/start"),
            "",
            404,
            "RouteNotFound",
        ),
        (
            "POST",
            "/graphs/..%2F/stop".to_owned(),
            "",
            400,
            "InvalidEvent",
        ),
        (
            "POST",
            "/fleet/stop".to_owned(),
            r#"{"grahp_ids": []}"#,
            400,
            "InvalidEvent",
        ),
    ] {
        let outcome = invoke(
            &simulator,
            &function,
            event(&apig(method, &path, body, false)),
        )
        .await;
        let (got, _, answer) = http(&outcome);
        assert_eq!(got, status, "{method} {path}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{method} {path}: {answer}");
    }
    assert!(service_calls(&simulator).is_empty());

    // A partial failure: 502, the batch itself with an error beside its results.
    simulator.fail_graph(&graph_id(G3), Fault::InternalServerError);
    let fleet = json!({ "graph_ids": [G2, G3] }).to_string();
    let outcome = invoke(
        &simulator,
        &function,
        event(&apig("POST", "/fleet/stop", &fleet, false)),
    )
    .await;
    let (status, _, body) = http(&outcome);
    assert_eq!(status, 502, "{body}");
    assert_eq!(body["error"]["code"], "PartialFailure", "{body}");
    assert_eq!(body["summary"]["stopping"], 1, "{body}");
    assert_eq!(body["summary"]["failed"], 1, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smn_and_direct_invocations_run_the_event_they_carry() {
    let simulator = simulator().await;
    let function = function(&simulator, &[]).await;

    let message = json!({ "graph_id": G1 }).to_string();
    let outcome = invoke(&simulator, &function, event(&smn(&message))).await;
    let answer = answered(&outcome);
    assert_eq!(answer["graph_id"], G1, "{answer}");
    assert_eq!(answer["outcome"], "stopping", "{answer}");

    let outcome = invoke(
        &simulator,
        &function,
        event(&json!({ "graph_ids": [G2, G3], "dry_run": true })),
    )
    .await;
    let answer = answered(&outcome);
    assert_eq!(answer["summary"]["would_stop"], 2, "{answer}");
    assert_eq!(stops_of(&simulator).len(), 1, "the dry run stopped nothing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_events_are_invalid_and_send_nothing() {
    let simulator = simulator().await;
    let function = function(&simulator, &[]).await;

    let payloads: Vec<String> = vec![
        json!({ "grahp_id": G1 }).to_string(),
        // A key given twice: never "the last one wins".
        format!(r#"{{"graph_id": "{G1}", "graph_id": "{G2}"}}"#),
        format!(r#"{{"graph_id": "{G1}"}} trailing"#),
        timer(&timer_now(), "{not json").to_string(),
        timer(&timer_now(), &json!({ "graph_id": "../etc" }).to_string()).to_string(),
        smn(&json!({ "graph_ids": [] }).to_string()).to_string(),
        json!({ "record": [] }).to_string(),
        json!([G1]).to_string(),
    ];
    for payload in payloads {
        let outcome = invoke(
            &simulator,
            &function,
            FunctionInvocation::new(payload.clone()).timeout(INVOKE_TIMEOUT),
        )
        .await;
        let (error_type, message) = failed(&outcome);
        assert_eq!(error_type, "InvalidEvent", "{payload}: {message}");
        assert!(message.len() <= 1000, "a bounded message: {message}");
    }
    assert!(
        service_calls(&simulator).is_empty(),
        "{:?}",
        service_calls(&simulator)
    );
    for id in [G1, G2] {
        assert_eq!(
            simulator.graph_status(&graph_id(id)),
            Some(GraphStatus::Running)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_an_agency_or_configured_credentials_nothing_is_sent_and_the_error_says_so() {
    let simulator = simulator().await;
    let function = function(&simulator, &[]).await;
    let outcome = invoke(
        &simulator,
        &function,
        event(&json!({ "graph_id": G1 })).without_agency(),
    )
    .await;
    let (error_type, message) = failed(&outcome);
    assert_eq!(error_type, "InvalidConfiguration", "{message}");
    assert!(message.contains("agency"), "{message}");
    assert!(service_calls(&simulator).is_empty());

    // With a mode of its own configured, the same invocation is served by it. (Another
    // simulator: a function's GET still waiting there would take the next invocation.)
    let simulator = self::simulator().await;
    let configured = function_with_token(&simulator).await;
    let outcome = invoke(
        &simulator,
        &configured,
        event(&json!({ "graph_id": G1 })).without_agency(),
    )
    .await;
    assert_eq!(answered(&outcome)["outcome"], "stopping");
    let stops = stops_of(&simulator);
    assert_eq!(stops.len(), 1, "{stops:?}");
    assert_eq!(
        stops[0].authentication,
        Authentication::Accepted(Scheme::Token)
    );
}

async fn function_with_token(simulator: &RunningSimulator) -> RunningBinary {
    function(simulator, &[("GES_AUTH_TOKEN", TOKEN.to_owned())]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_ges_is_bounded_by_the_functions_timeout() {
    let simulator = simulator().await;
    simulator.fail_graph(&graph_id(G1), Fault::Delay(Duration::from_secs(600)));
    let function = function(&simulator, &[("RUNTIME_TIMEOUT", "5".to_owned())]).await;
    // The runtime would give up at 60 s; the function answers within its own 5 s.
    let outcome = invoke(&simulator, &function, event(&json!({ "graph_id": G1 }))).await;
    let (error_type, message) = failed(&outcome);
    assert_eq!(error_type, "DeadlineExceeded", "{message}");

    // An instance that overruns the runtime's bound is reported as timed out. (Another
    // simulator: the first function's GET still waiting there would take the invocation.)
    let simulator = self::simulator().await;
    simulator.fail_graph(&graph_id(G1), Fault::Delay(Duration::from_secs(600)));
    let slow = function_with_token(&simulator).await;
    let outcome = invoke(
        &simulator,
        &slow,
        event(&json!({ "graph_id": G1 })).timeout(Duration::from_secs(2)),
    )
    .await;
    assert!(
        matches!(outcome, FunctionOutcome::TimedOut { .. }),
        "{}",
        describe(&outcome)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configuration_error_answers_every_invocation_with_its_reason() {
    let simulator = simulator().await;
    let mut env = env(&simulator);
    env.retain(|(name, _)| *name != "HUAWEICLOUD_SDK_REGION");
    let function = functiongraph::start(&simulator.runtime_api_addr(), env).await;
    for _ in 0..2 {
        let outcome = invoke(&simulator, &function, event(&json!({ "graph_id": G1 }))).await;
        let (error_type, message) = failed(&outcome);
        assert_eq!(error_type, "InvalidConfiguration", "{message}");
        assert!(message.contains("HUAWEICLOUD_SDK_REGION"), "{message}");
    }
    assert!(service_calls(&simulator).is_empty());
    assert!(
        function
            .wait_exit(Duration::from_millis(200))
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_of_any_invocation_reaches_an_answer_or_a_log_line() {
    let simulator = simulator().await;
    simulator.fail_graph(&graph_id(G3), Fault::InternalServerError);
    let mut function = function(&simulator, &[("RUST_LOG", "trace".to_owned())]).await;
    let mut answers = Vec::new();
    for payload in [
        timer(&timer_now(), &json!({ "graph_id": G1 }).to_string()),
        apig("POST", &format!("/graphs/{G3}/stop"), "", false),
        json!({ "graph_ids": [G2, G3] }),
        json!({ "grahp_id": G1 }),
    ] {
        let outcome = invoke(&simulator, &function, event(&payload)).await;
        answers.push(describe(&outcome));
    }
    let output = function.stop().await;
    let everything = format!(
        "{}\n{}\n{}",
        answers.join("\n"),
        output.stdout_lines.join("\n"),
        output.stderr
    );
    // Every invocation was handed a set, the refused one too.
    let handed_out = simulator.federated_credentials();
    assert_eq!(handed_out.len(), 4, "one set per invocation");
    for (_, secret_key, security_token) in handed_out {
        for secret in [secret_key, security_token] {
            assert!(!everything.contains(&secret), "a secret in the output");
        }
    }
    // Every log line is JSON.
    for line in &output.stdout_lines {
        serde_json::from_str::<Value>(line).unwrap_or_else(|error| panic!("{error}: {line}"));
    }
}

/// A log line's field, at the top or in its spans.
fn field_of<'a>(line: &'a Value, name: &str) -> Option<&'a Value> {
    line.get(name)
        .or_else(|| line.get("fields").and_then(|fields| fields.get(name)))
        .or_else(|| line.get("span").and_then(|span| span.get(name)))
        .or_else(|| {
            line.get("spans")
                .and_then(Value::as_array)
                .and_then(|spans| spans.iter().find_map(|span| span.get(name)))
        })
}

fn line_mentions(line: &Value, name: &str, value: &str) -> bool {
    field_of(line, name).and_then(Value::as_str) == Some(value)
}
