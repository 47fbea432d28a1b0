//! The function side of the benchmark suite (`scripts/bench`): cold start (on Lambda and
//! on FunctionGraph: `cold --runtime functiongraph`), warm overhead,
//! the 1,000-graph batch, requests per stop and peak memory, a fleet selection, and a
//! reconcile's decisions over 1,000 scheduled graphs (in-process, `ges_stop_bench::decide`).
//!
//! It runs the GES simulator in-process on 127.0.0.1 and, on another loopback port, a
//! minimal Lambda Runtime API (`/runtime/invocation/next`, `.../response`, `.../error`,
//! `/runtime/init/error`) that hands the function one event at a time and timestamps
//! everything on its side: the function's first `/next` (cold start), and each answer
//! (an invocation's total). The function is a child process with the Lambda variables and
//! nothing else; its peak memory is its `VmHWM` (the counter `/usr/bin/time -v` reports as
//! "Maximum resident set size"), read before it is killed.
//!
//! It prints Markdown table rows on stdout (scripts/bench puts them in BENCHMARKS.md).
//! Nothing is asserted with a clock: only failures of the function fail a run.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path as FsPath, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex as StdMutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use clap::{Parser, Subcommand};
use ges_api::functiongraph;
use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{Fault, GraphSpec, OperationKind, RunningSimulator, Simulator};
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc, oneshot};

use ges_stop_bench::stats::{median, pct, summary, us};
use ges_stop_bench::{calendar, decide};

const TOKEN: &str = "bench-token";
/// How long any one wait (a start-up, an invocation) may take before the run fails.
const LIMIT: Duration = Duration::from_secs(120);
/// The graph every single-graph event names: stopped, so each stop is GES's one
/// `GES.7001` answer (the steady state of a nightly stop).
const STOPPED_GRAPH: &str = "bench-stopped";
/// Invocations before the timed ones, so that connections are open and caches warm.
const WARM_UP: u32 = 20;

use ges_stop_bench::Error;

/// Whose runtime API a function is run under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Platform {
    /// AWS Lambda's Runtime API.
    Lambda,
    /// Huawei Cloud FunctionGraph's custom runtime API.
    #[value(name = "functiongraph")]
    FunctionGraph,
}

impl Platform {
    /// The call that asks for the next event, as the tables name it.
    fn next_call(self) -> &'static str {
        match self {
            Self::Lambda => "/next",
            Self::FunctionGraph => "/request",
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "lambda-bench",
    about = "Times ges-stop-lambda under a minimal Runtime API"
)]
struct Cli {
    #[command(subcommand)]
    command: Bench,
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// Process start to the first /next, and to the first answer, for the function and
    /// for the do-nothing floor, alternating, `runs` times each.
    Cold {
        /// Whose runtime API the functions are run under.
        #[arg(long, value_enum, default_value_t = Platform::Lambda)]
        runtime: Platform,
        #[arg(long)]
        function: PathBuf,
        #[arg(long)]
        floor: PathBuf,
        #[arg(long, default_value_t = 20)]
        runs: u32,
    },
    /// Warm invocations (one already-stopped graph each) against the simulator's own
    /// answer time for the same request, and the do-nothing floor's invocations.
    Warm {
        #[arg(long)]
        function: PathBuf,
        #[arg(long)]
        floor: PathBuf,
        #[arg(long, default_value_t = 1000)]
        invocations: u32,
    },
    /// One event naming `graphs` graphs, each stop answered after `delay_ms`, for each
    /// concurrency: wall time against graphs / C x delay, requests per graph, peak memory.
    Batch {
        #[arg(long)]
        function: PathBuf,
        #[arg(long, default_value_t = 1000)]
        graphs: usize,
        #[arg(long, default_value_t = 20)]
        delay_ms: u64,
        #[arg(long, value_delimiter = ',', default_value = "8,32")]
        concurrency: Vec<u32>,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// A selector over a project of `graphs` graphs (every tenth importing, every fifth
    /// stopped, the rest running; half tagged env=dev), each stop answered after
    /// `delay_ms`: a dry run (the listing alone) and a real run, `runs` times each.
    Fleet {
        #[arg(long)]
        function: PathBuf,
        #[arg(long, default_value_t = 1000)]
        graphs: u32,
        #[arg(long, default_value_t = 20)]
        delay_ms: u64,
        #[arg(long, default_value_t = 8)]
        concurrency: u32,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// A reconcile's decisions for `graphs` listed graphs over four schedules (mixed
    /// statuses, some skip-until tags), in-process and sending nothing, `runs` times.
    Decide {
        #[arg(long, default_value_t = 1000)]
        graphs: u32,
        #[arg(long, default_value_t = 200)]
        runs: u32,
    },
    /// Reading a 1 MiB calendar and expanding it over two weeks and a year, in-process,
    /// `runs` times.
    Calendar {
        #[arg(long, default_value_t = 20)]
        runs: u32,
    },
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    match Cli::parse().command {
        Bench::Cold {
            runtime,
            function,
            floor,
            runs,
        } => cold(runtime, &function, &floor, runs).await,
        Bench::Warm {
            function,
            floor,
            invocations,
        } => warm(&function, &floor, invocations).await,
        Bench::Batch {
            function,
            graphs,
            delay_ms,
            concurrency,
            runs,
        } => batch(&function, graphs, delay_ms, &concurrency, runs).await,
        Bench::Fleet {
            function,
            graphs,
            delay_ms,
            concurrency,
            runs,
        } => fleet(&function, graphs, delay_ms, concurrency, runs).await,
        Bench::Decide { graphs, runs } => decide::decide(graphs, runs),
        Bench::Calendar { runs } => calendar::calendar_bench(runs),
    }
}

async fn cold(
    platform: Platform,
    function: &FsPath,
    floor: &FsPath,
    runs: u32,
) -> Result<(), Error> {
    let simulator = simulator(0, Duration::ZERO).await?;
    let event = json!({ "graph_id": STOPPED_GRAPH }).to_string();
    let mut samples: [(Vec<f64>, Vec<f64>); 2] = Default::default();
    for _ in 0..runs {
        for (which, binary) in [floor, function].into_iter().enumerate() {
            let mut api = RuntimeApi::start(platform).await?;
            let first_next = api.first_next.take().ok_or("no first /next receiver")?;
            let started = Instant::now();
            let mut child = spawn(binary, &api, &simulator, &[])?;
            let next_at = tokio::time::timeout(LIMIT, first_next)
                .await
                .map_err(|_| "the function never asked for an event")??;
            let (answered_at, _) = api.invoke(&event).await?;
            samples[which].0.push(ms(next_at - started));
            samples[which].1.push(ms(answered_at - started));
            stop(&mut child).await;
        }
    }
    let [(floor_next, floor_first), (fn_next, fn_first)] = samples;
    let name = |path: &FsPath| {
        path.file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
    };
    println!(
        "| | start to first `{}` (ms) | start to first answer (ms) |",
        platform.next_call()
    );
    println!("|---|---|---|");
    println!(
        "| `{}` (floor) | {} | {} |",
        name(floor),
        summary(&floor_next),
        summary(&floor_first)
    );
    println!(
        "| `{}` | {} | {} |",
        name(function),
        summary(&fn_next),
        summary(&fn_first)
    );
    println!(
        "\nCold start ratio (medians): **{:.2} x** the do-nothing function ({runs} runs each, alternating).",
        median(&fn_next) / median(&floor_next)
    );
    simulator.shutdown().await?;
    Ok(())
}

async fn warm(function: &FsPath, floor: &FsPath, invocations: u32) -> Result<(), Error> {
    let simulator = simulator(0, Duration::ZERO).await?;
    let event = json!({ "graph_id": STOPPED_GRAPH }).to_string();
    let mut rows = Vec::new();
    for binary in [function, floor] {
        let mut api = RuntimeApi::start(Platform::Lambda).await?;
        let mut child = spawn(binary, &api, &simulator, &[])?;
        api.first_next.take();
        let mut times = Vec::with_capacity(invocations as usize);
        for i in 0..WARM_UP + invocations {
            let sent = Instant::now();
            let (answered_at, _) = api.invoke(&event).await?;
            if i >= WARM_UP {
                times.push(us(answered_at - sent));
            }
        }
        stop(&mut child).await;
        rows.push(times);
    }
    // The simulator's answer to the same stop, to a client that keeps its connection.
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(ges_client::transport::client_config())
        .build()?;
    let url = format!(
        "{}/v2/{}/graphs/{STOPPED_GRAPH}/stop",
        simulator.base_url(),
        simulator.project_id()
    );
    let mut answer = Vec::with_capacity(invocations as usize);
    for i in 0..WARM_UP + invocations {
        let sent = Instant::now();
        let response = client
            .post(&url)
            .header("X-Auth-Token", TOKEN)
            .header("Content-Type", "application/json")
            .timeout(LIMIT)
            .send()
            .await?;
        response.bytes().await?;
        if i >= WARM_UP {
            answer.push(us(sent.elapsed()));
        }
    }
    simulator.shutdown().await?;
    let (function, floor) = (&rows[0], &rows[1]);
    println!("| µs, {invocations} warm invocations | p50 | p99 | min | max |");
    println!("|---|---|---|---|---|");
    for (name, v) in [
        ("`ges-stop-lambda`, one stop (Runtime API side)", function),
        ("`noop-lambda`, same event (Runtime API round trip)", floor),
        (
            "simulator's answer to the same stop (keep-alive client)",
            &answer,
        ),
    ] {
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} |",
            pct(v, 50.0),
            pct(v, 99.0),
            pct(v, 0.0),
            pct(v, 100.0)
        );
    }
    println!(
        "| **overhead: `ges-stop-lambda` − simulator's answer** | **{:.0}** | **{:.0}** | | |",
        pct(function, 50.0) - pct(&answer, 50.0),
        pct(function, 99.0) - pct(&answer, 99.0)
    );
    // A median of the function's time less the medians of its two parts; tails of
    // independent runs do not subtract (their difference can even come out negative),
    // so no p99 is claimed for it.
    println!(
        "| handler alone: `ges-stop-lambda` − `noop-lambda` − simulator's answer (medians) | {:.0} | – | | |",
        pct(function, 50.0) - pct(floor, 50.0) - pct(&answer, 50.0),
    );
    Ok(())
}

async fn batch(
    function: &FsPath,
    graphs: usize,
    delay_ms: u64,
    concurrency: &[u32],
    runs: u32,
) -> Result<(), Error> {
    let delay = Duration::from_millis(delay_ms);
    let simulator = simulator(graphs, delay).await?;
    let ids: Vec<String> = (0..graphs).map(graph_name).collect();
    let event = json!({ "graph_ids": ids }).to_string();
    println!(
        "| C | bound {graphs} / C x {delay_ms} ms (ms) | wall time (ms), median [min–max] of {runs} | ratio to bound (median) | stop requests per graph | other requests | peak RSS (MB) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for &c in concurrency {
        let (mut api, mut child) = started(function, &simulator, c).await?;
        let mut walls = Vec::new();
        let mut per_graph = Vec::new();
        let mut others = 0;
        for _ in 0..runs {
            simulator.clear_requests();
            let sent = Instant::now();
            let (answered_at, answer) = api.invoke(&event).await?;
            walls.push(ms(answered_at - sent));
            let failed = answer["summary"]["failed"].as_u64();
            if failed != Some(0) || answer["summary"]["selected"].as_u64() != Some(graphs as u64) {
                return Err(
                    format!("the batch did not stop every graph: {}", answer["summary"]).into(),
                );
            }
            let requests = simulator.requests();
            let stops = requests
                .iter()
                .filter(|r| r.operation == Some(OperationKind::StopGraph))
                .count();
            per_graph.push(stops as f64 / graphs as f64);
            others += requests.len() - stops;
        }
        let peak = peak_rss_kib(child.id())
            .map_or("?".to_owned(), |kib| format!("{:.1}", kib as f64 / 1024.0));
        stop(&mut child).await;
        let bound = graphs as f64 / f64::from(c) * delay_ms as f64;
        println!(
            "| {c} | {bound:.0} | {} | {:.3} | {} | {others} | {peak} |",
            summary(&walls),
            median(&walls) / bound,
            summary(&per_graph),
        );
    }
    simulator.shutdown().await?;
    Ok(())
}

/// The function with its own Runtime API, `GES_MAX_CONCURRENCY` = `concurrency`.
async fn started(
    function: &FsPath,
    simulator: &RunningSimulator,
    concurrency: u32,
) -> Result<(RuntimeApi, Function), Error> {
    let mut api = RuntimeApi::start(Platform::Lambda).await?;
    let child = spawn(
        function,
        &api,
        simulator,
        &[("GES_MAX_CONCURRENCY", &concurrency.to_string())],
    )?;
    api.first_next.take();
    Ok((api, child))
}

/// Graph `n` of the fleet benchmark's project.
fn fleet_graph(n: u32) -> GraphSpec {
    let status = match n {
        n if n % 10 == 3 => GraphStatus::Importing,
        n if n % 5 == 0 => GraphStatus::Stopped,
        _ => GraphStatus::Running,
    };
    GraphSpec::numbered(n, format!("fleet-{n:04}"))
        .with_status(status)
        .with_tag("env", if n.is_multiple_of(2) { "dev" } else { "prod" })
}

async fn fleet(
    function: &FsPath,
    graphs: u32,
    delay_ms: u64,
    concurrency: u32,
    runs: u32,
) -> Result<(), Error> {
    let delay = Duration::from_millis(delay_ms);
    let specs: Vec<GraphSpec> = (0..graphs).map(fleet_graph).collect();
    let simulator = Simulator::builder()
        .graphs(specs.clone())
        .token(TOKEN)
        .stop_duration(Duration::from_millis(1))
        .start()
        .await?;
    for spec in &specs {
        simulator.fail_graph(&spec.id, Fault::Delay(delay));
    }
    // The running graphs tagged env=dev: what the selector below stops.
    let to_stop = (0..graphs)
        .filter(|n| n % 2 == 0 && fleet_graph(*n).status == GraphStatus::Running)
        .count();
    let selector = json!({"name": "fleet-*", "tags": {"env": "dev"}});
    let (mut api, mut child) = started(function, &simulator, concurrency).await?;
    println!(
        "| run | selected | to stop | wall time (ms), median [min–max] of {runs} | list requests | stop requests | other requests | bound {to_stop} / {concurrency} x {delay_ms} ms (ms) | ratio to bound |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for dry_run in [true, false] {
        let event =
            json!({"selector": selector, "max_graphs": graphs, "dry_run": dry_run}).to_string();
        let mut walls = Vec::new();
        let mut counts = (0, 0, 0, 0);
        for _ in 0..runs {
            // Every run starts from the same fleet: the real run stops graphs.
            for spec in &specs {
                simulator.put_graph(spec.clone());
            }
            simulator.clear_requests();
            let sent = Instant::now();
            let (answered_at, answer) = api.invoke(&event).await?;
            walls.push(ms(answered_at - sent));
            let summary = &answer["summary"];
            let expected = if dry_run { "would_stop" } else { "stopping" };
            if summary["failed"].as_u64() != Some(0)
                || summary[expected].as_u64() != Some(to_stop as u64)
            {
                return Err(format!("the fleet run went wrong: {summary}").into());
            }
            let requests = simulator.requests();
            let of = |kind| {
                requests
                    .iter()
                    .filter(|r| r.operation == Some(kind))
                    .count()
            };
            let (lists, stops) = (of(OperationKind::ListGraphs), of(OperationKind::StopGraph));
            counts = (
                summary["selected"].as_u64().unwrap_or_default(),
                lists,
                stops,
                requests.len() - lists - stops,
            );
        }
        let (selected, lists, stops, others) = counts;
        let (bound, ratio) = if dry_run {
            ("–".to_owned(), "–".to_owned())
        } else {
            let bound = to_stop as f64 / f64::from(concurrency) * delay_ms as f64;
            (
                format!("{bound:.0}"),
                format!("{:.3}", median(&walls) / bound),
            )
        };
        println!(
            "| {} | {selected} | {to_stop} | {} | {lists} | {stops} | {others} | {bound} | {ratio} |",
            if dry_run { "dry run" } else { "real run" },
            summary(&walls),
        );
    }
    stop(&mut child).await;
    simulator.shutdown().await?;
    Ok(())
}

fn graph_name(i: usize) -> String {
    format!("bench-{i:04}")
}

/// The simulator: `graphs` running graphs, each answered after `delay`, and one stopped.
async fn simulator(graphs: usize, delay: Duration) -> Result<RunningSimulator, Error> {
    let stopped: GraphId = STOPPED_GRAPH.parse()?;
    let mut specs = vec![GraphSpec::running(stopped, "stopped").with_status(GraphStatus::Stopped)];
    let mut ids = Vec::with_capacity(graphs);
    for i in 0..graphs {
        let id: GraphId = graph_name(i).parse()?;
        ids.push(id.clone());
        specs.push(GraphSpec::running(id, "batch"));
    }
    let simulator = Simulator::builder()
        .graphs(specs)
        .token(TOKEN)
        .stop_duration(Duration::from_millis(1))
        .start()
        .await?;
    if !delay.is_zero() {
        for id in &ids {
            simulator.fail_graph(id, Fault::Delay(delay));
        }
    }
    Ok(simulator)
}

/// Runs the function with the Lambda variables, pointed at the simulator with a token.
fn spawn(
    binary: &FsPath,
    api: &RuntimeApi,
    simulator: &RunningSimulator,
    extra: &[(&str, &str)],
) -> Result<Function, Error> {
    let mut command = Command::new(binary);
    command.env_clear();
    match api.platform {
        Platform::Lambda => command
            .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        // What a FunctionGraph custom runtime is given (functiongraph_01_0406, Table 2),
        // and the region the function requires.
        Platform::FunctionGraph => command
            .env("RUNTIME_API_ADDR", api.addr.to_string())
            .env("RUNTIME_FUNC_NAME", "bench")
            .env("RUNTIME_FUNC_VERSION", "latest")
            .env("RUNTIME_TIMEOUT", "600")
            .env("RUNTIME_MEMORY", "128")
            .env("RUNTIME_PROJECT_ID", simulator.project_id().to_string())
            .env("HUAWEICLOUD_SDK_REGION", ges_simulator::DEFAULT_REGION),
    };
    command
        .env("GES_ENDPOINT", simulator.base_url())
        .env("GES_AUTH_TOKEN", TOKEN)
        .env(
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        )
        .envs(extra.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    Ok(Function(command.spawn()?))
}

/// The function's process, killed when dropped.
struct Function(Child);

impl Function {
    fn id(&self) -> Option<u32> {
        Some(self.0.id())
    }
}

impl Drop for Function {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn stop(child: &mut Function) {
    let _ = child.0.kill();
    let _ = child.0.wait();
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A Lambda Runtime API on 127.0.0.1 serving one function, one event at a time.
struct RuntimeApi {
    platform: Platform,
    addr: SocketAddr,
    events: mpsc::Sender<(String, String)>,
    answers: mpsc::Receiver<(String, Instant, Bytes)>,
    first_next: Option<oneshot::Receiver<Instant>>,
    next_id: u64,
    server: tokio::task::JoinHandle<()>,
}

struct Shared {
    events: Mutex<mpsc::Receiver<(String, String)>>,
    answers: mpsc::Sender<(String, Instant, Bytes)>,
    first_next: StdMutex<Option<oneshot::Sender<Instant>>>,
}

impl RuntimeApi {
    async fn start(platform: Platform) -> Result<Self, Error> {
        let (events_tx, events_rx) = mpsc::channel(1);
        let (answers_tx, answers_rx) = mpsc::channel(16);
        let (first_tx, first_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            events: Mutex::new(events_rx),
            answers: answers_tx,
            first_next: StdMutex::new(Some(first_tx)),
        });
        let app = match platform {
            Platform::Lambda => Router::new()
                .route("/2018-06-01/runtime/invocation/next", get(next))
                .route(
                    "/2018-06-01/runtime/invocation/{id}/response",
                    post(answered),
                )
                .route("/2018-06-01/runtime/invocation/{id}/error", post(failed))
                .route("/2018-06-01/runtime/init/error", post(init_failed)),
            // The three paths of functiongraph_01_0406, the whole of its runtime API.
            Platform::FunctionGraph => Router::new()
                .route(functiongraph::NEXT_INVOCATION_PATH, get(request))
                .route(&functiongraph::response_path("{id}"), post(answered))
                .route(&functiongraph::error_path("{id}"), post(failed)),
        }
        .with_state(shared);
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            platform,
            addr,
            events: events_tx,
            answers: answers_rx,
            first_next: Some(first_rx),
            next_id: 0,
            server,
        })
    }

    /// Hands the function one event; gives when its answer arrived, and the answer.
    async fn invoke(&mut self, event: &str) -> Result<(Instant, Value), Error> {
        self.next_id += 1;
        let id = format!("bench-{:08}", self.next_id);
        self.events.send((id.clone(), event.to_owned())).await?;
        let (answered, at, body) = tokio::time::timeout(LIMIT, self.answers.recv())
            .await
            .map_err(|_| "the function did not answer in time")?
            .ok_or("the Runtime API stopped")?;
        if answered != id {
            return Err(format!(
                "the function failed ({answered}): {}",
                String::from_utf8_lossy(&body)
            )
            .into());
        }
        Ok((at, serde_json::from_slice(&body)?))
    }
}

impl Drop for RuntimeApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The next event, once one is handed over; the first call's instant goes to
/// [`RuntimeApi::first_next`].
async fn next_event(shared: &Shared) -> Option<(String, String)> {
    let now = Instant::now();
    if let Some(first) = shared
        .first_next
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
    {
        let _ = first.send(now);
    }
    shared.events.lock().await.recv().await
}

async fn next(State(shared): State<Arc<Shared>>) -> (StatusCode, HeaderMap, String) {
    let Some((id, event)) = next_event(&shared).await else {
        return (StatusCode::GONE, HeaderMap::new(), String::new());
    };
    let deadline = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis())
        + 600_000;
    let mut headers = HeaderMap::new();
    let values = [
        ("lambda-runtime-aws-request-id", id),
        ("lambda-runtime-deadline-ms", deadline.to_string()),
        (
            "lambda-runtime-invoked-function-arn",
            "arn:aws:lambda:us-east-1:000000000000:function:bench".to_owned(),
        ),
        (
            "lambda-runtime-trace-id",
            "Root=1-00000000-000000000000000000000000;Sampled=0".to_owned(),
        ),
        ("content-type", "application/json".to_owned()),
    ];
    for (name, value) in values {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    (StatusCode::OK, headers, event)
}

/// FunctionGraph's next invocation: its request id, and no agency (the function signs
/// with the token it is configured with, as the Lambda one does here).
async fn request(State(shared): State<Arc<Shared>>) -> (StatusCode, HeaderMap, String) {
    let Some((id, event)) = next_event(&shared).await else {
        return (StatusCode::GONE, HeaderMap::new(), String::new());
    };
    let mut headers = HeaderMap::new();
    for (name, value) in [
        (functiongraph::REQUEST_ID, id.as_str()),
        ("content-type", "application/json"),
    ] {
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(name, value);
        }
    }
    (StatusCode::OK, headers, event)
}

async fn answered(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> StatusCode {
    let _ = shared.answers.send((id, Instant::now(), body)).await;
    StatusCode::ACCEPTED
}

async fn failed(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let _ = shared
        .answers
        .send(("error".to_owned(), Instant::now(), body))
        .await;
    StatusCode::ACCEPTED
}

async fn init_failed(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    let _ = shared
        .answers
        .send(("init error".to_owned(), Instant::now(), body))
        .await;
    StatusCode::ACCEPTED
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
