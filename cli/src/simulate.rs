//! `ges-stop simulate`: run the GES simulator until interrupted.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ges_api::types::{GraphId, ProjectId};
use ges_simulator::{DEFAULT_PROJECT_ID, GraphSpec, Simulator};

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::output::line;

/// Run a GES simulator on loopback until interrupted (Ctrl-C or SIGTERM).
///
/// The first line on stdout is the endpoint it listens on, such as
/// http://127.0.0.1:18080, for GES_ENDPOINT; what it serves follows on stderr. It keeps
/// one project and the graphs given, running, and checks credentials like GES: the
/// token, or requests signed with the AK/SK. Without --token or --ak/--sk it accepts
/// the token "simulator-token".
///
/// It reads no configuration from the environment; RUST_LOG sets the level of the log
/// lines on stderr (warn; debug for more).
#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// Where to listen; a loopback address only. Port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// A running graph to serve; repeat for several [default: demo-graph].
    // Parsed here rather than by clap, whose message would repeat a huge value whole.
    #[arg(long = "graph", value_name = "GRAPH_ID")]
    graphs: Vec<String>,
    /// The project it serves.
    #[arg(long, default_value = DEFAULT_PROJECT_ID)]
    project_id: ProjectId,
    /// A token to accept as X-Auth-Token.
    #[arg(long)]
    token: Option<String>,
    /// An access key whose signed requests to accept; needs --sk.
    #[arg(long, requires = "sk")]
    ak: Option<String>,
    /// The secret key that goes with --ak.
    #[arg(long, requires = "ak")]
    sk: Option<String>,
    /// How many seconds a stop takes, from stopping (901) to stopped (900).
    #[arg(long, default_value_t = 3.0)]
    stop_seconds: f64,
}

/// The token a simulator accepts when given no credentials.
const DEFAULT_TOKEN: &str = "simulator-token";

pub(super) async fn run(args: SimulateArgs) -> ExitCode {
    let Ok(stop_duration) = Duration::try_from_secs_f64(args.stop_seconds) else {
        return fail(
            EXIT_USAGE,
            "--stop-seconds takes a number of seconds, 0 or more",
        );
    };
    let graphs = match args
        .graphs
        .iter()
        .map(|id| id.parse::<GraphId>())
        .collect::<Result<Vec<_>, _>>()
    {
        Ok(graphs) if graphs.is_empty() => vec![super::demo::demo_graph_id()],
        Ok(graphs) => graphs,
        Err(error) => return fail(EXIT_USAGE, format_args!("--graph: {error}")),
    };
    let mut builder = Simulator::builder()
        .project_id(args.project_id)
        .stop_duration(stop_duration)
        .listen(args.listen)
        .graphs(
            graphs
                .iter()
                .map(|id| GraphSpec::running(id.clone(), id.as_str())),
        );
    let token = match (&args.token, &args.ak) {
        (None, None) => Some(DEFAULT_TOKEN.to_owned()),
        _ => args.token,
    };
    if let Some(token) = &token {
        builder = builder.token(token.clone());
    }
    if let (Some(ak), Some(sk)) = (&args.ak, &args.sk) {
        builder = builder.ak_sk(ak.clone(), sk.clone());
    }
    let simulator = match builder.start().await {
        Ok(simulator) => simulator,
        Err(error) => return fail(EXIT_USAGE, error),
    };

    // A reader that took the address and closed the pipe leaves the simulator serving.
    if let Err(error) = line(simulator.base_url()) {
        return fail(EXIT_FAILED, error);
    }
    eprintln!("GES simulator at {}", simulator.base_url());
    eprintln!("  project: {}", simulator.project_id());
    for id in &graphs {
        eprintln!("  graph:   {id} (running)");
    }
    if let Some(token) = &token {
        eprintln!("  accepts: X-Auth-Token {token}");
    }
    if let Some(ak) = &args.ak {
        eprintln!("  accepts: requests signed with access key {ak}");
    }
    eprintln!("Ctrl-C to stop.");

    shutdown_signal().await;
    match simulator.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(EXIT_FAILED, error),
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = interrupt => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = interrupt.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = interrupt.await;
    }
}
