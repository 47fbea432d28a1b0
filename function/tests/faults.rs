//! Every fault the simulator can inject, met by the Lambda handler in-process (and by
//! the client directly): the right outcome or a clear error, within the invocation's
//! deadline, after the expected number of attempts (counted in the simulator's
//! journal), and never a panic. Each run prints its attempts and time
//! (`cargo nextest run --no-capture -p ges-stop --test faults` shows them).

mod common;

use common::context;

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use ges_api::types::{GraphId, GraphStatus, StopGraphRequest, StopGraphResponse};
use ges_client::config::{Config, vars};
use ges_client::ges::{ClientErrorKind, GesClient, MAX_RESPONSE_BYTES};
use ges_client::run::Settings;
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Diagnostic, LambdaEvent};
use serde_json::{Value, json};

const TOKEN: &str = "faults-test-token";
/// The deadline most runs get: far enough that only the faults decide.
const LONG: Duration = Duration::from_secs(30);

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graphs([
            GraphSpec::running(graph("g-1"), "one"),
            GraphSpec::running(graph("g-2"), "two"),
        ])
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap()
}

fn config(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> (Config, Settings) {
    let mut env = common::simulator_env(simulator, &[(vars::AUTH_TOKEN, TOKEN)]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    common::config(&env)
}

fn handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    let (config, settings) = config(simulator, extra);
    Handler::new(&config, settings).unwrap()
}

/// What one invocation under a fault came to.
struct Run {
    answer: Result<Value, Diagnostic>,
    /// Calls of the operation that reached the simulator.
    attempts: usize,
    elapsed: Duration,
}

impl Run {
    fn outcome(&self) -> &str {
        match &self.answer {
            Ok(answer) => answer["outcome"].as_str().unwrap_or("?"),
            Err(_) => "",
        }
    }

    fn error(&self) -> &Diagnostic {
        match &self.answer {
            Ok(answer) => panic!("expected an error, got {answer}"),
            Err(diagnostic) => diagnostic,
        }
    }
}

/// Queues `faults` for the stop of g-1 (put back to running first), invokes the
/// handler with `payload` and a deadline `left` away, and reports.
async fn under(
    name: &str,
    simulator: &RunningSimulator,
    handler: &Handler,
    faults: &[Fault],
    left: Duration,
) -> Run {
    run_with(
        name,
        simulator,
        handler,
        faults,
        left,
        json!({"graph_id": "g-1"}),
        OperationKind::StopGraph,
    )
    .await
}

async fn run_with(
    name: &str,
    simulator: &RunningSimulator,
    handler: &Handler,
    faults: &[Fault],
    left: Duration,
    payload: Value,
    operation: OperationKind,
) -> Run {
    simulator.put_graph(GraphSpec::running(graph("g-1"), "one"));
    simulator.clear_requests();
    simulator.clear_faults();
    for fault in faults {
        simulator.fail_next(operation, fault.clone());
    }
    let started = Instant::now();
    let answer = handler
        .handle(LambdaEvent::new(payload, context(left)))
        .await
        .map_err(Diagnostic::from);
    let elapsed = started.elapsed();
    // A call the client gave up on is journaled only once the simulator answers it.
    tokio::time::sleep(faults.iter().map(slowness).max().unwrap_or_default()).await;
    let attempts = simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(operation))
        .count();
    let shown = match &answer {
        Ok(answer) => format!("ok {answer}"),
        Err(error) => format!("{}: {}", error.error_type, error.error_message),
    };
    eprintln!(
        "fault {name}: {attempts} attempt(s), {:.0} ms, {shown}",
        elapsed.as_secs_f64() * 1e3
    );
    assert!(
        elapsed < left,
        "{name}: answered after the deadline ({elapsed:?} >= {left:?})"
    );
    Run {
        answer,
        attempts,
        elapsed,
    }
}

/// How long after the call the simulator's answer under `fault` is done with.
fn slowness(fault: &Fault) -> Duration {
    match fault {
        Fault::Delay(delay) => *delay + Duration::from_millis(200),
        Fault::SlowBody { chunks, pause } => {
            *pause * u32::try_from(*chunks).unwrap_or(u32::MAX) + Duration::from_millis(200)
        }
        _ => Duration::ZERO,
    }
}

/// A stop whose first answer was lost and whose retry met GES.7001: `already_stopped`
/// with no job, the reason saying why, and both attempts counted.
#[track_caller]
fn assert_retried_stop_says_its_job_id_was_lost(name: &str, run: &Run) {
    let Ok(answer) = &run.answer else {
        panic!("{name}: {:?}", run.answer);
    };
    assert_eq!(answer["job_id"], Value::Null, "{name}: {answer}");
    assert_eq!(answer["attempts"], 2, "{name}: {answer}");
    let reason = answer["reason"].as_str().unwrap_or_default();
    for part in ["GES.7001", "retried stop", "its job id was lost"] {
        assert!(reason.contains(part), "{name}: {part}: {answer}");
    }
}

fn plain(status: u16, text: &str) -> Fault {
    Fault::status(status, text)
}

#[tokio::test]
async fn server_errors_and_throttling_are_retried_until_an_answer() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    for (name, fault) in [
        ("500 GES.8000", Fault::InternalServerError),
        ("503 GES.8503", Fault::ServiceUnavailable),
        ("429 APIGW.0308", Fault::Throttled),
        ("502 plain text", plain(502, "Bad Gateway")),
        ("504 plain text", plain(504, "Gateway Time-out")),
        (
            "500 gateway JSON",
            Fault::json(
                500,
                r#"{"error":{"code":"APIGW.0203","message":"Backend unavailable"}}"#,
            ),
        ),
    ] {
        let run = under(name, &simulator, &handler, &[fault], LONG).await;
        assert_eq!(run.outcome(), "stopping", "{name}");
        assert_eq!(run.attempts, 2, "{name}");
    }
    let run = under(
        "503 twice",
        &simulator,
        &handler,
        &[Fault::ServiceUnavailable, Fault::ServiceUnavailable],
        LONG,
    )
    .await;
    assert_eq!(run.outcome(), "stopping");
    assert_eq!(run.attempts, 3);
}

#[tokio::test]
async fn a_failing_ges_is_upstream_unavailable_after_every_attempt_with_its_code() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let run = under(
        "503 x3",
        &simulator,
        &handler,
        &vec![Fault::ServiceUnavailable; 3],
        LONG,
    )
    .await;
    let error = run.error();
    assert_eq!(error.error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 3);
    let last = simulator.requests().pop().unwrap();
    for part in ["GES.8503", last.request_id.as_str(), "after 3 attempts"] {
        assert!(error.error_message.contains(part), "{part}: {error:?}");
    }
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Running)
    );

    let run = under(
        "504 plain text x3",
        &simulator,
        &handler,
        &[
            plain(504, "Gateway Time-out"),
            plain(504, "Gateway Time-out"),
            plain(504, "Gateway Time-out"),
        ],
        LONG,
    )
    .await;
    let error = run.error();
    assert_eq!(error.error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 3);
    for part in ["HTTP 504", "Gateway Time-out", "after 3 attempts"] {
        assert!(error.error_message.contains(part), "{part}: {error:?}");
    }

    // GES_MAX_ATTEMPTS bounds the attempts.
    let once = self::handler(&simulator, &[(vars::MAX_ATTEMPTS, "1")]);
    let run = under(
        "503, GES_MAX_ATTEMPTS=1",
        &simulator,
        &once,
        &[Fault::ServiceUnavailable],
        LONG,
    )
    .await;
    assert_eq!(run.error().error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 1);
    assert!(run.error().error_message.contains("after 1 attempt"));
}

#[tokio::test]
async fn refusals_are_not_retried() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    for (name, fault, kind) in [
        (
            "400 GES.8001",
            Fault::json(
                400,
                r#"{"error_code":"GES.8001","error_msg":"Invalid parameter."}"#,
            ),
            "Rejected",
        ),
        (
            "401 APIGW.0301",
            Fault::json(
                401,
                r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information."}"#,
            ),
            "Unauthorized",
        ),
        (
            "403 GES.8003",
            Fault::json(403, r#"{"error_code":"GES.8003","error_msg":"Forbidden."}"#),
            "Forbidden",
        ),
        (
            "404 GES.8011",
            Fault::json(
                404,
                r#"{"error_code":"GES.8011","error_msg":"No such graph."}"#,
            ),
            "GraphNotFound",
        ),
        // A 5xx, but not one a retry mends.
        (
            "501 plain text",
            plain(501, "Not Implemented"),
            "UpstreamUnavailable",
        ),
    ] {
        let run = under(name, &simulator, &handler, &[fault], LONG).await;
        assert_eq!(run.error().error_type, kind, "{name}");
        assert_eq!(run.attempts, 1, "{name}");
        assert!(
            run.error().error_message.contains("after 1 attempt"),
            "{name}: {:?}",
            run.error()
        );
    }
}

#[tokio::test]
async fn retry_after_is_honoured_in_seconds_and_as_a_date_but_not_past_the_deadline() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let run = under(
        "429 Retry-After: 1",
        &simulator,
        &handler,
        &[Fault::throttled_for("1")],
        LONG,
    )
    .await;
    assert_eq!(run.outcome(), "stopping");
    assert_eq!(run.attempts, 2);
    assert!(run.elapsed >= Duration::from_secs(1), "{:?}", run.elapsed);

    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let run = under(
        "429 Retry-After: HTTP date",
        &simulator,
        &handler,
        &[Fault::throttled_for(&date)],
        LONG,
    )
    .await;
    assert_eq!(run.outcome(), "stopping");
    assert_eq!(run.attempts, 2);
    // The date has a precision of a second.
    assert!(
        run.elapsed >= Duration::from_millis(900),
        "{:?}",
        run.elapsed
    );

    // A Retry-After longer than the longest pause ends the retries at once.
    let run = under(
        "429 Retry-After: 3600",
        &simulator,
        &handler,
        &[Fault::throttled_for("3600")],
        LONG,
    )
    .await;
    assert_eq!(run.error().error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 1);
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);

    // A pause that would end past the deadline is not taken: the last failure is
    // reported in time.
    let run = under(
        "429 Retry-After: 2, deadline 1.5 s",
        &simulator,
        &handler,
        &[Fault::throttled_for("2")],
        Duration::from_millis(1500),
    )
    .await;
    assert_eq!(run.error().error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 1);
    // The gateway's code, read from a status the contract does not document.
    assert!(
        run.error()
            .error_message
            .contains("HTTP 429 APIGW.0308: Injected fault"),
        "{:?}",
        run.error()
    );
}

#[tokio::test]
async fn dropped_connections_are_retried_and_a_stop_that_happened_is_already_stopped() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let run = under("reset", &simulator, &handler, &[Fault::Reset], LONG).await;
    assert_eq!(run.outcome(), "stopping");
    assert_eq!(run.attempts, 2);
    assert_eq!(simulator.requests()[0].status, 0, "no answer was sent");

    let run = under(
        "reset x3",
        &simulator,
        &handler,
        &[Fault::Reset, Fault::Reset, Fault::Reset],
        LONG,
    )
    .await;
    let error = run.error();
    assert_eq!(error.error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 3);
    assert!(
        error.error_message.contains("after 3 attempts"),
        "{error:?}"
    );

    // The stop happened but its answer was lost: the retry learns the graph is no
    // longer running, an outcome.
    for (name, fault) in [
        ("reset after the stop", Fault::ResetAfterOperating),
        ("cut short mid-body", Fault::CutShort),
    ] {
        let run = under(name, &simulator, &handler, &[fault], LONG).await;
        assert_eq!(run.outcome(), "already_stopped", "{name}");
        assert_eq!(run.attempts, 2, "{name}");
        assert_eq!(
            simulator.graph_status(&graph("g-1")),
            Some(GraphStatus::Stopping)
        );
        assert_retried_stop_says_its_job_id_was_lost(name, &run);
    }
}

#[tokio::test]
async fn a_read_timeout_is_retried_and_reported_as_upstream_unavailable() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[(vars::REQUEST_TIMEOUT, "1")]);
    let run = under(
        "answer after 3 s, timeout 1 s",
        &simulator,
        &handler,
        &[Fault::Delay(Duration::from_secs(3))],
        LONG,
    )
    .await;
    // The slow call stopped the graph; the retry says so.
    assert_eq!(run.outcome(), "already_stopped");
    assert_eq!(run.attempts, 2);
    assert_retried_stop_says_its_job_id_was_lost("answer after 3 s", &run);

    let run = under(
        "body trickling for 2.5 s, timeout 1 s",
        &simulator,
        &handler,
        &[Fault::SlowBody {
            chunks: 6,
            pause: Duration::from_millis(500),
        }],
        LONG,
    )
    .await;
    assert_eq!(run.outcome(), "already_stopped");
    assert_eq!(run.attempts, 2);

    let slow = vec![Fault::Delay(Duration::from_secs(3)); 3];
    let run = under("answer after 3 s x3", &simulator, &handler, &slow, LONG).await;
    let error = run.error();
    assert_eq!(error.error_type, "UpstreamUnavailable");
    assert_eq!(run.attempts, 3);
    for part in [
        "did not answer in time",
        "after 3 attempts",
        "GES_REQUEST_TIMEOUT_SECS",
    ] {
        assert!(error.error_message.contains(part), "{part}: {error:?}");
    }
}

#[tokio::test]
async fn a_slow_body_within_the_timeouts_is_read_whole() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let run = under(
        "body in 4 pieces, 200 ms apart",
        &simulator,
        &handler,
        &[Fault::SlowBody {
            chunks: 4,
            pause: Duration::from_millis(200),
        }],
        LONG,
    )
    .await;
    assert_eq!(run.outcome(), "stopping");
    assert_eq!(run.attempts, 1);
}

#[tokio::test]
async fn the_deadline_cuts_an_attempt_short_and_says_how_many_were_made() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let run = under(
        "answer after 5 s, deadline 1.2 s",
        &simulator,
        &handler,
        &[Fault::Delay(Duration::from_secs(5))],
        Duration::from_millis(1200),
    )
    .await;
    let error = run.error();
    assert_eq!(error.error_type, "DeadlineExceeded");
    assert_eq!(run.attempts, 1);
    assert!(error.error_message.contains("after 1 attempt"), "{error:?}");

    // Retries stop where the deadline would be passed: 503s with a slow answer each.
    let slow = self::handler(&simulator, &[(vars::MAX_ATTEMPTS, "10")]);
    simulator.put_graph(GraphSpec::running(graph("g-1"), "one"));
    let run = under(
        "503 forever, deadline 2 s, 10 attempts allowed",
        &simulator,
        &slow,
        &vec![Fault::ServiceUnavailable; 10],
        Duration::from_secs(2),
    )
    .await;
    assert!(
        matches!(
            run.error().error_type.as_str(),
            "UpstreamUnavailable" | "DeadlineExceeded"
        ),
        "{:?}",
        run.error()
    );
    assert!((2..10).contains(&run.attempts), "{}", run.attempts);
}

#[tokio::test]
async fn answers_that_break_the_contract_are_clear_errors_sent_once() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    let cases = [
        (
            "malformed JSON",
            Fault::MalformedJson,
            "UnexpectedAnswer",
            "HTTP 200",
        ),
        (
            "truncated JSON",
            Fault::TruncatedJson,
            "UnexpectedAnswer",
            "HTTP 200",
        ),
        (
            "200 without job_id",
            Fault::json(200, "{}"),
            "NoJobId",
            "no job ID",
        ),
        (
            "200 with a job_id of the wrong type",
            Fault::json(200, r#"{"job_id": 42}"#),
            "UnexpectedAnswer",
            "HTTP 200",
        ),
        (
            "huge body with its length",
            Fault::HugeBody(MAX_RESPONSE_BYTES + 1),
            "ClientError",
            "larger than",
        ),
        (
            "huge body in chunks",
            Fault::HugeStream(2 * MAX_RESPONSE_BYTES),
            "ClientError",
            "larger than",
        ),
    ];
    for (name, fault, kind, says) in cases {
        let run = under(name, &simulator, &handler, &[fault], LONG).await;
        let error = run.error();
        assert_eq!(error.error_type, kind, "{name}: {error:?}");
        assert!(error.error_message.contains(says), "{name}: {error:?}");
        assert!(
            error.error_message.contains("after 1 attempt"),
            "{name}: {error:?}"
        );
        assert!(
            error.error_message.len() < 1200,
            "{name}: a short message: {} bytes",
            error.error_message.len()
        );
        assert_eq!(run.attempts, 1, "{name}");
    }
}

#[tokio::test]
async fn a_graph_that_always_fails_fails_alone_in_a_batch() {
    let simulator = simulator().await;
    let handler = handler(&simulator, &[]);
    simulator.fail_graph(&graph("g-2"), Fault::Reset);
    let started = Instant::now();
    let error = handler
        .handle(LambdaEvent::new(
            json!({"graph_ids": ["g-1", "g-2"]}),
            context(LONG),
        ))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "PartialFailure");
    let answer: Value = serde_json::from_str(&diagnostic.error_message).unwrap();
    assert_eq!(answer["results"][0]["outcome"], "stopping");
    assert_eq!(answer["results"][1]["error"]["code"], "UpstreamUnavailable");
    let calls_for_g2 = simulator
        .requests()
        .iter()
        .filter(|request| request.path.contains("/graphs/g-2/"))
        .count();
    assert_eq!(calls_for_g2, 3);
    eprintln!(
        "fault reset on g-2 of a batch: {calls_for_g2} attempt(s), {:.0} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    simulator.clear_faults();
}

#[tokio::test]
async fn a_wait_and_a_dry_run_retry_their_look_ups() {
    let simulator = Simulator::builder()
        .graph(GraphSpec::running(graph("g-1"), "one"))
        .token(TOKEN)
        .stop_duration(Duration::from_millis(300))
        .start()
        .await
        .unwrap();
    let handler = handler(&simulator, &[]);
    let run = run_with(
        "show job 503 then reset during a wait",
        &simulator,
        &handler,
        &[Fault::ServiceUnavailable, Fault::Reset],
        LONG,
        json!({"graph_id": "g-1", "wait": true}),
        OperationKind::ShowJob,
    )
    .await;
    assert_eq!(run.outcome(), "stopped");
    assert!(run.attempts >= 3, "{}", run.attempts);

    let run = run_with(
        "show graph 502 in a dry run",
        &simulator,
        &handler,
        &[plain(502, "Bad Gateway")],
        LONG,
        json!({"graph_id": "g-1", "dry_run": true}),
        OperationKind::ShowGraph,
    )
    .await;
    assert_eq!(run.outcome(), "would_stop");
    assert_eq!(run.attempts, 2);
}

#[tokio::test]
async fn the_client_caps_the_body_it_reads_and_counts_its_attempts() {
    let simulator = simulator().await;
    let (config, _) = config(&simulator, &[]);
    let client = GesClient::new(&config).unwrap();
    let request = StopGraphRequest {
        project_id: simulator.project_id().clone(),
        graph_id: graph("g-1"),
    };

    // Exactly the cap is read (and then refused by the contract: a job id that long
    // is not a job id); one byte more is not read at all.
    simulator.fail_next(
        OperationKind::StopGraph,
        Fault::HugeBody(MAX_RESPONSE_BYTES),
    );
    let error = client.execute(&request).await.unwrap_err();
    assert!(
        matches!(error.kind(), ClientErrorKind::Decode { .. }),
        "{error}"
    );
    simulator.fail_next(
        OperationKind::StopGraph,
        Fault::HugeBody(MAX_RESPONSE_BYTES + 1),
    );
    let error = client.execute(&request).await.unwrap_err();
    assert!(
        matches!(error.kind(), ClientErrorKind::ResponseTooLarge { .. })
            && error.attempts().sent() == 1,
        "{error}"
    );
    assert!(error.to_string().len() < 300, "{error}");

    simulator.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
    simulator.fail_next(OperationKind::StopGraph, Fault::Reset);
    let reply = client.execute(&request).await.unwrap();
    assert!(
        matches!(reply.response, StopGraphResponse::Ok(_)),
        "{reply:?}"
    );
    assert_eq!(reply.attempts.sent(), 3);

    // A documented 503, three times: the client hands back GES's answer, saying how
    // many attempts it took.
    for _ in 0..3 {
        simulator.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
    }
    let reply = client.execute(&request).await.unwrap();
    assert!(
        matches!(reply.response, StopGraphResponse::ServiceUnavailable(_)),
        "{reply:?}"
    );
    assert_eq!(reply.attempts.sent(), 3);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_with_its_attempts() {
    // A port nobody listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let env: HashMap<&str, &str> = HashMap::from([
        (vars::ENDPOINT, endpoint.as_str()),
        (vars::AUTH_TOKEN, TOKEN),
        (vars::PROJECT_ID, "0123456789abcdef0123456789abcdef"),
    ]);
    let config = Config::from_lookup(|name| env.get(name).map(|v| v.to_string())).unwrap();
    let settings = Settings::from_lookup(|name| env.get(name).map(|v| v.to_string())).unwrap();
    let handler = Handler::new(&config, settings).unwrap();
    let started = Instant::now();
    let error = handler
        .handle(LambdaEvent::new(json!({"graph_id": "g-1"}), context(LONG)))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    eprintln!(
        "fault connection refused: 3 attempt(s), {:.0} ms, {}: {}",
        started.elapsed().as_secs_f64() * 1e3,
        diagnostic.error_type,
        diagnostic.error_message
    );
    assert_eq!(diagnostic.error_type, "UpstreamUnavailable");
    assert!(
        diagnostic.error_message.contains("after 3 attempts"),
        "{diagnostic:?}"
    );
}

/// A handler whose retry pauses are a few milliseconds, so that a test of many retries
/// does not wait for the production backoff.
fn quick_handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    let (mut config, settings) = config(simulator, extra);
    config.retry.base_backoff = Duration::from_millis(1);
    config.retry.max_backoff = Duration::from_millis(5);
    Handler::new(&config, settings).unwrap()
}

/// A simulator with these running graphs.
async fn fleet_simulator(ids: &[String]) -> RunningSimulator {
    Simulator::builder()
        .graphs(
            ids.iter()
                .map(|id| GraphSpec::running(graph(id), id.clone())),
        )
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap()
}

/// How many calls that name the graph reached the simulator, of those with `status`
/// when given.
fn calls_for(simulator: &RunningSimulator, graph_id: &str, status: Option<u16>) -> usize {
    let path = format!("/graphs/{graph_id}/");
    simulator
        .requests()
        .iter()
        .filter(|request| request.path.contains(&path))
        .filter(|request| status.is_none_or(|status| request.status == status))
        .count()
}

#[tokio::test]
async fn the_retry_budget_bounds_what_a_failing_ges_gets_from_one_run() {
    use ges_client::transport::RetryBudget;
    const GRAPHS: usize = 64;
    let ids: Vec<String> = (1..=GRAPHS).map(|n| format!("f-{n}")).collect();
    let simulator = fleet_simulator(&ids).await;
    for id in &ids {
        simulator.fail_graph(&graph(id), Fault::ServiceUnavailable);
    }
    let handler = quick_handler(
        &simulator,
        &[(vars::MAX_ATTEMPTS, "10"), (vars::MAX_CONCURRENCY, "64")],
    );
    let error = handler
        .handle(LambdaEvent::new(json!({ "graph_ids": ids }), context(LONG)))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    assert_eq!(diagnostic.error_type, "PartialFailure");
    let answer: Value = serde_json::from_str(&diagnostic.error_message).unwrap();
    assert_eq!(answer["summary"]["failed"], GRAPHS, "{answer}");
    let calls = simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(OperationKind::StopGraph))
        .count();
    // Every first attempt, and as many retries as the budget pays for (no answer came
    // that would refund one): 164, where 640 would have gone without it.
    let bound = GRAPHS + (RetryBudget::CAPACITY / RetryBudget::RETRY_COST) as usize;
    eprintln!("fault 503 on {GRAPHS} graphs, 10 attempts allowed: {calls} calls (bound {bound})");
    assert!(calls <= bound, "{calls} calls, more than {bound}");
    assert!(calls > GRAPHS, "retries were made: {calls}");
    let results = answer["results"].as_array().unwrap();
    let spent = results
        .iter()
        .filter(|result| {
            let message = result["error"]["message"].as_str().unwrap_or_default();
            message.contains("retry budget was spent")
        })
        .count();
    assert!(spent > 0, "a graph refused a retry says why: {answer}");
    for result in results {
        assert_eq!(result["error"]["code"], "UpstreamUnavailable", "{result}");
    }
    simulator.clear_faults();
}

#[tokio::test]
async fn one_failing_graph_gets_every_attempt_the_configuration_allows() {
    let simulator = simulator().await;
    let handler = quick_handler(&simulator, &[(vars::MAX_ATTEMPTS, "10")]);
    let run = under(
        "503 x10, GES_MAX_ATTEMPTS=10",
        &simulator,
        &handler,
        &vec![Fault::ServiceUnavailable; 10],
        LONG,
    )
    .await;
    assert_eq!(run.attempts, 10);
    let error = run.error();
    assert_eq!(error.error_type, "UpstreamUnavailable");
    assert!(
        error.error_message.contains("after 10 attempts"),
        "{error:?}"
    );
    assert!(!error.error_message.contains("budget"), "{error:?}");
}

#[tokio::test]
async fn a_batch_with_a_tenth_of_its_graphs_throttled_stops_every_graph() {
    const GRAPHS: usize = 100;
    /// Throttled answers each throttled graph gets before GES lets it through.
    const THROTTLED: usize = 2;
    let ids: Vec<String> = (1..=GRAPHS).map(|n| format!("t-{n}")).collect();
    let simulator = fleet_simulator(&ids).await;
    let throttled: Vec<&String> = ids.iter().step_by(10).collect();
    for id in &throttled {
        // Retry-After: 1 keeps each retry a second away: time for the watcher below to
        // let the graph through after its THROTTLED-th 429.
        simulator.fail_graph(&graph(id), Fault::throttled_for("1"));
    }
    let handler = quick_handler(&simulator, &[(vars::MAX_ATTEMPTS, "5")]);
    let watch = async {
        let mut waiting = throttled.clone();
        let started = Instant::now();
        while !waiting.is_empty() && started.elapsed() < LONG {
            waiting.retain(|id| {
                let done = calls_for(&simulator, id, Some(429)) >= THROTTLED;
                if done {
                    // A fault that changes nothing replaces the throttling.
                    simulator.fail_graph(&graph(id), Fault::Delay(Duration::ZERO));
                }
                !done
            });
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let (answer, ()) = tokio::join!(
        handler.handle(LambdaEvent::new(json!({ "graph_ids": ids }), context(LONG))),
        watch
    );
    let answer = answer.map_err(Diagnostic::from).unwrap();
    assert_eq!(answer["summary"]["stopping"], GRAPHS, "{answer}");
    assert_eq!(answer["summary"]["failed"], 0, "{answer}");
    for id in &throttled {
        assert_eq!(calls_for(&simulator, id, Some(429)), THROTTLED, "{id}");
        assert_eq!(calls_for(&simulator, id, None), THROTTLED + 1, "{id}");
    }
    simulator.clear_faults();
}
