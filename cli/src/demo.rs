//! `ges-stop demo`: a graph stopped against the built-in simulator, through the same
//! code path a real run takes; then fleet mode, through the Lambda handler.

use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use ges_api::types::{
    GraphId, GraphSizeTypeIndex, GraphStatus, JobId, JobStatus, ProductType, ShowGraphRequest,
    ShowGraphResponse, ShowJobRequest, ShowJobResponse,
};
use ges_simulator::{GraphSpec, Simulator};
use lambda_runtime::Context;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::exit::{EXIT_FAILED, fail};

/// A line of the demo on stdout, through the writer every command prints with; a
/// write error other than a closed stdout ends the demo with it.
macro_rules! say {
    ($($arg:tt)*) => {
        crate::output::line(format_args!($($arg)*)).map_err(|error| error.to_string())?
    };
}
use ges_client::config::{Config, vars};
use ges_client::ges::GesClient;
use ges_client::ges::GraphTarget;
use ges_client::ges::stop_graph;
use ges_client::run::Settings;
use ges_stop_lambda::handler::Handler;

/// Watch a graph being stopped, against a GES simulator started in-process.
///
/// Starts the simulator on 127.0.0.1 with one running graph and an AK/SK, configures
/// ges-stop for it exactly as the environment would (GES_ENDPOINT, HUAWEICLOUD_SDK_AK,
/// HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_PROJECT_ID), stops the graph with signed
/// requests, then follows the graph's status and the stop job until both are done.
/// Then fleet mode: a selector (names dev-*, tagged env=dev) over a few more graphs,
/// run through the Lambda handler, as a dry run and then for real.
///
/// It reads no configuration from the environment (it sets up its own, above);
/// RUST_LOG sets the level of the log lines on stderr (warn; debug for more).
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    /// How many seconds the simulated stop takes.
    #[arg(long, default_value_t = 2.0)]
    stop_seconds: f64,
}

const DEMO_GRAPH: &str = "demo-graph";
const DEMO_AK: &str = "DEMOACCESSKEY0000000";
const DEMO_SK: &str = "demo-secret-key-not-a-real-one";
/// How often the demo looks at the graph and the job.
const POLL_EVERY: Duration = Duration::from_millis(250);
/// How many looks at most, so the demo ends even if the simulator never finishes.
const MAX_POLLS: u32 = 240;

/// The graph the demo and a bare `simulate` serve.
pub(super) fn demo_graph_id() -> GraphId {
    DEMO_GRAPH
        .parse()
        // Start-up invariant: a constant made of letters and a dash.
        .expect("the demo graph ID is a valid GraphId")
}

pub(super) async fn run(args: DemoArgs) -> ExitCode {
    match demo(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(EXIT_FAILED, message),
    }
}

async fn demo(args: DemoArgs) -> Result<(), String> {
    let stop_duration = Duration::try_from_secs_f64(args.stop_seconds)
        .map_err(|_| "--stop-seconds takes a number of seconds, 0 or more".to_owned())?;
    let graph_id = demo_graph_id();
    let simulator = Simulator::builder()
        .graph(GraphSpec::running(graph_id.clone(), DEMO_GRAPH).with_tag("env", "demo"))
        .graphs(fleet())
        .ak_sk(DEMO_AK, DEMO_SK)
        .stop_duration(stop_duration)
        .start()
        .await
        .map_err(|error| error.to_string())?;
    say!("GES simulator listening at {}", simulator.base_url());
    say!(
        "  project {}, graph {graph_id} (running), access key {DEMO_AK}",
        simulator.project_id()
    );

    // The same configuration a deployment reads from its environment.
    let endpoint = simulator.base_url().to_string();
    let project_id = simulator.project_id().to_string();
    let config = Config::from_lookup(|name| match name {
        vars::ENDPOINT => Some(endpoint.clone()),
        vars::AK => Some(DEMO_AK.to_owned()),
        vars::SK => Some(DEMO_SK.to_owned()),
        vars::PROJECT_ID => Some(project_id.clone()),
        _ => None,
    })
    .map_err(|error| error.to_string())?;
    let client = GesClient::new(&config).map_err(|error| error.to_string())?;
    let target = GraphTarget {
        project_id: simulator.project_id().clone(),
        graph_id: graph_id.clone(),
    };

    let before = graph_status(&client, &target).await?;
    say!("\nGraph {graph_id} is {before} ({before:?}). Stopping it with AK/SK-signed requests:");
    let report = stop_graph(&client, &target, None)
        .await
        .map_err(|error| error.to_string())?;
    say!(
        "{}",
        serde_json::to_string(&report).map_err(|error| error.to_string())?
    );
    let job_id = report
        .job_id
        .clone()
        .ok_or("the simulator started no stop job")?;

    say!("\nFollowing the graph (show graph) and its job (show job):");
    watch(&client, &target, &job_id).await?;
    say!("\nDone: graph {graph_id} is stopped and no longer billed.");

    fleet_runs(&config).await?;

    simulator
        .shutdown()
        .await
        .map_err(|error| error.to_string())?;
    Ok(())
}

/// The graphs fleet mode selects from: one of each case a selection meets, a graph of
/// the database edition (which GES cannot stop) among them.
fn fleet() -> [GraphSpec; 7] {
    let dev = |number, name| GraphSpec::numbered(number, name).with_tag("env", "dev");
    [
        dev(1, "dev-search"),
        dev(2, "dev-etl"),
        dev(3, "dev-import").with_status(GraphStatus::Importing),
        dev(4, "dev-old").with_status(GraphStatus::Stopped),
        dev(5, "dev-keep").with_tag("ges-stop:skip", "true"),
        dev(7, "dev-graphdb")
            .with_edition(ProductType::Persistence)
            .with_size(GraphSizeTypeIndex::TenBillionEdges),
        GraphSpec::numbered(6, "prod-search").with_tag("env", "prod"),
    ]
}

/// A selector's dry run, then its real run, through the Lambda handler with the default
/// settings, printing what each graph came to and the summary.
async fn fleet_runs(config: &Config) -> Result<(), String> {
    let settings = Settings::from_lookup(|_| None).map_err(|error| error.to_string())?;
    let handler = Handler::new(config, settings).map_err(|error| error.to_string())?;
    let selector = json!({"name": "dev-*", "tags": {"env": "dev"}});
    say!(
        "\nFleet mode, through the Lambda handler: the graphs named dev-* and tagged env=dev \
         (prod-search is not).\nA dry run first, which only lists the graphs:"
    );
    for dry_run in [true, false] {
        let event = json!({"selector": selector, "dry_run": dry_run});
        let answer = handler
            .invoke(&event, &Context::default())
            .await
            .map_err(|error| error.to_string())?;
        let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
        for result in answer["results"].as_array().into_iter().flatten() {
            let why = match result["job_id"].as_str() {
                Some(job_id) => format!("job {job_id}"),
                None => text(&result["reason"]),
            };
            say!(
                "  {:<11} {:<16} {why}",
                text(&result["name"]),
                text(&result["outcome"])
            );
        }
        // In the answer's own order, which a JSON value does not keep.
        let counts: Vec<String> = [
            "selected",
            "stopping",
            "already_stopped",
            "skipped",
            "would_stop",
            "failed",
        ]
        .iter()
        .map(|key| format!("{key} {}", answer["summary"][key]))
        .collect();
        say!("  summary: {}", counts.join(", "));
        if dry_run {
            say!("\nThen for real: a stop for each running graph, and no call for the others:");
        }
    }
    Ok(())
}

/// Prints each change of the graph's status or the job's, until the graph is stopped
/// and the job has ended.
async fn watch(client: &GesClient, target: &GraphTarget, job_id: &JobId) -> Result<(), String> {
    let started = Instant::now();
    let mut last = None;
    for _ in 0..MAX_POLLS {
        let graph = graph_status(client, target).await?;
        let job = job_status(client, target, job_id).await?;
        let now = (graph.clone(), job.clone());
        if last.as_ref() != Some(&now) {
            say!(
                "  {:>5.2}s  graph {} ({:?})  job {}",
                started.elapsed().as_secs_f64(),
                graph,
                graph,
                job
            );
            last = Some(now);
        }
        match job {
            JobStatus::Failed => return Err(format!("the stop job {job_id} failed")),
            JobStatus::Success if graph == GraphStatus::Stopped => return Ok(()),
            _ => tokio::time::sleep(POLL_EVERY).await,
        }
    }
    Err(format!(
        "the graph was not stopped after {MAX_POLLS} looks; the simulator is stuck"
    ))
}

async fn graph_status(client: &GesClient, target: &GraphTarget) -> Result<GraphStatus, String> {
    let request = ShowGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
    };
    match client
        .execute(&request)
        .await
        .map_err(|error| error.to_string())?
        .response
    {
        ShowGraphResponse::Ok(result) => Ok(result.graph.status),
        other => Err(format!("show graph failed: {other:?}")),
    }
}

async fn job_status(
    client: &GesClient,
    target: &GraphTarget,
    job_id: &JobId,
) -> Result<JobStatus, String> {
    let request = ShowJobRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
        job_id: job_id.clone(),
    };
    match client
        .execute(&request)
        .await
        .map_err(|error| error.to_string())?
        .response
    {
        ShowJobResponse::Ok(job) => Ok(job.status),
        other => Err(format!("show job failed: {other:?}")),
    }
}
