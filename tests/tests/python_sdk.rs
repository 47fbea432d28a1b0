//! The official Huawei Cloud Python SDKs (`huaweicloudsdkges`, `huaweicloudsdkces`)
//! against the simulator: what the real SDKs sign and send must be accepted, and their
//! refusals must read as GES's (and Cloud Eye's) to the SDK. `tests/python/sdk_metrics.py`
//! reads request counts with `CesClient.batch_list_metric_data`.
//!
//! Runs `tests/python/sdk_graph.py stop` and `... start` (the SDK's
//! `StartGraph2Request`, with or without its `StartGraphReq` body) with the venv's
//! Python (`ges_stop_e2e::python()`), with `HOME` in a scratch folder (the SDK writes `$HOME/.huaweicloud` on import) and
//! a time limit.
//!
//! Keyless federation: the SDK's `OidcStsCredentialProvider` (`GES_CREDENTIALS=oidc`)
//! trades an ID token the simulator minted for temporary credentials at the
//! simulator's Huawei STS and stops a graph with them; and the `assume-with-oidc`
//! request the release `ges-stop-lambda` sends (under the Lambda emulator) is the
//! SDK's, body and `Content-Type`, both caught on the wire by a recording proxy
//! ([`StsRecorder`]) in front of the simulator's STS.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ges_api::types::{GraphId, GraphStatus, JobId};
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, RunningSimulator, Scheme, Signer, Simulator,
};
use ges_stop_e2e::{LambdaEmulator, LambdaFunction};
use serde_json::{Value, json};
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
    /// `sdk_metrics.py`: Cloud Eye's batch read of request counts.
    Metrics,
}

impl Script {
    /// The script's file in tests/python.
    fn file(self) -> &'static str {
        match self {
            Self::Stop | Self::Start => "sdk_graph.py",
            Self::Metrics => "sdk_metrics.py",
        }
    }

    /// The script's argument: which call it makes.
    fn action(self) -> &'static str {
        match self {
            Self::Stop => "stop",
            Self::Start => "start",
            Self::Metrics => "",
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
            "{} {} {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.script.file(),
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
    let script = ges_stop_e2e::workspace_root()
        .join("tests/python")
        .join(which.file());
    let mut command = Command::new(ges_stop_e2e::python());
    command.arg(&script);
    if !which.action().is_empty() {
        command.arg(which.action());
    }
    command
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

const PROVIDER: &str = "iam::0a1b2c3d:oidcProvider:aws-lambda";
const AGENCY: &str = "iam::0a1b2c3d:agency:ges-stop";
const AUDIENCE: &str = "ges-stop-sdk";
/// The path of `AssumeAgencyWithOIDC`.
const ASSUME_WITH_OIDC: &str = "/v5/agencies/assume-with-oidc";

/// A simulator whose only credentials are federation's (no AK/SK): an identity
/// provider trusting its own issuer, and an agency.
async fn federated_simulator() -> RunningSimulator {
    Simulator::builder()
        .project_id(PROJECT.parse().expect("a valid project ID"))
        .graph(GraphSpec::running(graph_id(RUNNING), "sdk-graph"))
        .oidc_provider(PROVIDER.parse().expect("a provider URN"), AUDIENCE)
        .oidc_agency(AGENCY.parse().expect("an agency URN"))
        .stop_duration(Duration::from_secs(600))
        .start()
        .await
        .expect("the simulator starts")
}

/// An `assume-with-oidc` request as it came on the wire.
#[derive(Debug, Clone)]
struct Captured {
    content_type: Option<String>,
    body: Bytes,
}

impl Captured {
    /// The body, parsed: compared as values, whatever the order and spacing of keys.
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "the body is not JSON ({error}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// A loopback HTTP proxy in front of the simulator's Huawei STS: it keeps every
/// `POST /v5/agencies/assume-with-oidc` it is sent (the simulator's journal keeps no
/// bodies), forwards it, and answers with the simulator's answer. Stopped when dropped.
struct StsRecorder {
    addr: SocketAddr,
    captured: Arc<Mutex<Vec<Captured>>>,
    server: tokio::task::JoinHandle<()>,
}

#[derive(Clone)]
struct Forward {
    upstream: String,
    client: reqwest::Client,
    captured: Arc<Mutex<Vec<Captured>>>,
}

impl StsRecorder {
    async fn start(simulator: &RunningSimulator) -> Self {
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("a loopback port");
        let addr = listener.local_addr().expect("its address");
        let captured = Arc::new(Mutex::new(Vec::new()));
        let forward = Forward {
            upstream: format!("{}{ASSUME_WITH_OIDC}", simulator.base_url()),
            client: reqwest::Client::builder()
                .no_proxy()
                .tls_backend_preconfigured(ges_client::transport::client_config())
                .build()
                .expect("an HTTP client builds"),
            captured: Arc::clone(&captured),
        };
        let router = axum::Router::new()
            .route(ASSUME_WITH_OIDC, axum::routing::post(record_and_forward))
            .with_state(forward);
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self {
            addr,
            captured,
            server,
        }
    }

    /// The STS endpoint to give a client.
    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn captured(&self) -> Vec<Captured> {
        self.captured
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Drop for StsRecorder {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn record_and_forward(
    State(forward): State<Forward>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    forward
        .captured
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(Captured {
            content_type: content_type.clone(),
            body: body.clone(),
        });
    let mut request = forward.client.post(&forward.upstream).body(body);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(error) => {
            return (StatusCode::BAD_GATEWAY, format!("the simulator: {error}")).into_response();
        }
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let answer_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let body = answer.bytes().await.unwrap_or_default();
    let mut response = (status, body).into_response();
    if let Some(answer_type) = answer_type {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, answer_type);
    }
    response
}

/// The SDK's variables for an ID token exchange at `sts_endpoint`, plus `extra`.
fn oidc_env(
    id_token: &str,
    sts_endpoint: &str,
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", sts_endpoint.to_owned()),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER.to_owned()),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY.to_owned()),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", id_token.to_owned()),
    ];
    env.extend(
        extra
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned())),
    );
    env
}

/// Runs `sdk_graph.py stop` with `GES_CREDENTIALS=oidc` and these variables.
async fn sdk_oidc_stop(sim: &RunningSimulator, env: &[(&'static str, String)]) -> ScriptRun {
    let mut all: Vec<(&str, &str)> = vec![("GES_CREDENTIALS", "oidc"), ("TZ", "UTC")];
    all.extend(env.iter().map(|(name, value)| (*name, value.as_str())));
    // GES_AK and GES_SK are set by run_script, and not read in this mode.
    run_script(sim, Script::Stop, RUNNING, SK, &all).await
}

#[tokio::test]
async fn the_official_sdk_trades_an_oidc_id_token_for_credentials_and_stops_a_graph() {
    let sim = federated_simulator().await;
    let id_token = sim.mint_id_token(&sim.id_token_claims(), Signer::Rs256);
    let run = sdk_oidc_stop(&sim, &oidc_env(&id_token, &sim.base_url(), &[])).await;
    assert!(run.status.success(), "{run}");
    let job_id: JobId = run.json()["job_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no job_id printed: {run}"))
        .parse()
        .expect("a valid job ID");

    let requests = sim.requests();
    let operations: Vec<_> = requests.iter().map(|request| request.operation).collect();
    assert_eq!(
        operations,
        [
            Some(OperationKind::AssumeAgencyWithOidc),
            Some(OperationKind::StopGraph)
        ],
        "{requests:#?}"
    );
    assert_eq!(
        requests[0].authentication,
        Authentication::Accepted(Scheme::IdToken)
    );
    assert!((200..300).contains(&requests[0].status), "{requests:#?}");
    // Signed with the temporary AK/SK, its security token beside it.
    assert_eq!(
        requests[1].authentication,
        Authentication::Accepted(Scheme::TemporaryAkSk)
    );
    assert_eq!(requests[1].status, 200);
    assert_eq!(sim.federated_credentials_issued(), 1);
    assert_eq!(
        sim.graph_status(&graph_id(RUNNING)),
        Some(GraphStatus::Stopping)
    );
    assert_eq!(sim.last_stop_job(&graph_id(RUNNING)), Some(job_id));
}

#[tokio::test]
async fn our_assume_with_oidc_request_is_the_sdks() {
    let sim = federated_simulator().await;
    let recorder = StsRecorder::start(&sim).await;
    let id_token = sim.mint_id_token(&sim.id_token_claims(), Signer::Rs256);
    let policy = r#"{"Version":"5.0","Statement":[{"Effect":"Allow","Action":["ges:graph:operate"],"Resource":["*"]}]}"#;
    let settings: [&[(&'static str, &str)]; 2] = [
        // The defaults: the SDK's session name and duration.
        &[],
        &[
            ("HUAWEICLOUD_OIDC_SESSION_NAME", "ges-stop-e2e.session"),
            ("HUAWEICLOUD_OIDC_DURATION_SECONDS", "2700"),
            ("HUAWEICLOUD_OIDC_POLICY", policy),
            ("HUAWEICLOUD_OIDC_POLICY_IDS", "policy-one,policy_two"),
        ],
    ];
    let emulator = LambdaEmulator::start().await;
    for extra in settings {
        let env = oidc_env(&id_token, &recorder.endpoint(), extra);
        sim.put_graph(GraphSpec::running(graph_id(RUNNING), "sdk-graph"));
        let run = sdk_oidc_stop(&sim, &env).await;
        assert!(run.status.success(), "{extra:?}: {run}");

        sim.put_graph(GraphSpec::running(graph_id(RUNNING), "sdk-graph"));
        let mut ours = env.clone();
        ours.push(("GES_ENDPOINT", sim.base_url()));
        let mut function = LambdaFunction::start(&emulator, ours).await;
        let invocation = function.invoke(&json!({ "graph_id": RUNNING })).await;
        assert_eq!(invocation.answer()["outcome"], "stopping", "{extra:?}");
        function.stop().await;

        let captured = recorder.captured();
        let [.., sdk, ges_stop] = captured.as_slice() else {
            panic!("{extra:?}: two requests were not caught: {captured:?}");
        };
        assert_eq!(
            ges_stop.json(),
            sdk.json(),
            "{extra:?}: the bodies differ as JSON values"
        );
        assert_eq!(ges_stop.content_type, sdk.content_type, "{extra:?}");
        assert_eq!(
            sdk.content_type.as_deref(),
            Some("application/json;charset=UTF-8")
        );
        // Both carried what was configured, the SDK's defaults where nothing was.
        let body = sdk.json();
        assert_eq!(body["provider_urn"], PROVIDER);
        assert_eq!(body["agency_urn"], AGENCY);
        assert_eq!(body["id_token"], id_token.as_str());
        if extra.is_empty() {
            assert_eq!(body["agency_session_name"], "oidc-sts-session");
            assert_eq!(body["duration_seconds"], 3600);
            assert!(body.get("policy").is_none() && body.get("policy_ids").is_none());
        } else {
            assert_eq!(body["agency_session_name"], "ges-stop-e2e.session");
            assert_eq!(body["duration_seconds"], 2700);
            assert_eq!(body["policy"], policy);
            assert_eq!(body["policy_ids"], json!(["policy-one", "policy_two"]));
        }
    }
    assert_eq!(recorder.captured().len(), 4);
    assert_eq!(sim.federated_credentials_issued(), 4);
}

/// Runs `sdk_metrics.py`: the official Cloud Eye SDK reads these graphs' request counts
/// over `[from, to)` (UNIX ms) from the simulator, signing with `secret_key`.
async fn sdk_metrics(
    sim: &RunningSimulator,
    graphs: &[&str],
    (from, to): (i64, i64),
    secret_key: &str,
) -> ScriptRun {
    let endpoint = sim.base_url();
    let graphs = graphs.join(",");
    let (from, to) = (from.to_string(), to.to_string());
    let env = [
        ("CES_ENDPOINT", endpoint.as_str()),
        ("CES_GRAPH_IDS", graphs.as_str()),
        ("CES_FROM", from.as_str()),
        ("CES_TO", to.as_str()),
        ("CES_PERIOD", "1"),
        ("CES_FILTER", "sum"),
    ];
    run_script(sim, Script::Metrics, "", secret_key, &env).await
}

const MINUTE_MS: i64 = 60_000;

/// Ten whole minutes of the simulator's clock that ended five minutes ago, once the
/// graphs have run for half an hour.
fn past_window(sim: &RunningSimulator) -> (i64, i64) {
    sim.advance_clock(Duration::from_secs(30 * 60));
    let now = i64::try_from(sim.now_utc().unix_timestamp_nanos() / 1_000_000).unwrap();
    let to = now - now.rem_euclid(MINUTE_MS) - 5 * MINUTE_MS;
    (to - 10 * MINUTE_MS, to)
}

fn date(ms: i64) -> time::OffsetDateTime {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
}

#[tokio::test]
async fn the_official_ces_sdk_reads_request_counts_from_the_simulator() {
    let sim = simulator().await;
    let (from, to) = past_window(&sim);
    sim.set_requests(&graph_id(RUNNING), date(from + 2 * MINUTE_MS), 17);
    sim.set_requests(&graph_id(STOPPED), date(from + 2 * MINUTE_MS), 5);
    let run = sdk_metrics(&sim, &[RUNNING, STOPPED], (from, to), SK).await;
    assert!(run.status.success(), "{run}");
    let read = run.json();
    let running = &read["metrics"][0];
    assert_eq!(running["graph"], RUNNING, "{run}");
    assert_eq!(running["unit"], "count", "{run}");
    let expected: Vec<Value> = (0..10)
        .map(|minute| {
            json!([
                from + minute * MINUTE_MS,
                if minute == 2 { 17.0 } else { 0.0 }
            ])
        })
        .collect();
    assert_eq!(running["points"], Value::Array(expected), "{run}");
    // A stopped graph reports nothing, whatever count was set for it.
    assert_eq!(read["metrics"][1]["graph"], STOPPED, "{run}");
    assert_eq!(read["metrics"][1]["points"], json!([]), "{run}");

    let requests = sim.requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    let query = &requests[0];
    assert_eq!(query.method, "POST");
    assert_eq!(
        query.path,
        format!("/V1.0/{PROJECT}/batch-query-metric-data")
    );
    assert_eq!(query.operation, Some(OperationKind::BatchListMetricData));
    assert_eq!(query.authentication, Authentication::Accepted(Scheme::AkSk));
    assert_eq!(query.metrics, Some(2));
    assert_eq!(query.status, 200);
}

#[tokio::test]
async fn the_official_ces_sdk_reports_401_for_a_wrong_secret_key() {
    let sim = simulator().await;
    let window = past_window(&sim);
    let run = sdk_metrics(
        &sim,
        &[RUNNING],
        window,
        "NotTheSecretKey0000000000000000000000000",
    )
    .await;
    assert_eq!(run.status.code(), Some(EXIT_REFUSED), "{run}");
    let refusal = run.json();
    assert_eq!(refusal["status_code"], 401, "{run}");
    assert_eq!(refusal["error_code"], "APIGW.0301", "{run}");
    assert_eq!(
        sim.requests()[0].authentication,
        Authentication::Refused(Scheme::AkSk)
    );
}
