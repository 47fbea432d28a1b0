//! `ges-stop list`: the graphs a selector selects, and what a stop would do to each: the
//! core's dry run of that selection, as the function runs it, which sends only the
//! listings.

use std::process::ExitCode;

use clap::Args;
use ges_client::config::Overrides;
use ges_client::run::{Graphs, RunRequest};

use crate::run::{Plan, Run, SelectorArgs};
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
pub(crate) struct ListArgs {
    #[command(flatten)]
    selector: SelectorArgs,
}

pub(super) async fn run(args: ListArgs) -> ExitCode {
    Run {
        plan: plan(&args),
        needs_project: args.selector.region.is_none(),
        format: args.selector.output.format(),
        view: View::List,
    }
    .run()
    .await
}

/// A dry run of the selector the flags stand for: every graph when they name none. Its
/// project is the configured one only in the configured region.
fn plan(args: &ListArgs) -> Result<Plan, String> {
    let typed = args.selector.typed()?;
    let selector = args.selector.selector(&typed, true)?;
    Ok(Plan {
        request: RunRequest {
            graphs: Some(Graphs::Selected(vec![selector])),
            dry_run: true,
            max_graphs: typed.max_graphs,
            ..RunRequest::default()
        },
        overrides: Overrides {
            project_id: typed.project_id.clone().filter(|_| typed.region.is_none()),
            region: None,
            endpoint: typed.endpoint.clone(),
            ..Overrides::default()
        },
        wait_timeout: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::parse_args;
    use serde_json::json;

    fn selectors_of(args: &[&str]) -> serde_json::Value {
        let plan = plan(&parse_args::<ListArgs>("list", args).unwrap()).unwrap();
        assert!(plan.request.dry_run && !plan.request.wait);
        let Some(Graphs::Selected(selectors)) = &plan.request.graphs else {
            panic!("{:?}", plan.request.graphs);
        };
        serde_json::to_value(selectors).unwrap()
    }

    #[test]
    fn no_flags_list_every_graph_in_a_dry_run() {
        assert_eq!(selectors_of(&[]), json!([{"name": "*"}]));
    }

    #[test]
    fn tags_alone_select_by_tags_only() {
        assert_eq!(
            selectors_of(&["--tag", "env=dev", "--region", "cn-east-3"]),
            json!([{"tags": {"env": "dev"}, "region": "cn-east-3"}])
        );
    }
}
