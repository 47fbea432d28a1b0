//! The `ges-stop` binary under hostile events and a failing GES: `ges-stop invoke` (the
//! Lambda handler, locally) refuses ids that try to escape the path or confuse a proxy,
//! in direct and HTTP event shapes, with nothing sent; and `ges-stop stop` retries what
//! a retry can mend, as `GES_MAX_ATTEMPTS` says, and reports the attempts it made.

use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use ges_api::types::GraphId;
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_e2e::{ges_stop_binary, workspace_root};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const TOKEN: &str = "e2e-hostile-token-1c7e4a";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
/// Every run of the binary must end well within this.
const RUN_LIMIT: Duration = Duration::from_secs(30);

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graph(GraphSpec::running(graph(G1), "one"))
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .unwrap()
}

fn env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        ),
    ]
}

/// `ges-stop ARGS` with nothing from the developer's environment but `PATH`, then
/// `env`, `stdin` on its standard input.
async fn ges_stop(args: &[&str], env: &[(&str, String)], stdin: &[u8]) -> Output {
    let mut child = Command::new(ges_stop_binary())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("ges-stop starts");
    let mut input = child.stdin.take().expect("a stdin");
    input.write_all(stdin).await.expect("the event is written");
    drop(input);
    tokio::time::timeout(RUN_LIMIT, child.wait_with_output())
        .await
        .expect("ges-stop finished in time")
        .expect("ges-stop ran")
}

fn example(name: &str) -> Value {
    let path = workspace_root().join("examples/events").join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn invoke_refuses_hostile_ids_in_every_shape_and_sends_nothing() {
    let simulator = simulator().await;
    let env = env(&simulator);
    let long = "a".repeat(200 * 1024);
    let hostile: Vec<Value> = [
        "../x",
        "g/../../v3/auth/tokens",
        "g%2F..",
        "g?offset=1",
        "g#x",
        "g\r\nX-Injected: 1",
        "g\u{0}",
        "g 1",
        "gü",
        "",
        long.as_str(),
    ]
    .iter()
    .map(|id| json!(id))
    .chain([json!(42), json!(null), json!([G1]), json!({"id": G1})])
    .collect();
    for id in &hostile {
        let shown: String = id.to_string().chars().take(30).collect();
        let mut http = example("apigw-http.json");
        http["pathParameters"]["graph_id"] = id.clone();
        if let Some(text) = id.as_str() {
            http["rawPath"] = json!(format!("/graphs/{text}/stop"));
        }
        for event in [
            json!({ "graph_id": id }),
            json!({ "graph_ids": [G1, id] }),
            http,
        ] {
            let output = ges_stop(
                &["invoke", "--event", "-"],
                &env,
                event.to_string().as_bytes(),
            )
            .await;
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            if output.status.success() {
                // An HTTP event: the gateway's answer, a client error.
                let answer: Value = serde_json::from_str(&stdout).unwrap();
                let status = answer["statusCode"].as_u64().unwrap_or_default();
                assert!((400..500).contains(&status), "{shown}: {stdout:.300}");
            } else {
                assert_eq!(output.status.code(), Some(1), "{shown}: {stderr:.300}");
                // Log lines first, then the Lambda error as one line of JSON.
                let last = stderr.lines().last().unwrap_or_default();
                let error: Value =
                    serde_json::from_str(last).unwrap_or_else(|_| panic!("{shown}: {stderr:.600}"));
                assert_eq!(error["errorType"], "InvalidEvent", "{shown}: {stderr:.300}");
                assert!(last.len() < 1_000, "{shown}: {} bytes", last.len());
                assert!(!stderr.contains(TOKEN), "{shown}: {stderr:.600}");
            }
            assert!(
                simulator.requests().is_empty(),
                "{shown}: {:?}",
                simulator.requests()
            );
        }
    }
    // The function still serves.
    let output = ges_stop(
        &["invoke", "--event", "-"],
        &env,
        json!({ "graph_id": G1 }).to_string().as_bytes(),
    )
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(simulator.requests().len(), 1);
}

#[tokio::test]
async fn invoke_refuses_an_event_with_a_key_twice_or_more_after_it_and_sends_nothing() {
    let simulator = simulator().await;
    let env = env(&simulator);
    for (event, said) in [
        (
            format!(r#"{{"graph_id":"{G1}","dry_run":true,"dry_run":false}}"#),
            "gives the key dry_run twice (line 1, column ",
        ),
        (
            format!(r#"{{"graph_id":"{G1}"}} {{"graph_id":"{G1}"}}"#),
            "has more after its JSON value (line 1, column ",
        ),
    ] {
        let output = ges_stop(&["invoke", "--event", "-"], &env, event.as_bytes()).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{event}: {stderr}");
        assert!(
            stderr.contains(&format!("--event - {said}")),
            "{event}: {stderr}"
        );
        assert!(
            simulator.requests().is_empty(),
            "{event}: {:?}",
            simulator.requests()
        );
    }
}

#[tokio::test]
async fn stop_retries_what_a_retry_can_mend_and_reports_its_attempts() {
    let simulator = simulator().await;
    let env = env(&simulator);
    let stops = |simulator: &RunningSimulator| {
        simulator
            .requests()
            .iter()
            .filter(|request| request.operation == Some(OperationKind::StopGraph))
            .count()
    };

    // A dropped connection, then a 502: the third attempt stops the graph.
    simulator.fail_next(OperationKind::StopGraph, Fault::Reset);
    simulator.fail_next(OperationKind::StopGraph, Fault::status(502, "Bad Gateway"));
    let started = Instant::now();
    let output = ges_stop(&["stop", "--graph-id", G1], &env, b"").await;
    eprintln!(
        "ges-stop stop, reset then 502: {} attempts, {:.0} ms",
        stops(&simulator),
        started.elapsed().as_secs_f64() * 1e3
    );
    assert!(output.status.success(), "{output:?}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["outcome"], "stopping");
    assert_eq!(stops(&simulator), 3);

    // GES keeps failing: exit 1, after every attempt GES_MAX_ATTEMPTS allows.
    for (attempts, said) in [("3", "after 3 attempts"), ("1", "after 1 attempt")] {
        simulator.put_graph(GraphSpec::running(graph(G1), "one"));
        simulator.clear_requests();
        for _ in 0..3 {
            simulator.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
        }
        let mut env = env.clone();
        env.push(("GES_MAX_ATTEMPTS", attempts.to_owned()));
        let started = Instant::now();
        let output = ges_stop(&["stop", "--graph-id", G1], &env, b"").await;
        eprintln!(
            "ges-stop stop, 503s, GES_MAX_ATTEMPTS={attempts}: {} attempts, {:.0} ms",
            stops(&simulator),
            started.elapsed().as_secs_f64() * 1e3
        );
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("UpstreamUnavailable"), "{stderr}");
        assert!(
            stderr.contains("GES.8503") && stderr.contains(said),
            "{stderr}"
        );
        assert_eq!(stops(&simulator).to_string(), attempts);
        simulator.clear_faults();
    }

    // A bad GES_MAX_ATTEMPTS is a configuration error: exit 2, nothing sent.
    simulator.clear_requests();
    let mut bad = env.clone();
    bad.push(("GES_MAX_ATTEMPTS", "0".to_owned()));
    let output = ges_stop(&["stop", "--graph-id", G1], &bad, b"").await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("GES_MAX_ATTEMPTS"));
    assert!(simulator.requests().is_empty());
}
