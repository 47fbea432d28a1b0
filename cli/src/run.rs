//! What `stop`, `list` and `reconcile` share: the flags that select graphs, typed into the
//! core's run request (so the command line refuses what the core refuses, and says so in
//! its own flags' terms); the configuration, read by the same function the Lambda
//! function reads it with, the flags in place of the variables they stand for; and one
//! run of the core's runner, printed and ended with the right exit code.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use ges_api::types::ProjectId;

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::live::LiveLines;
use crate::output::{Format, print_answer};
use crate::table::View;
use ges_client::config::Vars;
use ges_client::config::{ConfigError, Overrides, seconds};
use ges_client::config::{Endpoint, Region};
use ges_client::failure::FailureKind;
use ges_client::fleet::selector::Selector;
use ges_client::run::{
    self, Answer, ErrorType, Graphs, MAX_GRAPHS_PER_EVENT, RunError, RunRequest, Runner,
};

/// The flags that select graphs by name and tag, as one selector of an event does.
#[derive(Debug, Args)]
pub(crate) struct SelectorArgs {
    /// Select the graphs whose name matches this pattern: `*` is any run of characters,
    /// `?` one character; case-sensitive.
    #[arg(long, value_name = "PATTERN")]
    pub name: Option<String>,
    /// Select the graphs that carry this tag, its value matching the pattern (`*`, `?`);
    /// repeat it to require several tags.
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = tag)]
    pub tags: Vec<(String, String)>,
    /// The project to look in [default: HUAWEICLOUD_SDK_PROJECT_ID, else the region's].
    #[arg(long)]
    pub project_id: Option<String>,
    /// With --name or --tag, the region to look in, as an event's selector says it
    /// (without --project-id, its project is found in IAM); with --graph-id, the
    /// configured region, such as cn-north-4 [default: HUAWEICLOUD_SDK_REGION].
    #[arg(long)]
    pub region: Option<String>,
    /// The GES endpoint of the configured region, such as
    /// https://ges.cn-north-4.myhuaweicloud.com [default: GES_ENDPOINT, else the region's].
    #[arg(long)]
    pub endpoint: Option<String>,
    /// How many graphs the selection may hold before the run is refused, 1 to 1000
    /// [default: GES_MAX_GRAPHS, else 100].
    #[arg(long, value_name = "COUNT")]
    pub max_graphs: Option<u64>,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How a command prints its answer: the same flag for every command that prints one.
#[derive(Debug, Args)]
pub(crate) struct OutputArgs {
    /// How to print the answer: a table for a person, or the function's JSON answer
    /// [default: table when stdout is a terminal, else json].
    #[arg(long, value_enum)]
    pub output: Option<Format>,
}

impl OutputArgs {
    /// The format asked for, else the one that suits stdout.
    pub(crate) fn format(&self) -> Format {
        self.output.unwrap_or_else(Format::detect)
    }
}

/// `--tag KEY=VALUE`, split at the first `=`.
fn tag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE, such as env=dev or team=data-*".to_owned()),
    }
}

/// What the flags stand for, typed: the run's graphs and how many a selection may
/// hold, and what they set in place of the configuration's variables.
#[derive(Debug, Default)]
pub(crate) struct Typed {
    /// The project the flags name, if any.
    pub project_id: Option<ProjectId>,
    /// The region the flags name, if any.
    pub region: Option<Region>,
    /// The GES endpoint the flags name, if any.
    pub endpoint: Option<Endpoint>,
    /// `--max-graphs`, within the event's bounds.
    pub max_graphs: Option<usize>,
}

impl SelectorArgs {
    /// Whether the flags select by name or tag.
    pub(crate) fn selects(&self) -> bool {
        self.name.is_some() || !self.tags.is_empty()
    }

    /// The flags' values, each checked as the variable or field it stands for is.
    pub(crate) fn typed(&self) -> Result<Typed, String> {
        let project_id = self
            .project_id
            .as_deref()
            .map(|text| ProjectId::try_from(text).map_err(|error| format!("--project-id: {error}")))
            .transpose()?;
        let region = self
            .region
            .as_deref()
            .map(|text| {
                text.parse::<Region>()
                    .map_err(|error| format!("--region: {error}"))
            })
            .transpose()?;
        let endpoint = self
            .endpoint
            .as_deref()
            .map(|text| {
                text.parse::<Endpoint>()
                    .map_err(|error| format!("--endpoint: {error}"))
            })
            .transpose()?;
        let max_graphs = self
            .max_graphs
            .map(|count| {
                usize::try_from(count)
                    .ok()
                    .filter(|count| (1..=MAX_GRAPHS_PER_EVENT).contains(count))
                    .ok_or_else(|| {
                        format!(
                            "--max-graphs must be a whole number from 1 to \
                             {MAX_GRAPHS_PER_EVENT}, as an event's max_graphs"
                        )
                    })
            })
            .transpose()?;
        Ok(Typed {
            project_id,
            region,
            endpoint,
            max_graphs,
        })
    }

    /// The one selector the flags stand for, in the project and region they name.
    /// `every`: with no name or tag, every graph (`--name '*'`).
    pub(crate) fn selector(&self, typed: &Typed, every: bool) -> Result<Selector, String> {
        for (index, (key, _)) in self.tags.iter().enumerate() {
            if self.tags[..index].iter().any(|(earlier, _)| earlier == key) {
                return Err(format!("--tag: the key {key:?} is given twice"));
            }
        }
        let name = match &self.name {
            Some(name) => Some(name.as_str()),
            None if every && self.tags.is_empty() => Some("*"),
            None => None,
        };
        Selector::new(name, &self.tags, typed.project_id.clone(), typed.region)
            .map_err(|error| format!("the selector --name/--tag {error}"))
    }
}

/// What the flags ask: the run, and the values they set in place of the configuration's
/// variables.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The run.
    pub request: RunRequest,
    /// What the flags set in place of the configuration's variables.
    pub overrides: Overrides,
    /// `--timeout`: how long `wait` waits, in place of GES_WAIT_TIMEOUT_SECS.
    pub wait_timeout: Option<Duration>,
}

/// One run of the core's runner on the request the flags stand for.
#[derive(Debug)]
pub(crate) struct Run {
    /// What the flags ask, or why they ask nothing that can run.
    pub plan: Result<Plan, String>,
    /// Whether the configuration must name a project (graphs named by ID, or a selection
    /// in the configured region).
    pub needs_project: bool,
    /// How the answer is printed.
    pub format: Format,
    /// Which table, when a table is printed.
    pub view: View,
}

impl Run {
    /// Loads the configuration, runs the request and prints the answer.
    pub(crate) async fn run(self) -> ExitCode {
        // Refused before any configuration (which may ask IAM or Secrets Manager) is
        // read: nothing is sent.
        let Plan {
            request,
            overrides,
            wait_timeout,
        } = match self.plan {
            Ok(plan) => plan,
            Err(message) => return fail(EXIT_USAGE, message),
        };
        let runner = match runner(&overrides, wait_timeout, self.needs_project).await {
            Ok(runner) => runner,
            Err(code) => return code,
        };
        // Live lines go to stderr, for a person watching it; a program reads stdout.
        let runner =
            if request.wait && self.format == Format::Table && std::io::stderr().is_terminal() {
                runner.with_progress(Arc::new(LiveLines::default()))
            } else {
                runner
            };
        if let Some(Graphs::Scheduled(scheduled)) = &request.graphs
            && let Some(at) = scheduled.at
            && let Err(refused) = runner.check_at(at, request.dry_run)
        {
            // The core would refuse it as "at"; the command line names its flag.
            return fail(EXIT_USAGE, refused.describe("--at", "--dry-run"));
        }
        // No deadline but the waits' timeout: a person can stop the command.
        finish(runner.run(&request, None).await, self.format, self.view)
    }
}

/// The runner for the configuration, read as the Lambda function reads it, with the
/// flags' values in place of the variables they stand for.
pub(crate) async fn runner(
    overrides: &Overrides,
    wait_timeout: Option<Duration>,
    needs_project: bool,
) -> Result<Runner, ExitCode> {
    let (config, settings) =
        match run::load(|name| std::env::var(name).ok(), overrides, wait_timeout).await {
            Ok(loaded) => loaded,
            // IAM was asked and failed: not a usage error.
            Err(error @ ConfigError::ProjectLookup { .. }) => return Err(fail(EXIT_FAILED, error)),
            Err(error) => return Err(fail(EXIT_USAGE, error)),
        };
    if needs_project && config.default_project_id.is_none() {
        return Err(fail(
            EXIT_USAGE,
            "no project: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID",
        ));
    }
    Runner::new(&config, settings).map_err(|error| fail(EXIT_FAILED, error))
}

/// `--timeout SECS`, held to GES_WAIT_TIMEOUT_SECS's rules and named as the flag.
pub(crate) fn timeout(text: Option<&str>) -> Result<Option<Duration>, String> {
    seconds(&Vars(|_: &str| text.map(str::to_owned)), "--timeout")
        .map_err(|error| error.to_string())
}

/// Prints the answer, or the error, and gives the exit code: 0 when every graph ended
/// well; 1 when GES or the network refused, or a selection was refused after its
/// listing; 2 when the configuration refused the run before anything was sent. A
/// partial failure prints every graph's result and exits 1. A failure is said once, on
/// stderr.
fn finish(result: Result<Answer, RunError>, format: Format, view: View) -> ExitCode {
    match result {
        Ok(answer) => match print_answer(&answer, format, view) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(EXIT_FAILED, error),
        },
        Err(RunError::PartialFailure(batch)) => {
            let message = batch.partial_failure();
            if let Err(error) = print_answer(&Answer::Batch(*batch), format, view) {
                return fail(EXIT_FAILED, error);
            }
            fail(
                EXIT_FAILED,
                format_args!("{message} ({})", ErrorType::PartialFailure),
            )
        }
        Err(error) => {
            let kind = error.kind();
            fail(exit_code(kind), format_args!("{error} ({kind})"))
        }
    }
}

/// The exit code of a run that reached no answer.
pub(crate) fn exit_code(kind: ErrorType) -> u8 {
    match kind {
        // Refused by the request's rules or the configuration, before anything was sent.
        ErrorType::InvalidEvent
        | ErrorType::NoGraphsConfigured
        | ErrorType::NoSchedulesConfigured
        | ErrorType::InvalidConfiguration
        | ErrorType::Failure(FailureKind::NoProject | FailureKind::NotAllowed) => EXIT_USAGE,
        _ => EXIT_FAILED,
    }
}

/// Parses `args` as the subcommand `name` whose flags are `T`: what the subcommands'
/// tests share.
#[cfg(test)]
pub(crate) fn parse_args<T: Args + clap::FromArgMatches>(
    name: &'static str,
    args: &[&str],
) -> Result<T, clap::Error> {
    let matches = T::augment_args(clap::Command::new(name))
        .try_get_matches_from(std::iter::once(name).chain(args.iter().copied()))?;
    T::from_arg_matches(&matches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_split_at_its_first_equals_sign() {
        assert_eq!(tag("env=dev"), Ok(("env".to_owned(), "dev".to_owned())));
        assert_eq!(tag("k=a=b"), Ok(("k".to_owned(), "a=b".to_owned())));
        assert_eq!(tag("k="), Ok(("k".to_owned(), String::new())));
        assert!(tag("env").is_err());
        assert!(tag("=dev").is_err());
    }

    #[test]
    fn refusals_before_any_call_are_usage_errors_and_the_rest_failures() {
        assert_eq!(exit_code(ErrorType::InvalidEvent), EXIT_USAGE);
        assert_eq!(exit_code(FailureKind::NotAllowed.into()), EXIT_USAGE);
        assert_eq!(exit_code(FailureKind::NoProject.into()), EXIT_USAGE);
        assert_eq!(exit_code(ErrorType::NoSchedulesConfigured), EXIT_USAGE);
        assert_eq!(exit_code(FailureKind::TooManyGraphs.into()), EXIT_FAILED);
        assert_eq!(exit_code(FailureKind::GraphNotFound.into()), EXIT_FAILED);
        assert_eq!(exit_code(ErrorType::PartialFailure), EXIT_FAILED);
    }

    #[test]
    fn a_timeout_is_checked_and_named_as_the_flag() {
        assert_eq!(timeout(None), Ok(None));
        assert_eq!(timeout(Some("2.5")), Ok(Some(Duration::from_millis(2500))));
        for bad in ["0", "901", "soon"] {
            let message = timeout(Some(bad)).unwrap_err();
            assert!(
                message.contains(&format!("--timeout is \"{bad}\"")),
                "{message}"
            );
        }
    }
}
