//! The `ges-stop` binary against the simulator on loopback: `stop` with each kind of
//! credentials, its outcomes and failures, `stop` and `list` by selector (tables and
//! JSON, dry runs, partial failures, exit codes), `--version`, `reconcile`, `simulate`
//! and `demo`.

use std::process::{Output, Stdio};
use std::sync::LazyLock;
use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, RunningSimulator, Scheme, Simulator,
};
use ges_stop_e2e::ges_stop_binary;
use ges_stop_e2e::shift::DayShift;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const TOKEN: &str = "e2e-token-0d5c2f";
const AK: &str = "E2EACCESSKEY00000000";
const SK: &str = "e2e-secret-key-7f3a9c";
/// Every run of the binary must end well within this.
const RUN_LIMIT: Duration = Duration::from_secs(30);

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator(graphs: impl IntoIterator<Item = GraphSpec>) -> RunningSimulator {
    Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .ak_sk(AK, SK)
        .stop_duration(Duration::from_millis(300))
        .start()
        .await
        .unwrap()
}

/// `ges-stop` with nothing from the developer's environment but `PATH`, then `env`.
fn ges_stop(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(ges_stop_binary());
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .kill_on_drop(true);
    command
}

async fn run(mut command: Command) -> Output {
    tokio::time::timeout(RUN_LIMIT, command.output())
        .await
        .expect("ges-stop finished in time")
        .expect("ges-stop ran")
}

fn token_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        ),
    ]
}

fn aksk_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_SDK_AK", AK.to_owned()),
        ("HUAWEICLOUD_SDK_SK", SK.to_owned()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        ),
    ]
}

async fn stop(graph_id: &str, env: &[(&'static str, String)]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(ges_stop(&["stop", "--graph-id", graph_id], &env)).await
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "exit {:?}, stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one line of JSON: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn stop_with_a_token_prints_the_job_and_the_graph_is_stopping() {
    let simulator = simulator([GraphSpec::running(graph("g-1"), "one")]).await;
    let output = stop("g-1", &token_env(&simulator)).await;
    let report = stdout_json(&output);
    let job_id = simulator.last_stop_job(&graph("g-1")).unwrap();
    assert_eq!(report["graph_id"], "g-1");
    assert_eq!(report["project_id"], simulator.project_id().as_str());
    assert_eq!(report["job_id"], job_id.as_str());
    assert_eq!(report["outcome"], "stopping");
    assert!(
        report["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
    assert_eq!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Stopping)
    );
    let requests = simulator.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0].operation, Some(OperationKind::StopGraph));
    assert_eq!(
        requests[0].authentication,
        Authentication::Accepted(Scheme::Token)
    );
}

#[tokio::test]
async fn stop_with_aksk_sends_one_signed_request() {
    let simulator = simulator([GraphSpec::running(graph("g-2"), "two")]).await;
    let report = stdout_json(&stop("g-2", &aksk_env(&simulator)).await);
    assert_eq!(report["outcome"], "stopping");
    let requests = simulator.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        requests[0].authentication,
        Authentication::Accepted(Scheme::AkSk)
    );
    assert_eq!(requests[0].status, 200);
}

#[tokio::test]
async fn a_graph_that_is_not_running_is_already_stopped_and_exits_0() {
    let simulator =
        simulator([GraphSpec::running(graph("g-3"), "three").with_status(GraphStatus::Stopped)])
            .await;
    let report = stdout_json(&stop("g-3", &aksk_env(&simulator)).await);
    assert_eq!(report["outcome"], "already_stopped");
    assert_eq!(report["job_id"], Value::Null);
}

#[tokio::test]
async fn an_unknown_graph_fails_with_the_ges_code_and_request_id() {
    let simulator = simulator([]).await;
    let output = stop("no-such-graph", &token_env(&simulator)).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    // Said once: no WARN line before the error's own.
    let stderr = said_once(&output);
    let request_id = &simulator.requests()[0].request_id;
    assert!(stderr.contains("GraphNotFound"), "{stderr}");
    assert!(stderr.contains("HTTP 404"), "{stderr}");
    assert!(stderr.contains(request_id.as_str()), "{stderr}");
}

#[tokio::test]
async fn refused_credentials_fail_without_repeating_them() {
    let simulator = simulator([GraphSpec::running(graph("g-4"), "four")]).await;
    let secret = "wrong-secret-token-51c0";
    let mut env = token_env(&simulator);
    env[1].1 = secret.to_owned();
    let output = stop("g-4", &env).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("Unauthorized"), "{stderr}");
    assert!(!stderr.contains(secret), "{stderr}");

    let wrong_sk = "wrong-secret-key-9e1d";
    let mut env = aksk_env(&simulator);
    env[2].1 = wrong_sk.to_owned();
    let output = stop("g-4", &env).await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("Unauthorized"), "{stderr}");
    assert!(!stderr.contains(wrong_sk), "{stderr}");
    assert_eq!(
        simulator.graph_status(&graph("g-4")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn ids_that_could_change_the_path_are_refused_and_nothing_is_sent() {
    let simulator = simulator([GraphSpec::running(graph("g-5"), "five")]).await;
    // Linux caps one argument at 128 KiB; 100 kB is still far past any rule.
    let long = "a".repeat(100_000);
    let hostile = [
        "../g-5",
        "g-5/../../x",
        "g%2F5",
        "g-5?x=1",
        "g-5#x",
        "g 5",
        "g-5\r\nX-Injected: 1",
        "gü",
        "",
        long.as_str(),
    ];
    for id in hostile {
        let output = stop(id, &token_env(&simulator)).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{id:?}: {}",
            stderr_of(&output)
        );
        let stderr = stderr_of(&output);
        assert!(stderr.contains("GraphId"), "{id:?}: {stderr}");
        assert!(
            stderr.len() < 2_000,
            "the message is cut: {} bytes",
            stderr.len()
        );
    }
    let mut env = token_env(&simulator);
    env[2].1 = "../../etc".to_owned();
    let output = stop("g-5", &env).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("HUAWEICLOUD_SDK_PROJECT_ID"));

    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
    // And the simulator (like GES) still serves the graph afterwards.
    let report = stdout_json(&stop("g-5", &token_env(&simulator)).await);
    assert_eq!(report["outcome"], "stopping");
}

#[tokio::test]
async fn a_missing_configuration_exits_2_and_says_what_to_set() {
    let output = run(ges_stop(&["stop", "--graph-id", "g"], &[])).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("HUAWEICLOUD_SDK_REGION") && stderr.contains("GES_ENDPOINT"),
        "{stderr}"
    );

    let output = run(ges_stop(
        &["stop", "--graph-id", "g", "--endpoint", "http://192.0.2.1"],
        &[("GES_AUTH_TOKEN", "t")],
    ))
    .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("https://"),
        "{}",
        stderr_of(&output)
    );
}

#[tokio::test]
async fn flags_override_the_environment() {
    let simulator = simulator([GraphSpec::running(graph("g-6"), "six")]).await;
    let endpoint = simulator.base_url();
    let project = simulator.project_id().to_string();
    let output = run(ges_stop(
        &[
            "stop",
            "--graph-id",
            "g-6",
            "--endpoint",
            &endpoint,
            "--project-id",
            &project,
        ],
        &[
            ("GES_AUTH_TOKEN", TOKEN),
            ("GES_ENDPOINT", "https://unused.invalid"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "otherproject"),
        ],
    ))
    .await;
    assert_eq!(stdout_json(&output)["outcome"], "stopping");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_clear_failure() {
    // A port nobody listens on: bind one, then let it go.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let output = run(ges_stop(
        &["stop", "--graph-id", "g"],
        &[
            ("GES_ENDPOINT", &endpoint),
            ("GES_AUTH_TOKEN", "t"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
        ],
    ))
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("could not reach GES"), "{stderr}");
    assert!(stderr.contains("UpstreamUnavailable"), "{stderr}");
}

#[tokio::test]
async fn simulate_prints_its_endpoint_first_and_serves_the_cli() {
    let mut child = ges_stop(
        &[
            "simulate",
            "--graph",
            "sim-graph",
            "--token",
            TOKEN,
            "--stop-seconds",
            "0.2",
        ],
        &[],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let endpoint = tokio::time::timeout(RUN_LIMIT, lines.next_line())
        .await
        .expect("the simulator printed its endpoint in time")
        .unwrap()
        .expect("a first line");
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");

    let env = [
        ("GES_ENDPOINT", endpoint),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            ges_simulator::DEFAULT_PROJECT_ID.to_owned(),
        ),
    ];
    let report = stdout_json(&stop("sim-graph", &env).await);
    assert_eq!(report["outcome"], "stopping");

    // SIGTERM ends it cleanly.
    let pid = child.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(RUN_LIMIT, child.wait())
        .await
        .expect("the simulator ended on SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn simulate_refuses_a_non_loopback_address() {
    let output = run(ges_stop(&["simulate", "--listen", "0.0.0.0:0"], &[])).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("loopback"),
        "{}",
        stderr_of(&output)
    );
}

#[tokio::test]
async fn demo_stops_a_graph_and_shows_it_stopped() {
    let output = run(ges_stop(&["demo", "--stop-seconds", "0.5"], &[])).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {}",
        stderr_of(&output)
    );
    assert!(stdout.contains(r#""outcome":"stopping""#), "{stdout}");
    assert!(stdout.contains("graph 901 (Stopping)"), "{stdout}");
    assert!(
        stdout.contains("graph 900 (Stopped)  job success"),
        "{stdout}"
    );
    assert!(!stdout.contains("demo-secret-key"), "{stdout}");
    // The database-edition graph is skipped in the dry run and the real run alike.
    let graphdb: Vec<&str> = stdout
        .lines()
        .filter(|line| line.trim_start().starts_with("dev-graphdb"))
        .collect();
    assert_eq!(graphdb.len(), 2, "{stdout}");
    assert!(
        graphdb
            .iter()
            .all(|line| line.contains("skipped") && line.contains("database edition")),
        "{stdout}"
    );
}

/// `office` stops at 20:00 UTC and starts at 08:00; the graphs of the reconcile tests
/// below follow it.
const RECONCILE_SCHEDULES: &str = r#"{"schedules": {"office": {"timezone": "UTC",
  "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}], "start_graphs": true}}}"#;

/// Two running graphs and a stopped one on `office`, and one without the schedule tag.
async fn scheduled_simulator() -> RunningSimulator {
    simulator([
        GraphSpec::running(graph("s-1"), "office-a").with_tag("ges-stop:schedule", "office"),
        GraphSpec::running(graph("s-2"), "office-b").with_tag("ges-stop:schedule", "office"),
        GraphSpec::running(graph("s-3"), "office-idle")
            .with_tag("ges-stop:schedule", "office")
            .with_status(GraphStatus::Stopped),
        GraphSpec::running(graph("s-4"), "plain"),
    ])
    .await
}

async fn reconcile(args: &[&str], env: &[(&'static str, String)]) -> Output {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args: Vec<&str> = std::iter::once("reconcile")
        .chain(args.iter().copied())
        .collect();
    run(ges_stop(&args, &env)).await
}

/// The real runs below act at 20:05 one day and 08:05 the next (`office` covers every
/// day): moved next to now, as a run that acts takes its `at` only near now, with an
/// event age that reaches back that far.
static SHIFT: LazyLock<DayShift> = LazyLock::new(|| DayShift::to_now("2026-12-05T08:05:00Z"));

/// `--at` for a real run at `at`, moved next to now.
fn acting_at(at: &str) -> [String; 2] {
    ["--at".to_owned(), SHIFT.apply(at)]
}

/// The variables of a real run at a moved instant: a day and a half back at most.
fn acting_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    let mut env = reconcile_env(simulator);
    env.push(("GES_MAX_EVENT_AGE_MINUTES", "2160".to_owned()));
    env
}

fn reconcile_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    let mut env = token_env(simulator);
    env.push(("GES_SCHEDULES", RECONCILE_SCHEDULES.to_owned()));
    env
}

/// The outcomes of a reconcile answer, by graph name, in the listing's order.
fn reconcile_outcomes(answer: &Value) -> Vec<(String, String)> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {answer}"))
        .iter()
        .map(|entry| {
            (
                entry["name"].as_str().unwrap_or_default().to_owned(),
                entry["outcome"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The Lambda error a failed run prints on stderr: one line of JSON.
/// The one thing a failed command says on stderr: its `error: ...` line, alone (no log
/// line before it says the failure a first time).
fn said_once(output: &Output) -> String {
    let stderr = stderr_of(output);
    let lines: Vec<&str> = stderr.lines().collect();
    match lines.as_slice() {
        [line] if line.starts_with("error: ") => (*line).to_owned(),
        _ => panic!("not one error line on stderr: {stderr}"),
    }
}

#[tokio::test]
async fn reconcile_dry_run_at_an_instant_prints_the_answer_and_only_lists() {
    let simulator = scheduled_simulator().await;
    let output = reconcile(
        &["--at", "2026-12-04T21:05:00+01:00", "--dry-run"],
        &reconcile_env(&simulator),
    )
    .await;
    let answer = stdout_json(&output);
    // The instant as the function echoes it: in UTC.
    assert_eq!(answer["at"], "2026-12-04T20:05:00Z", "{answer}");
    assert_eq!(
        reconcile_outcomes(&answer),
        [
            ("office-a".to_owned(), "would_stop".to_owned()),
            ("office-b".to_owned(), "would_stop".to_owned()),
            ("office-idle".to_owned(), "already_stopped".to_owned()),
        ],
        "{answer}"
    );
    assert_eq!(answer["results"][0]["schedule"], "office", "{answer}");
    assert_eq!(answer["results"][0]["desired"], "stopped", "{answer}");
    assert_eq!(
        answer["results"][0]["next_change"],
        serde_json::json!({"at": "2026-12-05T08:00:00Z", "desired": "running"}),
        "{answer}"
    );
    assert_eq!(answer["summary"]["selected"], 3, "{answer}");
    assert_eq!(answer["summary"]["would_stop"], 2, "{answer}");
    assert_eq!(answer["summary"]["already_stopped"], 1, "{answer}");
    let operations: Vec<_> = simulator
        .requests()
        .iter()
        .map(|request| request.operation)
        .collect();
    assert_eq!(operations, [Some(OperationKind::ListGraphs)]);
    assert_eq!(
        simulator.graph_status(&graph("s-1")),
        Some(GraphStatus::Running)
    );
}

/// `reconcile` prints as `stop` and `list` do: `--output table` asks for the table a
/// person sees at a terminal, with each graph's schedule and what it wants.
#[tokio::test]
async fn reconcile_prints_a_table_when_asked_as_stop_and_list_do() {
    let simulator = scheduled_simulator().await;
    let output = reconcile(
        &[
            "--at",
            "2026-12-04T21:05:00+01:00",
            "--dry-run",
            "--output",
            "table",
        ],
        &reconcile_env(&simulator),
    )
    .await;
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(output.stderr.is_empty(), "{}", stderr_of(&output));
    let table = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines[0], "the schedules at 2026-12-04T20:05:00Z", "{table}");
    let header: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "GRAPH", "NAME", "SCHEDULE", "WANTS", "OUTCOME", "JOB", "DETAIL"
        ],
        "{table}"
    );
    let office_a = lines
        .iter()
        .find(|line| line.contains("office-a"))
        .unwrap_or_else(|| panic!("{table}"));
    let cells: Vec<&str> = office_a.split_whitespace().collect();
    assert_eq!(cells[2..5], ["office", "stopped", "would_stop"], "{table}");
    assert_eq!(
        lines.last().copied(),
        Some("3 graphs: 1 already_stopped, 2 would_stop"),
        "{table}"
    );
}

#[tokio::test]
async fn reconcile_for_real_in_the_project_given_stops_and_starts() {
    let simulator = scheduled_simulator().await;
    let mut env = acting_env(&simulator);
    // The project comes from the flag alone.
    env.retain(|(name, _)| *name != "HUAWEICLOUD_SDK_PROJECT_ID");
    let project = simulator.project_id().to_string();
    let [flag, at] = acting_at("2026-12-04T20:05:00Z");
    let output = reconcile(&[&flag, &at, "--project-id", &project], &env).await;
    let answer = stdout_json(&output);
    assert_eq!(answer["summary"]["stopping"], 2, "{answer}");
    assert_eq!(
        answer["results"][0]["job_id"],
        simulator.last_stop_job(&graph("s-1")).unwrap().as_str()
    );
    assert_eq!(
        simulator.graph_status(&graph("s-2")),
        Some(GraphStatus::Stopping)
    );
    assert_eq!(
        simulator.graph_status(&graph("s-4")),
        Some(GraphStatus::Running),
        "an untagged graph is not part of the run"
    );
    // The morning after, the stopped graph starts.
    simulator.clear_requests();
    let [flag, at] = acting_at("2026-12-05T08:05:00Z");
    let output = reconcile(&[&flag, &at, "--project-id", &project], &env).await;
    let answer = stdout_json(&output);
    assert_eq!(
        reconcile_outcomes(&answer)[2],
        ("office-idle".to_owned(), "starting".to_owned()),
        "{answer}"
    );
    assert_eq!(
        simulator.graph_status(&graph("s-3")),
        Some(GraphStatus::Starting)
    );
}

#[tokio::test]
async fn reconcile_refuses_an_at_that_is_not_a_time_naming_the_flag() {
    let simulator = scheduled_simulator().await;
    for bad in ["not-a-time", "2026-12-04", "2026-12-04T20:05:00"] {
        let output = reconcile(&["--at", bad], &reconcile_env(&simulator)).await;
        assert_eq!(output.status.code(), Some(2), "{bad}: {output:?}");
        let stderr = stderr_of(&output);
        assert!(stderr.contains("--at"), "{bad}: {stderr}");
        assert!(stderr.contains(bad), "{bad}: {stderr}");
        assert!(output.stdout.is_empty(), "{bad}: {output:?}");
    }
    assert!(simulator.requests().is_empty(), "nothing sent");
}

/// A real reconcile takes `--at` only within GES_MAX_EVENT_AGE_MINUTES (120 by
/// default) before now and 5 minutes after: beyond, exit 2 naming the flag and the
/// bound, and nothing sent. With --dry-run, any instant.
#[tokio::test]
async fn a_real_reconcile_refuses_an_at_far_from_now_naming_the_flag() {
    let simulator = scheduled_simulator().await;
    let env = reconcile_env(&simulator);
    let cases = [
        ("2031-03-03T13:05:00Z", "5 minutes in the future"),
        ("2026-12-04T20:05:00Z", "120 minutes in the past"),
    ];
    for (at, bound) in cases {
        let output = reconcile(&["--at", at], &env).await;
        assert_eq!(output.status.code(), Some(2), "{at}: {output:?}");
        let stderr = stderr_of(&output);
        assert!(stderr.contains(&format!("--at is {at}")), "{stderr}");
        assert!(
            stderr.contains(bound) && stderr.contains("--dry-run"),
            "{stderr}"
        );
        assert!(output.stdout.is_empty(), "{output:?}");
    }
    assert!(simulator.requests().is_empty(), "nothing sent");
    for (at, _) in cases {
        let answer = stdout_json(&reconcile(&["--at", at, "--dry-run"], &env).await);
        assert!(answer["summary"]["would_stop"].is_number(), "{answer}");
    }
    assert!(
        simulator
            .requests()
            .iter()
            .all(|request| request.operation == Some(OperationKind::ListGraphs)),
        "only listings"
    );
    assert_eq!(
        simulator.graph_status(&graph("s-1")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn a_refused_or_partly_failed_reconcile_says_so_once_as_stop_does() {
    let simulator = scheduled_simulator().await;
    let [flag, at] = acting_at("2026-12-04T20:05:00Z");
    let at = [flag.as_str(), at.as_str()];

    // More scheduled graphs than allowed: refused before any stop.
    let mut env = acting_env(&simulator);
    env.push(("GES_MAX_GRAPHS", "2".to_owned()));
    let output = reconcile(&at, &env).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        said_once(&output).ends_with("(TooManyGraphs)"),
        "{output:?}"
    );
    assert!(output.stdout.is_empty(), "{output:?}");
    assert!(
        simulator
            .requests()
            .iter()
            .all(|request| request.operation == Some(OperationKind::ListGraphs)),
        "only the listing"
    );

    // One graph's stop fails: the others are stopped, and the run fails.
    simulator.clear_requests();
    simulator.fail_graph(&graph("s-2"), ges_simulator::Fault::InternalServerError);
    let mut env = acting_env(&simulator);
    env.push(("GES_MAX_ATTEMPTS", "1".to_owned()));
    let output = reconcile(&at, &env).await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let error = said_once(&output);
    assert!(
        error.starts_with("error: 1 of ") && error.ends_with("(PartialFailure)"),
        "{error}"
    );
    // Every graph's result is still printed, the failed one with its error.
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    let failed: Vec<&Value> = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|entry| entry.get("error").is_some())
        .collect();
    assert_eq!(failed.len(), 1, "{answer}");
    assert_eq!(failed[0]["graph_id"], "s-2", "{answer}");
    assert_eq!(answer["summary"]["failed"], 1, "{answer}");
    assert_eq!(
        simulator.graph_status(&graph("s-1")),
        Some(GraphStatus::Stopping)
    );

    // No schedules configured, and tags may hold none: refused, nothing sent.
    simulator.clear_requests();
    let mut env = token_env(&simulator);
    env.push(("GES_MAX_EVENT_AGE_MINUTES", "2160".to_owned()));
    env.push(("GES_TAG_SCHEDULES", "off".to_owned()));
    // Refused by the configuration before anything is sent: a usage error, as stop's.
    let output = reconcile(&at, &env).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(
        said_once(&output).ends_with("(NoSchedulesConfigured)"),
        "{output:?}"
    );
    assert!(simulator.requests().is_empty(), "nothing sent");

    // Tags may hold schedules (the default): the reconcile runs with no document, and a
    // graph whose tag names a document's schedule is skipped, saying so.
    env.retain(|(name, _)| *name != "GES_TAG_SCHEDULES");
    let output = reconcile(&[at[0], at[1], "--dry-run"], &env).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        answer["summary"]["skipped"], answer["summary"]["selected"],
        "{answer}"
    );
    assert!(
        answer["results"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("names a schedule the document does not have and is not a compact schedule"),
        "{answer}"
    );
}

/// A small tagged fleet: two running dev graphs, a stopped one, one opted out, and a
/// running prod graph.
async fn fleet_simulator() -> RunningSimulator {
    simulator([
        GraphSpec::running(graph("d-1"), "dev-etl").with_tag("env", "dev"),
        GraphSpec::running(graph("d-2"), "dev-api").with_tag("env", "dev"),
        GraphSpec::running(graph("d-3"), "dev-old")
            .with_tag("env", "dev")
            .with_status(GraphStatus::Stopped),
        GraphSpec::running(graph("d-4"), "dev-keep")
            .with_tag("env", "dev")
            .with_tag("ges-stop:skip", "true"),
        GraphSpec::running(graph("p-1"), "prod-api").with_tag("env", "prod"),
    ])
    .await
}

/// `ges-stop ARGS` with the token configuration of `simulator`.
async fn ges_stop_with(simulator: &RunningSimulator, args: &[&str]) -> Output {
    let env = token_env(simulator);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(ges_stop(args, &env)).await
}

fn operations(simulator: &RunningSimulator) -> Vec<OperationKind> {
    simulator
        .requests()
        .iter()
        .filter_map(|request| request.operation)
        .collect()
}

/// Each result's graph name (or ID, for a graph named by ID) and outcome (or error code).
fn outcomes(answer: &Value) -> Vec<(String, String)> {
    answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results: {answer}"))
        .iter()
        .map(|entry| {
            let graph = entry["name"].as_str().or(entry["graph_id"].as_str());
            let outcome = entry["outcome"]
                .as_str()
                .or(entry["error"]["code"].as_str());
            (
                graph.unwrap_or_default().to_owned(),
                outcome.unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(graph, outcome)| ((*graph).to_owned(), (*outcome).to_owned()))
        .collect()
}

fn stdout_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn list_shows_status_tags_and_what_a_stop_would_do_sending_only_the_listing() {
    let simulator = fleet_simulator().await;
    // Not a terminal: the function's JSON answer.
    let answer = stdout_json(&ges_stop_with(&simulator, &["list", "--tag", "env=dev"]).await);
    assert_eq!(
        outcomes(&answer),
        pairs(&[
            ("dev-etl", "would_stop"),
            ("dev-api", "would_stop"),
            ("dev-old", "already_stopped"),
            ("dev-keep", "skipped"),
        ]),
        "{answer}"
    );
    assert_eq!(
        answer["results"][0]["tags"],
        serde_json::json!({"env": "dev"})
    );
    assert_eq!(answer["results"][2]["graph_status"], "900", "{answer}");
    assert_eq!(
        answer["selectors"],
        serde_json::json!([{"tags": {"env": "dev"}}])
    );
    assert_eq!(answer["summary"]["would_stop"], 2, "{answer}");

    // A table when asked, anywhere.
    let output = ges_stop_with(&simulator, &["list", "--output", "table"]).await;
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = stdout_of(&output);
    let lines: Vec<&str> = table.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["NAME", "GRAPH", "STATUS", "TAGS", "A", "STOP", "WHY"],
        "{table}"
    );
    let row = |name: &str| {
        lines
            .iter()
            .find(|line| line.starts_with(name))
            .unwrap_or_else(|| panic!("no {name}: {table}"))
            .to_string()
    };
    assert!(row("prod-api").contains("running (200)"), "{table}");
    assert!(row("prod-api").contains("env=prod"), "{table}");
    assert!(row("dev-old").contains("already_stopped"), "{table}");
    assert!(
        row("dev-keep").contains("ges-stop:skip=true") && row("dev-keep").contains("opted out"),
        "{table}"
    );
    // Columns line up: each row's status starts where the header's does.
    let column = lines[0].find("STATUS").unwrap();
    assert_eq!(
        row("dev-etl")[column..].split_whitespace().next(),
        Some("running")
    );
    assert_eq!(
        lines.last(),
        Some(&"5 graphs: 1 already_stopped, 1 skipped, 3 would_stop")
    );

    assert_eq!(
        operations(&simulator),
        [OperationKind::ListGraphs, OperationKind::ListGraphs],
        "a listing per run, nothing else"
    );
    assert_eq!(
        simulator.graph_status(&graph("d-1")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn stop_by_selector_dry_runs_on_the_listing_then_stops_what_is_running() {
    let simulator = fleet_simulator().await;
    let answer = stdout_json(
        &ges_stop_with(
            &simulator,
            &["stop", "--name", "dev-*", "--tag", "env=dev", "--dry-run"],
        )
        .await,
    );
    assert_eq!(answer["summary"]["would_stop"], 2, "{answer}");
    assert_eq!(operations(&simulator), [OperationKind::ListGraphs]);

    simulator.clear_requests();
    let output = ges_stop_with(
        &simulator,
        &[
            "stop", "--name", "dev-*", "--tag", "env=dev", "--output", "table",
        ],
    )
    .await;
    assert!(output.status.success(), "{}", stderr_of(&output));
    let table = stdout_of(&output);
    let job = simulator.last_stop_job(&graph("d-1")).unwrap();
    let row = table
        .lines()
        .find(|line| line.starts_with("d-1 "))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        row.contains("dev-etl") && row.contains("stopping"),
        "{table}"
    );
    assert!(row.contains(job.as_str()), "{table}");
    assert!(
        table.contains("4 graphs: 1 already_stopped, 1 skipped, 2 stopping"),
        "{table}"
    );
    let mut sent = operations(&simulator);
    sent.sort_by_key(|operation| format!("{operation:?}"));
    assert_eq!(
        sent,
        [
            OperationKind::ListGraphs,
            OperationKind::StopGraph,
            OperationKind::StopGraph
        ]
    );
    assert_eq!(
        simulator.graph_status(&graph("p-1")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn a_wait_ends_when_the_job_does_within_the_timeout() {
    let simulator = simulator([GraphSpec::running(graph("w-1"), "wait")]).await;
    let output = ges_stop_with(
        &simulator,
        &["stop", "--graph-id", "w-1", "--wait", "--timeout", "20"],
    )
    .await;
    let report = stdout_json(&output);
    assert_eq!(report["outcome"], "stopped", "{report}");
    assert!(operations(&simulator).contains(&OperationKind::ShowJob));
}

#[tokio::test]
async fn a_partial_failure_prints_every_result_and_exits_1() {
    let simulator = simulator([
        GraphSpec::running(graph("ok-1"), "fine"),
        GraphSpec::running(graph("bad-1"), "broken"),
    ])
    .await;
    simulator.fail_graph(&graph("bad-1"), ges_simulator::Fault::InternalServerError);
    let args = [
        "stop",
        "--graph-id",
        "ok-1",
        "--graph-id",
        "bad-1",
        "--graph-id",
        "gone",
    ];
    let mut env = token_env(&simulator);
    env.push(("GES_MAX_ATTEMPTS", "1".to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = run(ges_stop(&args, &env)).await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        outcomes(&answer),
        pairs(&[
            ("ok-1", "stopping"),
            ("bad-1", "UpstreamUnavailable"),
            ("gone", "GraphNotFound"),
        ]),
        "{answer}"
    );
    assert_eq!(answer["summary"]["failed"], 2, "{answer}");
    let stderr = said_once(&output);
    assert!(
        stderr.contains("2 of 3 graphs failed") && stderr.contains("PartialFailure"),
        "{stderr}"
    );

    let mut args = args.to_vec();
    args.extend(["--output", "table"]);
    let output = run(ges_stop(&args, &env)).await;
    assert_eq!(output.status.code(), Some(1));
    let table = stdout_of(&output);
    assert!(
        table.contains("already_stopped"),
        "ok-1 was stopped before: {table}"
    );
    let gone = table
        .lines()
        .find(|line| line.starts_with("gone"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(
        gone.contains("failed") && gone.contains("GraphNotFound"),
        "{table}"
    );
    assert!(
        table.contains("3 graphs: 1 already_stopped, 2 failed"),
        "{table}"
    );
}

#[tokio::test]
async fn flags_an_event_would_refuse_exit_2_and_send_nothing() {
    let simulator = fleet_simulator().await;
    let refused: [&[&str]; 8] = [
        &["stop"],
        &["stop", "--graph-id", "d-1", "--name", "dev-*"],
        &["stop", "--graph-id", "d-1", "--tag", "env=dev"],
        &["stop", "--graph-id", "d-1", "--max-graphs", "5"],
        &["stop", "--name", "dev-*", "--max-graphs", "0"],
        &["stop", "--tag", "env"],
        &["list", "--region", "xx-nowhere-9"],
        &["stop", "--graph-id", "d-1", "--timeout", "5"],
    ];
    for args in refused {
        let output = ges_stop_with(&simulator, args).await;
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr_of(&output)
        );
        assert!(output.stdout.is_empty(), "{args:?}");
        assert!(!stderr_of(&output).is_empty(), "{args:?}");
    }
    let output = ges_stop_with(
        &simulator,
        &["stop", "--name", "dev-*", "--max-graphs", "0"],
    )
    .await;
    assert!(
        stderr_of(&output).contains("max_graphs"),
        "{}",
        stderr_of(&output)
    );
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
}

/// A bad --timeout is the flag's mistake, and is named as the flag; the variable it
/// stands in for, when set wrong, is named as the variable.
#[tokio::test]
async fn a_bad_timeout_names_the_flag() {
    let simulator = simulator([GraphSpec::running(graph("t-1"), "timeout")]).await;
    for bad in ["0", "901", "soon"] {
        let output = ges_stop_with(
            &simulator,
            &["stop", "--graph-id", "t-1", "--wait", "--timeout", bad],
        )
        .await;
        assert_eq!(output.status.code(), Some(2), "{bad}: {output:?}");
        let stderr = stderr_of(&output);
        assert!(
            stderr.contains(&format!("--timeout is \"{bad}\"")),
            "{stderr}"
        );
        assert!(!stderr.contains("GES_WAIT_TIMEOUT_SECS"), "{stderr}");
    }
    let mut env = token_env(&simulator);
    env.push(("GES_WAIT_TIMEOUT_SECS", "0".to_owned()));
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let output = run(ges_stop(&["stop", "--graph-id", "t-1", "--wait"], &env)).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(stderr_of(&output).contains("GES_WAIT_TIMEOUT_SECS is \"0\""));
    assert!(simulator.requests().is_empty(), "nothing sent");
}

/// `ges-stop` with its stdout a pipe whose reader reads `keep` bytes at most, then goes
/// away (`| head -c 10`); the exit status and stderr.
async fn with_stdout_closed(
    mut command: Command,
    keep: usize,
) -> (std::process::ExitStatus, String) {
    use tokio::io::AsyncReadExt;
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("ges-stop starts");
    let mut stdout = child.stdout.take().expect("a pipe");
    let mut stderr = child.stderr.take().expect("a pipe");
    if keep > 0 {
        let mut first = vec![0; keep];
        let read = tokio::time::timeout(RUN_LIMIT, stdout.read(&mut first))
            .await
            .expect("output in time")
            .expect("the pipe reads");
        assert!(read > 0, "some output before the pipe closes");
    }
    drop(stdout);
    let mut errors = String::new();
    tokio::time::timeout(RUN_LIMIT, stderr.read_to_string(&mut errors))
        .await
        .expect("stderr ends in time")
        .expect("stderr reads");
    let status = tokio::time::timeout(RUN_LIMIT, child.wait())
        .await
        .expect("ges-stop ends in time")
        .expect("ges-stop ran");
    (status, errors)
}

#[track_caller]
fn assert_quiet_end(status: std::process::ExitStatus, stderr: &str, code: i32, what: &str) {
    assert_eq!(
        status.code(),
        Some(code),
        "{what}: {status}, stderr: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{what}: {stderr}");
    assert!(
        stderr.lines().count() <= 1,
        "{what}: at most one line: {stderr}"
    );
}

/// A closed stdout (`| head -c 10`) is not a failure of the run: no panic (which
/// `panic = "abort"` turns into exit 134), the run's own exit code, and one line on
/// stderr at most. The stop, the reconcile and the listing still happened.
#[tokio::test]
async fn a_closed_stdout_ends_quietly_with_the_runs_exit_code() {
    // A reconcile that stops graphs, its reader gone before the answer is written.
    let simulator = scheduled_simulator().await;
    let env = acting_env(&simulator);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let [flag, at] = acting_at("2026-12-04T20:05:00Z");
    let (status, stderr) = with_stdout_closed(ges_stop(&["reconcile", &flag, &at], &env), 0).await;
    assert_quiet_end(status, &stderr, 0, "reconcile");
    assert_eq!(
        simulator.graph_status(&graph("s-1")),
        Some(GraphStatus::Stopping),
        "the stop was sent"
    );

    // A stop, JSON or table.
    let simulator = fleet_simulator().await;
    let env = token_env(&simulator);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for output in ["json", "table"] {
        let args = ["stop", "--graph-id", "d-1", "--output", output];
        let (status, stderr) = with_stdout_closed(ges_stop(&args, &env), 0).await;
        assert_quiet_end(status, &stderr, 0, output);
    }
    assert!(operations(&simulator).contains(&OperationKind::StopGraph));

    // A failed run keeps its own exit code: the selection over the maximum, after the
    // listing, exits 1.
    let args = ["stop", "--name", "*", "--max-graphs", "1"];
    let (status, stderr) = with_stdout_closed(ges_stop(&args, &env), 0).await;
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Output larger than the pipe holds, read a few bytes of: the writer is still
    // writing when the reader goes.
    let schedules: Vec<String> = (0..200)
        .map(|n| {
            format!(
                r#""s{n}": {{"timezone": "UTC", "periods": [{{"days": "mon-fri", "start": "08:00", "stop": "20:00"}}]}}"#
            )
        })
        .collect();
    let document = format!(r#"{{"schedules": {{{}}}}}"#, schedules.join(","));
    let env = [("GES_SCHEDULES", document.as_str())];
    let (status, stderr) = with_stdout_closed(
        ges_stop(
            &["schedules", "check", "--at", "2026-12-04T20:05:00Z"],
            &env,
        ),
        10,
    )
    .await;
    assert_quiet_end(status, &stderr, 0, "schedules check");
}

#[tokio::test]
async fn a_selection_over_the_maximum_is_refused_after_the_listing_with_exit_1() {
    let simulator = fleet_simulator().await;
    let output = ges_stop_with(
        &simulator,
        &["stop", "--tag", "env=dev", "--max-graphs", "3"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(output.stdout.is_empty());
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("TooManyGraphs") && stderr.contains("4 graphs"),
        "{stderr}"
    );
    assert_eq!(operations(&simulator), [OperationKind::ListGraphs]);
}

#[tokio::test]
async fn version_names_the_ges_api_of_the_contract() {
    let output = run(ges_stop(&["--version"], &[])).await;
    assert!(output.status.success());
    let version = stdout_of(&output);
    let spec =
        std::fs::read_to_string(ges_stop_e2e::workspace_root().join("openapi/ges.yaml")).unwrap();
    // The contract's own `info.version`, read here as a person would.
    let api = spec
        .lines()
        .find_map(|line| line.strip_prefix("  version: "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(api, ges_api::types::API_VERSION);
    assert!(version.contains(&format!("GES API {api}")), "{version}");
}
