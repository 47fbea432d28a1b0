//! `ges-stop reconcile`: the Lambda function's reconcile run, from the command line.

use std::process::ExitCode;

use clap::Args;
use ges_api::types::ProjectId;
use jiff::Timestamp;
use serde_json::{Map, Value};

use crate::invoke::run_event;

/// Run the schedules once, as the Lambda function's reconcile does: stop and start each
/// graph tagged with a schedule as its schedule wants, and print the answer.
///
/// The same run as `ges-stop invoke` on {"reconcile": true, ...}, with the same
/// configuration from the environment (GES_SCHEDULES or GES_SCHEDULES_FILE among it).
/// The answer goes to stdout as JSON. A failure, a refused run or one where some graphs
/// failed prints the Lambda error {"errorType", "errorMessage"} on stderr and exits 1
/// (for a partial failure, the message is the whole answer); a bad command line or
/// configuration exits 2. Use --dry-run to see what would be done and send only the
/// listings.
#[derive(Debug, Args)]
#[command(after_long_help = concat!(client_environment!(), "\n", function_environment!()))]
pub struct ReconcileArgs {
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
}

pub(super) async fn run(args: ReconcileArgs) -> ExitCode {
    // The function would refuse the same `at` as "at"; the command line names its flag.
    run_event(&event(&args), |handler| match args.at {
        Some(at) => handler
            .check_at(at, args.dry_run)
            .map_err(|refused| refused.describe("--at", "--dry-run")),
        None => Ok(()),
    })
    .await
}

/// The reconcile event the arguments stand for, as the function reads it: only the
/// fields given, so that the function's own defaults apply to the rest.
fn event(args: &ReconcileArgs) -> Value {
    let mut event = Map::new();
    event.insert("reconcile".to_owned(), Value::Bool(true));
    if let Some(at) = args.at {
        // Timestamp's Display is RFC 3339 in UTC, which the function reads back exactly.
        event.insert("at".to_owned(), Value::String(at.to_string()));
    }
    if args.dry_run {
        event.insert("dry_run".to_owned(), Value::Bool(true));
    }
    if let Some(project_id) = &args.project_id {
        event.insert(
            "project_id".to_owned(),
            Value::String(project_id.to_string()),
        );
    }
    Value::Object(event)
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
    fn no_flags_is_a_plain_reconcile() {
        let args = parse(&[]).unwrap();
        assert_eq!(event(&args), serde_json::json!({"reconcile": true}));
    }

    #[test]
    fn every_flag_goes_into_the_event_with_at_in_utc() {
        let args = parse(&[
            "--at",
            "2026-12-04T20:00:00+08:00",
            "--dry-run",
            "--project-id",
            "0123456789abcdef0123456789abcdef",
        ])
        .unwrap();
        assert_eq!(
            event(&args),
            serde_json::json!({
                "reconcile": true,
                "at": "2026-12-04T12:00:00Z",
                "dry_run": true,
                "project_id": "0123456789abcdef0123456789abcdef",
            })
        );
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
