//! `ges-stop stop`: stop one graph.

use std::process::ExitCode;

use clap::Args;
use ges_api::types::GraphId;

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use ges_client::client::GesClient;
use ges_client::config::{Config, ConfigError, vars};
use ges_client::report::GraphTarget;
use ges_client::stop::stop_graph;

/// Stop one graph, and print {"graph_id", "project_id", "job_id", "outcome"} as JSON.
///
/// The outcome is "stopping" when GES started a stop job, or "already_stopped" when
/// the graph was not running (GES.7001): both exit 0. On failure the error, with GES's
/// error code, message and request id, goes to stderr: exit 1 when GES or the network
/// refused, 2 when the command line or configuration is wrong (nothing was sent).
#[derive(Debug, Args)]
#[command(after_long_help = client_environment!())]
pub struct StopArgs {
    /// The graph to stop: 1 to 64 letters, digits, '-' and '_'.
    // Parsed here rather than by clap, whose message would repeat a huge value whole.
    #[arg(long)]
    graph_id: String,
    /// The graph's project [default: HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long)]
    project_id: Option<String>,
    /// The GES endpoint, such as https://ges.cn-north-4.myhuaweicloud.com [default: GES_ENDPOINT, else the region's].
    #[arg(long)]
    endpoint: Option<String>,
    /// The region, such as cn-north-4 [default: HUAWEICLOUD_SDK_REGION].
    #[arg(long)]
    region: Option<String>,
}

pub(super) async fn run(args: StopArgs) -> ExitCode {
    let graph_id = match args.graph_id.parse::<GraphId>() {
        Ok(graph_id) => graph_id,
        Err(error) => return fail(EXIT_USAGE, format_args!("--graph-id: {error}")),
    };
    // Flags are layered over the environment, so both go through the same checks.
    let flags = [
        (vars::PROJECT_ID, args.project_id),
        (vars::ENDPOINT, args.endpoint),
        (vars::REGION, args.region),
    ];
    let config = match Config::load(|name| {
        flags
            .iter()
            .find(|(flag, value)| *flag == name && value.is_some())
            .and_then(|(_, value)| value.clone())
            .or_else(|| std::env::var(name).ok())
    })
    .await
    {
        Ok(config) => config,
        // IAM was asked and failed: not a usage error.
        Err(error @ ConfigError::ProjectLookup { .. }) => return fail(EXIT_FAILED, error),
        Err(error) => return fail(EXIT_USAGE, error),
    };
    let Some(project_id) = config.default_project_id.clone() else {
        return fail(
            EXIT_USAGE,
            "no project: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID",
        );
    };
    let client = match GesClient::new(&config) {
        Ok(client) => client,
        Err(error) => return fail(EXIT_FAILED, error),
    };
    let target = GraphTarget {
        project_id,
        graph_id,
    };
    match stop_graph(&client, &target, None).await {
        Ok(report) => match serde_json::to_string(&report) {
            Ok(json) => {
                println!("{json}");
                ExitCode::SUCCESS
            }
            Err(error) => fail(EXIT_FAILED, error),
        },
        Err(error) => fail(EXIT_FAILED, format_args!("{error} ({})", error.kind())),
    }
}
