//! The official Huawei Cloud Python SDK (`huaweicloudsdkges`) against the simulator:
//! what the real SDK signs and sends must be accepted, and its refusals must read as
//! GES's to the SDK.
//!
//! Runs `tests/python/sdk_graph.py stop` and `... start` (the SDK's
//! `StartGraph2Request`, with or without its `StartGraphReq` body) with the venv's
//! Python (`ges_stop_e2e::python()`), with `HOME` in a scratch folder (the SDK writes `$HOME/.huaweicloud` on import) and
//! a time limit.

use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus, JobId};
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, RunningSimulator, Scheme, Simulator,
};
use serde_json::Value;
use tokio::process::Command;

const AK: &str = "HPUAEXAMPLEAK0000000";
const SK: &str = "ExampleSecretKey0000000000000000000000000";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const RUNNING: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const STOPPED: &str = "stopped-graph-1";
/// Importing the SDK takes most of a second; a stuck script is killed after this.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(90);
/// The script's exit code when GES refused the call.
const EXIT_REFUSED: i32 = 3;

fn graph_id(value: &str) -> GraphId {
    value.parse().expect("a valid graph ID")
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .project_id(PROJECT.parse().expect("a valid project ID"))
        .graph(GraphSpec::running(graph_id(RUNNING), "sdk-graph"))
        .graph(
            GraphSpec::running(graph_id(STOPPED), "sdk-stopped").with_status(GraphStatus::Stopped),
        )
        .ak_sk(AK, SK)
        // Long enough that the graph is still stopping or starting when the test looks.
        .stop_duration(Duration::from_secs(600))
        .start_duration(Duration::from_secs(600))
        .start()
        .await
        .expect("the simulator starts")
}

/// A scratch `HOME`, removed when dropped.
struct ScratchHome(PathBuf);

impl ScratchHome {
    fn new() -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "ges-stop-sdk-home-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&path).expect("a scratch HOME");
        Self(path)
    }
}

impl Drop for ScratchHome {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One of the scripts in tests/python.
#[derive(Debug, Clone, Copy)]
enum Script {
    Stop,
    Start,
}

impl Script {
    /// The script's argument: which call it makes.
    fn action(self) -> &'static str {
        match self {
            Self::Stop => "stop",
            Self::Start => "start",
        }
    }
}

struct ScriptRun {
    script: Script,
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// What a failed assertion shows: how the script ended and everything it printed.
impl std::fmt::Display for ScriptRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "sdk_graph.py {} {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.script.action(),
            self.status,
            self.stdout,
            self.stderr
        )
    }
}

impl ScriptRun {
    /// The one JSON object the script prints.
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|err| panic!("the script printed no JSON ({err}): {self}"))
    }
}

/// Runs `sdk_graph.py stop` against the simulator, signing with `secret_key`.
async fn sdk_stop(sim: &RunningSimulator, graph: &str, secret_key: &str) -> ScriptRun {
    run_script(sim, Script::Stop, graph, secret_key, &[]).await
}

/// Runs `sdk_graph.py start` against the simulator, with a body naming `backup` if given.
async fn sdk_start(sim: &RunningSimulator, graph: &str, backup: Option<&str>) -> ScriptRun {
    let env: Vec<(&str, &str)> = backup.map(|id| ("GES_BACKUP_ID", id)).into_iter().collect();
    run_script(sim, Script::Start, graph, SK, &env).await
}

/// Runs a script of tests/python against the simulator, signing with `secret_key`,
/// with these variables besides the usual ones.
async fn run_script(
    sim: &RunningSimulator,
    which: Script,
    graph: &str,
    secret_key: &str,
    extra_env: &[(&str, &str)],
) -> ScriptRun {
    let home = ScratchHome::new();
    let script = ges_stop_e2e::workspace_root().join("tests/python/sdk_graph.py");
    let mut command = Command::new(ges_stop_e2e::python());
    command
        .arg(&script)
        .arg(which.action())
        .env_remove("GES_BACKUP_ID")
        .envs(extra_env.iter().copied())
        .env("HOME", &home.0)
        .env("GES_ENDPOINT", sim.base_url())
        .env("GES_AK", AK)
        .env("GES_SK", secret_key)
        .env("GES_PROJECT_ID", sim.project_id().as_str())
        .env("GES_GRAPH_ID", graph)
        // The loopback simulator must be reached directly, never through a proxy.
        .env("NO_PROXY", "*")
        .env_remove("HTTP_PROXY")
        .env_remove("HTTPS_PROXY")
        .env_remove("http_proxy")
        .env_remove("https_proxy")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .stdin(Stdio::null())
        .kill_on_drop(true);
    let output = tokio::time::timeout(SCRIPT_TIMEOUT, command.output())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "{} did not finish within {SCRIPT_TIMEOUT:?}",
                script.display()
            )
        })
        .unwrap_or_else(|err| panic!("could not run {}: {err}", script.display()));
    ScriptRun {
        script: which,
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[tokio::test]
async fn the_official_sdk_stops_a_graph_with_an_ak_sk_signature() {
    let sim = simulator().await;
    let run = sdk_stop(&sim, RUNNING, SK).await;
    assert!(run.status.success(), "{run}");
    let job_id = run.json()["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job_id printed: {run}"))
        .to_owned();
    let job_id: JobId = job_id.parse().expect("a valid job ID");

    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let stop = &requests[0];
    assert_eq!(stop.method, "POST");
    assert_eq!(stop.path, format!("/v2/{PROJECT}/graphs/{RUNNING}/stop"));
    assert_eq!(stop.operation, Some(OperationKind::StopGraph));
    assert_eq!(stop.authentication, Authentication::Accepted(Scheme::AkSk));
    assert_eq!(stop.status, 200);

    assert_eq!(
        sim.graph_status(&graph_id(RUNNING)),
        Some(GraphStatus::Stopping)
    );
    assert_eq!(sim.last_stop_job(&graph_id(RUNNING)), Some(job_id));
}

#[tokio::test]
async fn the_official_sdk_reports_401_for_a_wrong_secret_key() {
    let sim = simulator().await;
    let run = sdk_stop(&sim, RUNNING, "NotTheSecretKey0000000000000000000000000").await;
    assert_eq!(run.status.code(), Some(EXIT_REFUSED), "{run}");
    let refusal = run.json();
    assert_eq!(refusal["status_code"], 401, "{run}");
    assert_eq!(refusal["error_code"], "APIGW.0301", "{run}");
    // The SDK read the request ID from the X-Request-Id header.
    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(refusal["request_id"], requests[0].request_id.as_str());
    assert_eq!(
        requests[0].authentication,
        Authentication::Refused(Scheme::AkSk)
    );
    assert_eq!(
        sim.graph_status(&graph_id(RUNNING)),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn the_official_sdk_reads_ges_7001_for_a_stopped_graph() {
    let sim = simulator().await;
    let run = sdk_stop(&sim, STOPPED, SK).await;
    assert_eq!(run.status.code(), Some(EXIT_REFUSED), "{run}");
    let refusal = run.json();
    assert_eq!(refusal["status_code"], 400, "{run}");
    assert_eq!(refusal["error_code"], "GES.7001");
    assert_eq!(refusal["error_msg"], "The graph is not running.");
}

#[tokio::test]
async fn the_official_sdk_starts_a_stopped_graph() {
    let sim = simulator().await;
    let run = sdk_start(&sim, STOPPED, None).await;
    assert!(run.status.success(), "{run}");
    let job_id: JobId = run.json()["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job_id printed: {run}"))
        .parse()
        .expect("a valid job ID");

    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let start = &requests[0];
    assert_eq!(start.method, "POST");
    assert_eq!(start.path, format!("/v2/{PROJECT}/graphs/{STOPPED}/start"));
    assert_eq!(start.operation, Some(OperationKind::StartGraph));
    assert_eq!(start.authentication, Authentication::Accepted(Scheme::AkSk));
    assert_eq!(start.status, 200);
    assert_eq!(start.graph_backup_id, None);

    assert_eq!(
        sim.graph_status(&graph_id(STOPPED)),
        Some(GraphStatus::Starting)
    );
    assert_eq!(sim.last_start_job(&graph_id(STOPPED)), Some(job_id));
}

#[tokio::test]
async fn the_official_sdk_starts_a_graph_from_a_backup() {
    let sim = simulator().await;
    let run = sdk_start(&sim, STOPPED, Some("backup-0001")).await;
    assert!(run.status.success(), "{run}");
    assert!(run.json()["job_id"].is_string(), "{run}");
    // The SDK's StartGraphReq body was signed, read and recorded.
    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(
        requests[0].authentication,
        Authentication::Accepted(Scheme::AkSk)
    );
    assert_eq!(requests[0].graph_backup_id.as_deref(), Some("backup-0001"));
    assert_eq!(
        sim.graph_status(&graph_id(STOPPED)),
        Some(GraphStatus::Starting)
    );
}

#[tokio::test]
async fn the_official_sdk_reads_ges_7002_for_a_running_graph() {
    let sim = simulator().await;
    let run = sdk_start(&sim, RUNNING, None).await;
    assert_eq!(run.status.code(), Some(EXIT_REFUSED), "{run}");
    let refusal = run.json();
    assert_eq!(refusal["status_code"], 400, "{run}");
    assert_eq!(refusal["error_code"], "GES.7002");
    assert_eq!(refusal["error_msg"], "The graph is not stopped.");
    assert_eq!(
        sim.graph_status(&graph_id(RUNNING)),
        Some(GraphStatus::Running)
    );
}
