//! `ges-stop reconcile`: the core's reconcile run, as the Lambda function runs it, from
//! the command line.

use std::process::ExitCode;

use clap::Args;
use ges_api::types::ProjectId;
use ges_client::config::Overrides;
use ges_client::run::{Graphs, RunRequest, Scheduled};
use jiff::Timestamp;

use crate::run::{OutputArgs, Plan, Run};
use crate::table::View;

/// Run the schedules once, as the Lambda function's reconcile does: stop and start each
/// graph tagged with a schedule as its schedule wants, and print the answer.
///
/// The same run as the Lambda function's on {"reconcile": true, ...}, with the same
/// configuration from the environment (GES_SCHEDULES or GES_SCHEDULES_FILE among it).
/// The answer is a table at a terminal, else the function's JSON (--output json):
/// {"at", "results": [{"graph_id", ..., "outcome", "schedule", "desired",
/// "next_change", "reason"}, ...], "summary"}. Exit 1 when GES or the network refused,
/// or when some graphs failed (every graph's result is still printed); 2 when the
/// command line or configuration is wrong, no schedules are configured among it (nothing
/// was sent). Errors go to stderr, once. Use --dry-run to see what would be done and send
/// only the listings.
#[derive(Debug, Args)]
#[command(after_long_help = concat!(client_environment!(), "\n", function_environment!()))]
pub(crate) struct ReconcileArgs {
    /// Evaluate the schedules at this instant, in RFC 3339 (2026-12-04T20:00:00+08:00),
    /// instead of now. Without --dry-run, it must be within GES_MAX_EVENT_AGE_MINUTES
    /// (default 120) before now and 5 minutes after.
    #[arg(long)]
    at: Option<Timestamp>,
    /// Decide and report (would_stop, would_start), and send no stop or start.
    #[arg(long)]
    dry_run: bool,
    /// The project to look in [default: HUAWEICLOUD_SDK_PROJECT_ID].
    #[arg(long)]
    project_id: Option<ProjectId>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(super) async fn run(args: ReconcileArgs) -> ExitCode {
    Run {
        plan: Ok(plan(&args)),
        // A reconcile with no project is the core's to refuse, as the function's is.
        needs_project: false,
        format: args.output.format(),
        view: View::Reconcile,
    }
    .run()
    .await
}

/// The reconcile the flags stand for: every scheduled graph of the project, decided at
/// `--at` or now. The configuration is the environment's alone.
fn plan(args: &ReconcileArgs) -> Plan {
    Plan {
        request: RunRequest {
            graphs: Some(Graphs::Scheduled(Scheduled {
                selectors: Vec::new(),
                at: args.at,
            })),
            project_id: args.project_id.clone(),
            dry_run: args.dry_run,
            ..RunRequest::default()
        },
        overrides: Overrides::default(),
        wait_timeout: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: ReconcileArgs,
    }

    fn parse(args: &[&str]) -> Result<ReconcileArgs, clap::Error> {
        Cli::try_parse_from(std::iter::once("reconcile").chain(args.iter().copied()))
            .map(|cli| cli.args)
    }

    #[test]
    fn no_flags_is_a_plain_reconcile_now() {
        let plan = plan(&parse(&[]).unwrap());
        assert_eq!(
            plan.request.graphs,
            Some(Graphs::Scheduled(Scheduled {
                selectors: Vec::new(),
                at: None
            }))
        );
        assert!(!plan.request.dry_run && !plan.request.wait);
        assert_eq!(plan.request.project_id, None);
    }

    #[test]
    fn every_flag_goes_into_the_request_with_at_the_same_instant() {
        let args = parse(&[
            "--at",
            "2026-12-04T20:00:00+08:00",
            "--dry-run",
            "--project-id",
            "0123456789abcdef0123456789abcdef",
            "--output",
            "table",
        ])
        .unwrap();
        let plan = plan(&args);
        let Some(Graphs::Scheduled(scheduled)) = &plan.request.graphs else {
            panic!("{:?}", plan.request.graphs);
        };
        assert_eq!(scheduled.at, Some("2026-12-04T12:00:00Z".parse().unwrap()));
        assert!(plan.request.dry_run);
        assert_eq!(
            plan.request.project_id,
            Some("0123456789abcdef0123456789abcdef".parse().unwrap())
        );
        assert_eq!(args.output.output, Some(crate::output::Format::Table));
    }

    #[test]
    fn a_bad_at_is_a_usage_error_naming_the_flag() {
        let error = parse(&["--at", "not-a-time"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::ValueValidation);
        assert!(error.to_string().contains("--at"), "{error}");
        // A date alone names no instant.
        assert!(parse(&["--at", "2026-12-04"]).is_err());
    }
}
