//! `ges-stop stop`: stop graphs named by ID, or selected by name and tag, with the
//! function's own selection and stop code.

use std::process::ExitCode;

use clap::Args;
use ges_api::types::GraphId;
use serde_json::{Map, Value};

use crate::run::{Run, SelectorArgs, insert};
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
pub struct StopArgs {
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
        event: event(&args),
        selector: &args.selector,
        region_is_home: !args.selector.selects(),
        timeout: args.timeout.clone(),
        wait: args.wait,
        view: View::Stop,
    }
    .run()
    .await
}

/// The event the flags stand for, in the direct shape.
fn event(args: &StopArgs) -> Result<Value, String> {
    let mut event = if args.selector.selects() {
        args.selector.selection(false)?
    } else {
        let mut event = Map::new();
        let ids = args
            .graph_ids
            .iter()
            .map(|id| {
                id.parse::<GraphId>()
                    .map(|id| Value::from(id.as_str()))
                    .map_err(|error| format!("--graph-id: {error}"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        event.insert("graph_ids".to_owned(), Value::Array(ids));
        if let Some(project_id) = &args.selector.project_id {
            insert(&mut event, "project_id", project_id);
        }
        event
    };
    if args.wait {
        event.insert("wait".to_owned(), Value::Bool(true));
    }
    if args.dry_run {
        event.insert("dry_run".to_owned(), Value::Bool(true));
    }
    Ok(Value::Object(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;
    use serde_json::json;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: StopArgs,
    }

    fn parse(args: &[&str]) -> Result<StopArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("stop").chain(args.iter().copied())).map(|cli| cli.args)
    }

    #[test]
    fn graph_ids_make_the_named_shape_with_their_project() {
        let args = parse(&[
            "--graph-id",
            "g-1",
            "--graph-id",
            "g-2",
            "--project-id",
            "p1",
        ]);
        assert_eq!(
            event(&args.unwrap()).unwrap(),
            json!({"graph_ids": ["g-1", "g-2"], "project_id": "p1"})
        );
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
        ]);
        assert_eq!(
            event(&args.unwrap()).unwrap(),
            json!({
                "selector": {"name": "dev-*", "tags": {"env": "dev", "team": "data-*"},
                             "project_id": "p1", "region": "cn-east-3"},
                "max_graphs": 300,
                "wait": true,
            })
        );
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
        let twice = parse(&["--tag", "k=a", "--tag", "k=b"]).unwrap();
        assert!(event(&twice).unwrap_err().contains("twice"));
    }
}
