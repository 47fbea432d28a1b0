//! What `stop` and `list` share: the flags that select graphs, the event they stand for
//! (read by the function's own event parser, so the command line refuses what an event
//! refuses), the configuration with the flags layered over the environment, and one run
//! of the function's handler, printed and ended with the right exit code.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use lambda_runtime::Context;
use serde_json::{Map, Value};

use crate::exit::{EXIT_FAILED, EXIT_USAGE, fail};
use crate::live::LiveLines;
use crate::output::{Format, print_answer};
use crate::table::View;
use ges_client::config::{Config, ConfigError, vars};
use ges_client::failure::FailureKind;
use ges_stop_lambda::answer::{Answer, FunctionError};
use ges_stop_lambda::error_type::ErrorType;
use ges_stop_lambda::event;
use ges_stop_lambda::handler::Handler;
use ges_stop_lambda::settings::Settings;

/// The flags that select graphs by name and tag, as one selector of an event does.
#[derive(Debug, Args)]
pub struct SelectorArgs {
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
    /// How to print the answer: a table for a person, or the function's JSON answer
    /// [default: table when stdout is a terminal, else json].
    #[arg(long, value_enum)]
    pub output: Option<Format>,
}

/// `--tag KEY=VALUE`, split at the first `=`.
fn tag(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err("expected KEY=VALUE, such as env=dev or team=data-*".to_owned()),
    }
}

impl SelectorArgs {
    /// Whether the flags select by name or tag.
    pub fn selects(&self) -> bool {
        self.name.is_some() || !self.tags.is_empty()
    }

    /// An event selecting by the flags: the selector and the event's `max_graphs`.
    /// `every`: with no name or tag, every graph (`{"name": "*"}`).
    pub fn selection(&self, every: bool) -> Result<Map<String, Value>, String> {
        let mut event = Map::new();
        event.insert("selector".to_owned(), self.selector(every)?);
        if let Some(max_graphs) = self.max_graphs {
            event.insert("max_graphs".to_owned(), Value::from(max_graphs));
        }
        Ok(event)
    }

    /// The event's selector: the name and tags, and the project and region to look in.
    fn selector(&self, every: bool) -> Result<Value, String> {
        let mut selector = Map::new();
        match &self.name {
            Some(name) => insert(&mut selector, "name", name),
            None if every && self.tags.is_empty() => insert(&mut selector, "name", "*"),
            None => {}
        }
        if !self.tags.is_empty() {
            let mut tags = Map::new();
            for (key, value) in &self.tags {
                if tags
                    .insert(key.clone(), Value::from(value.as_str()))
                    .is_some()
                {
                    return Err(format!("--tag: the key {key:?} is given twice"));
                }
            }
            selector.insert("tags".to_owned(), Value::Object(tags));
        }
        if let Some(project_id) = &self.project_id {
            insert(&mut selector, "project_id", project_id);
        }
        if let Some(region) = &self.region {
            insert(&mut selector, "region", region);
        }
        Ok(Value::Object(selector))
    }
}

/// Sets a string field of an event.
pub fn insert(object: &mut Map<String, Value>, field: &str, value: &str) {
    object.insert(field.to_owned(), Value::from(value));
}

/// One run of the function's handler on the event the flags stand for.
#[derive(Debug)]
pub struct Run<'a> {
    /// The event, as the function would receive it, or why the flags make none.
    pub event: Result<Value, String>,
    /// The selection flags.
    pub selector: &'a SelectorArgs,
    /// Whether `--region` is the configured region (graphs named by ID) rather than the
    /// selector's.
    pub region_is_home: bool,
    /// `--timeout`: how long `wait` waits, as GES_WAIT_TIMEOUT_SECS.
    pub timeout: Option<String>,
    /// Whether the run waits for stop jobs, so that a person sees them live.
    pub wait: bool,
    /// How the answer is shown.
    pub view: View,
}

impl Run<'_> {
    /// Reads the event, loads the configuration, runs the handler and prints the answer.
    pub async fn run(self) -> ExitCode {
        // Refused as the function refuses it, before any configuration (which may ask
        // IAM or Secrets Manager) is read: nothing is sent.
        let event = match &self.event {
            Ok(event) => event,
            Err(message) => return fail(EXIT_USAGE, message),
        };
        let invocation = match event::parse(event) {
            Ok(invocation) => invocation,
            Err(invalid) => {
                return fail(
                    EXIT_USAGE,
                    format_args!("the flags ask for a run the function refuses: {invalid}"),
                );
            }
        };
        let format = self.selector.output.unwrap_or_else(Format::detect);
        let handler = match self.handler().await {
            Ok(handler) => handler,
            Err(code) => return code,
        };
        // Live lines go to stderr, for a person watching it; a program reads stdout.
        let handler = if self.wait && format == Format::Table && std::io::stderr().is_terminal() {
            handler.with_progress(Arc::new(LiveLines::default()))
        } else {
            handler
        };
        let mut context = Context::default();
        context.request_id = "local-invoke".to_owned();
        finish(
            handler.serve(&invocation, &context).await,
            format,
            self.view,
        )
    }

    /// The handler for the configuration, the flags layered over the environment so that
    /// both go through the same checks.
    async fn handler(&self) -> Result<Handler, ExitCode> {
        let selector = self.selector;
        let home = |value: &Option<String>| value.clone().filter(|_| self.region_is_home);
        // A selector's project is the configured one only in the configured region.
        let project = match (&selector.region, self.region_is_home) {
            (Some(_), false) => None,
            _ => selector.project_id.clone(),
        };
        let flags = [
            (vars::PROJECT_ID, project),
            (vars::ENDPOINT, selector.endpoint.clone()),
            (vars::REGION, home(&selector.region)),
            (vars::WAIT_TIMEOUT, self.timeout.clone()),
        ];
        let lookup = |name: &str| {
            flags
                .iter()
                .find(|(flag, value)| *flag == name && value.is_some())
                .and_then(|(_, value)| value.clone())
                .or_else(|| std::env::var(name).ok())
        };
        let config = match Config::load(lookup).await {
            Ok(config) => config,
            // IAM was asked and failed: not a usage error.
            Err(error @ ConfigError::ProjectLookup { .. }) => return Err(fail(EXIT_FAILED, error)),
            Err(error) => return Err(fail(EXIT_USAGE, error)),
        };
        if config.default_project_id.is_none() && (self.region_is_home || selector.region.is_none())
        {
            return Err(fail(
                EXIT_USAGE,
                "no project: pass --project-id or set HUAWEICLOUD_SDK_PROJECT_ID",
            ));
        }
        let settings = Settings::from_lookup(lookup).map_err(|error| match error {
            // The value came from --timeout, not the variable: name what was typed.
            ConfigError::Seconds { variable, value }
                if variable == vars::WAIT_TIMEOUT && self.timeout.is_some() =>
            {
                fail(
                    EXIT_USAGE,
                    ConfigError::Seconds {
                        variable: "--timeout",
                        value,
                    },
                )
            }
            error => fail(EXIT_USAGE, error),
        })?;
        Handler::new(&config, settings).map_err(|error| fail(EXIT_FAILED, error))
    }
}

/// Prints the answer, or the error, and gives the exit code: 0 when every graph ended
/// well; 1 when GES or the network refused, or a selection was refused after its
/// listing; 2 when the configuration refused the run before anything was sent. A
/// partial failure prints every graph's result and exits 1.
fn finish(result: Result<Answer, FunctionError>, format: Format, view: View) -> ExitCode {
    match result {
        Ok(answer) => match print_answer(&answer, format, view) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => fail(EXIT_FAILED, error),
        },
        Err(FunctionError::PartialFailure(batch)) => {
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
fn exit_code(kind: ErrorType) -> u8 {
    match kind {
        // Refused by the event's rules or the configuration, before anything was sent.
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
pub fn parse_args<T: Args + clap::FromArgMatches>(
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
        assert_eq!(exit_code(FailureKind::TooManyGraphs.into()), EXIT_FAILED);
        assert_eq!(exit_code(FailureKind::GraphNotFound.into()), EXIT_FAILED);
        assert_eq!(exit_code(ErrorType::PartialFailure), EXIT_FAILED);
    }
}
