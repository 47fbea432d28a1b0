//! The `ges-stop` binary against the simulator on loopback: `stop` with each kind of
//! credentials, its outcomes and failures, `simulate` and `demo`.

use std::process::{Output, Stdio};
use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, RunningSimulator, Scheme, Simulator,
};
use ges_stop_e2e::ges_stop_binary;
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
    let stderr = stderr_of(&output);
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
}
