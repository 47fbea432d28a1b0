//! `ges-stop stop`: stop graphs named by ID, or selected by name and tag, with the
//! core's run, as the Lambda function does.

use std::collections::HashSet;
use std::process::ExitCode;

use clap::Args;
use ges_api::types::GraphId;
use ges_client::config::Overrides;
use ges_client::run::{Graphs, MAX_GRAPHS_PER_EVENT, RunRequest};

use crate::run::{self, Plan, Run, SelectorArgs, Typed};
use crate::table::View;

/// Stop graphs named by ID (--graph-id), or every graph a selector selects (--name,
/// --tag), as the Lambda function does for the same event, and print its answer.
///
/// One graph named prints its report, {"graph_id", "project_id", "job_id", "outcome",
/// ...}; several, or a selection, print {"results": [...], "summary": {...}}: the JSON the
/// function answers (with --output json, the default when stdout is not a terminal), or a
/// table. The outcome is "stopping" when GES started a stop job, "already_stopped" when
/// the graph was not running (GES.7001), "stopped" with --wait; a selected graph that is
/// opted out or in a status GES cannot stop is "skipped". Exit 0 when every graph ended
/// so; 1 when GES or the network refused, when the selection was refused after its
/// listing (more graphs than --max-graphs), or when some graphs failed (every graph's
/// result is still printed); 2 when the command line or configuration is wrong (nothing
/// was sent). Errors, with GES's error code, message and request id, go to stderr.
#[derive(Debug, Args)]
#[command(
    group(clap::ArgGroup::new("graphs").required(true).multiple(true).args(["graph_ids", "name", "tags"])),
    after_long_help = concat!(client_environment!(), "\n", function_environment!())
)]
pub(crate) struct StopArgs {
    /// A graph to stop: 1 to 64 letters, digits, '-' and '_'; repeat it for several.
    // Parsed here rather than by clap, whose message would repeat a huge value whole.
    #[arg(long = "graph-id", conflicts_with_all = ["name", "tags", "max_graphs"])]
    graph_ids: Vec<String>,
    #[command(flatten)]
    selector: SelectorArgs,
    /// Look each graph up and say what a stop would do: send no stop (for a selection,
    /// only the listings are sent).
    #[arg(long)]
    dry_run: bool,
    /// Wait for each stop job to end (outcome "stopped"), at most --timeout; at a
    /// terminal, each graph's progress is shown as it goes.
    #[arg(long)]
    wait: bool,
    /// How long --wait waits, in seconds, up to 900 [default: GES_WAIT_TIMEOUT_SECS,
    /// else 60].
    #[arg(long, value_name = "SECS", requires = "wait")]
    timeout: Option<String>,
}

pub(super) async fn run(args: StopArgs) -> ExitCode {
    Run {
        plan: plan(&args),
        needs_project: !args.selector.selects() || args.selector.region.is_none(),
        format: args.selector.output.format(),
        view: View::Stop,
    }
    .run()
    .await
}

/// The run the flags stand for, and what they set in place of the configuration.
fn plan(args: &StopArgs) -> Result<Plan, String> {
    let typed = args.selector.typed()?;
    Ok(Plan {
        request: request(args, &typed)?,
        overrides: overrides(&typed, args.selector.selects()),
        wait_timeout: run::timeout(args.timeout.as_deref())?,
    })
}

/// What the flags set in place of the configuration's variables: with --graph-id, the
/// configured project and region; with a selection, its project is the configured one
/// only in the configured region.
fn overrides(typed: &Typed, selects: bool) -> Overrides {
    Overrides {
        project_id: typed
            .project_id
            .clone()
            .filter(|_| !selects || typed.region.is_none()),
        region: typed.region.filter(|_| !selects),
        endpoint: typed.endpoint.clone(),
        ..Overrides::default()
    }
}

/// The run the flags stand for: the graphs named, or the selection.
fn request(args: &StopArgs, typed: &Typed) -> Result<RunRequest, String> {
    let (graphs, project_id) = if args.selector.selects() {
        let selector = args.selector.selector(typed, false)?;
        (Graphs::Selected(vec![selector]), None)
    } else {
        // Counted as given, before any is read: the bound is on the work too.
        if args.graph_ids.len() > MAX_GRAPHS_PER_EVENT {
            return Err(format!(
                "--graph-id is given {} times; a run names at most {MAX_GRAPHS_PER_EVENT} graphs",
                args.graph_ids.len()
            ));
        }
        let mut seen = HashSet::new();
        let mut ids = Vec::with_capacity(args.graph_ids.len());
        for text in &args.graph_ids {
            let id = text
                .parse::<GraphId>()
                .map_err(|error| format!("--graph-id: {error}"))?;
            // A graph named twice is stopped once, where it was first named.
            if seen.insert(id.as_str().to_owned()) {
                ids.push(id);
            }
        }
        (Graphs::Named(ids), typed.project_id.clone())
    };
    Ok(RunRequest {
        graphs: Some(graphs),
        project_id,
        wait: args.wait,
        dry_run: args.dry_run,
        max_graphs: typed.max_graphs,
        credentials: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: StopArgs,
    }

    fn parse(args: &[&str]) -> Result<StopArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("stop").chain(args.iter().copied())).map(|cli| cli.args)
    }

    fn graph(id: &str) -> GraphId {
        id.parse().unwrap()
    }

    #[test]
    fn graph_ids_are_named_once_each_in_their_project() {
        let args = parse(&[
            "--graph-id",
            "g-1",
            "--graph-id",
            "g-2",
            "--graph-id",
            "g-1",
            "--project-id",
            "p1",
        ])
        .unwrap();
        let plan = plan(&args).unwrap();
        assert_eq!(
            plan.request.graphs,
            Some(Graphs::Named(vec![graph("g-1"), graph("g-2")]))
        );
        assert_eq!(plan.request.project_id, Some("p1".parse().unwrap()));
        // The configured project, too: the graphs are in it.
        assert_eq!(plan.overrides.project_id, Some("p1".parse().unwrap()));
        assert!(!plan.request.wait && !plan.request.dry_run);
    }

    #[test]
    fn name_and_tags_make_one_selector_with_its_project_and_region() {
        let args = parse(&[
            "--name",
            "dev-*",
            "--tag",
            "env=dev",
            "--tag",
            "team=data-*",
            "--region",
            "cn-east-3",
            "--project-id",
            "p1",
            "--max-graphs",
            "300",
            "--wait",
            "--timeout",
            "30",
        ])
        .unwrap();
        let plan = plan(&args).unwrap();
        let Some(Graphs::Selected(selectors)) = &plan.request.graphs else {
            panic!("{:?}", plan.request.graphs);
        };
        assert_eq!(
            serde_json::to_value(selectors).unwrap(),
            serde_json::json!([{"name": "dev-*", "tags": {"env": "dev", "team": "data-*"},
                                "project_id": "p1", "region": "cn-east-3"}])
        );
        assert_eq!(plan.request.max_graphs, Some(300));
        assert!(plan.request.wait);
        assert_eq!(plan.wait_timeout, Some(std::time::Duration::from_secs(30)));
        // In another region, the project is the selector's alone.
        assert_eq!(plan.overrides.project_id, None);
        assert_eq!(plan.overrides.region, None);
    }

    #[test]
    fn what_an_event_refuses_the_flags_refuse() {
        // Graphs named and selected at once, or max_graphs for named graphs.
        assert!(parse(&["--graph-id", "g", "--name", "x"]).is_err());
        assert!(parse(&["--graph-id", "g", "--tag", "k=v"]).is_err());
        assert!(parse(&["--graph-id", "g", "--max-graphs", "5"]).is_err());
        // No graph at all, a tag without a value, a timeout without a wait.
        assert!(parse(&[]).is_err());
        assert!(parse(&["--tag", "env"]).is_err());
        assert!(parse(&["--graph-id", "g", "--timeout", "5"]).is_err());
        let refused = |args: &[&str]| plan(&parse(args).unwrap()).unwrap_err();
        assert!(refused(&["--tag", "k=a", "--tag", "k=b"]).contains("twice"));
        assert!(refused(&["--name", "x", "--max-graphs", "0"]).contains("max_graphs"));
        assert!(refused(&["--graph-id", "../etc"]).starts_with("--graph-id: "));
        assert!(refused(&["--name", "x", "--region", "xx-nowhere-9"]).starts_with("--region: "));
        assert!(refused(&["--graph-id", "g", "--wait", "--timeout", "0"]).contains("--timeout"));
    }
}
