//! `ges-stop list`: the graphs a selector selects, and what a stop would do to each: the
//! function's dry run of that selection, which sends only the listings.

use std::process::ExitCode;

use clap::Args;
use serde_json::Value;

use crate::run::{Run, SelectorArgs};
use crate::table::View;

/// List the graphs (every graph of the project, or those --name and --tag select), with
/// their status, their tags and what `ges-stop stop` with the same flags would do to each.
///
/// The same run as the Lambda function's dry run of {"selector": {...}, "dry_run": true}:
/// only the listings are sent, no look-up graph by graph and no stop. The answer is a
/// table at a terminal, else the function's JSON (--output json): {"selectors", "results":
/// [{"graph_id", "project_id", "outcome", "graph_status", "name", "tags", "reason"}, ...],
/// "summary"}, where the outcome is "would_stop", "already_stopped" or "skipped". Exit 1
/// when GES or the network refused, or when more graphs were selected than --max-graphs;
/// 2 when the command line or configuration is wrong (nothing was sent).
#[derive(Debug, Args)]
#[command(after_long_help = concat!(client_environment!(), "\n", function_environment!()))]
pub struct ListArgs {
    #[command(flatten)]
    selector: SelectorArgs,
}

pub(super) async fn run(args: ListArgs) -> ExitCode {
    Run {
        event: event(&args),
        selector: &args.selector,
        region_is_home: false,
        timeout: None,
        wait: false,
        view: View::List,
    }
    .run()
    .await
}

/// A dry run of the selector the flags stand for: every graph when they name none.
fn event(args: &ListArgs) -> Result<Value, String> {
    let mut event = args.selector.selection(true)?;
    event.insert("dry_run".to_owned(), Value::Bool(true));
    Ok(Value::Object(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::parse_args;
    use serde_json::json;

    fn event_of(args: &[&str]) -> Value {
        event(&parse_args::<ListArgs>("list", args).unwrap()).unwrap()
    }

    #[test]
    fn no_flags_list_every_graph_in_a_dry_run() {
        assert_eq!(
            event_of(&[]),
            json!({"selector": {"name": "*"}, "dry_run": true})
        );
    }

    #[test]
    fn tags_alone_select_by_tags_only() {
        assert_eq!(
            event_of(&["--tag", "env=dev", "--region", "cn-east-3"]),
            json!({"selector": {"tags": {"env": "dev"}, "region": "cn-east-3"}, "dry_run": true})
        );
    }
}
