//! One invocation, from its event to its reply: the event is read into the core's run
//! requests (`event`), the agency's credentials are taken from the invocation's headers
//! (`agency`), the core runs each request ([`Runner`]) under the invocation's deadline,
//! and the reply takes the form the caller understands (`answer`). What the run does is
//! the core's; what is FunctionGraph's (the envelopes, the headers, the answers' shapes)
//! is here and in the runtime loop.

use std::time::{Duration, Instant};

use ges_api::types::ProjectId;
use ges_client::config::Config;
use ges_client::config::{Overrides, vars};
use ges_client::ges::ClientError;
use ges_client::run::{
    self, Answer, Clock, ErrorType, RunCredentials, Runner, Settings, StartError,
};
use tracing::Instrument;

use crate::agency::AgencyError;
use crate::answer::{self, Failure, Reply};
use crate::event::{self, Defaults, EventError, InvalidEvent, Invocation, Trigger};

/// The project FunctionGraph gives the function (Huawei, "Custom Runtime",
/// functiongraph_01_0406, Table 2: "RUNTIME_PROJECT_ID: project ID"): the default
/// project when `HUAWEICLOUD_SDK_PROJECT_ID` is not set, so that no IAM look-up is needed.
pub const RUNTIME_PROJECT_ID: &str = "RUNTIME_PROJECT_ID";

/// Serves invocations. Built once at start-up and borrowed by every invocation, so that
/// the HTTP client's connections are reused while the instance stays warm.
#[derive(Debug)]
pub struct Handler {
    runner: Runner,
    defaults: Defaults,
}

/// What one invocation brings beside its event.
#[derive(Debug)]
pub struct Context {
    /// FunctionGraph's request id (`X-Cff-Request-Id`).
    pub request_id: String,
    /// The agency's credentials from the invocation's headers, if any, or why they
    /// cannot be used.
    pub credentials: Result<Option<RunCredentials>, AgencyError>,
    /// When the invocation must have answered: its receipt plus the function's timeout.
    pub answer_by: Option<Instant>,
}

/// Why the function cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration or the HTTP client: the core's.
    #[error(transparent)]
    Start(#[from] StartError),
    /// No region: FunctionGraph names none to a custom runtime (Table 2 of "Custom
    /// Runtime", functiongraph_01_0406, has no region variable, and Table 1 no region
    /// header), so `HUAWEICLOUD_SDK_REGION` is required.
    #[error(
        "HUAWEICLOUD_SDK_REGION is not set: FunctionGraph does not tell a custom runtime its \
         region, so set it among the function's environment variables (such as cn-north-4)"
    )]
    NoRegion,
    /// A variable that only the AWS Lambda function reads.
    #[error(
        "{variable} is set, but it names an AWS Secrets Manager secret, which only the AWS \
         Lambda function reads: on FunctionGraph give the function an agency, or set the \
         credentials' variables (encrypted)"
    )]
    AwsOnly {
        /// The variable.
        variable: &'static str,
    },
    /// `RUNTIME_PROJECT_ID` that is no project id.
    #[error("RUNTIME_PROJECT_ID: {0}")]
    RuntimeProject(ges_api::runtime::ConstraintViolation),
}

impl Handler {
    /// A handler for this configuration.
    pub fn new(config: &Config, settings: Settings) -> Result<Self, ClientError> {
        let defaults = Defaults {
            schedules: settings.timer_reconciles(),
        };
        Ok(Self {
            runner: Runner::new(config, settings)?,
            defaults,
        })
    }

    /// A handler configured from `lookup` (the process environment, or a test's), read
    /// once: the Lambda function's variables but the AWS-only ones, with
    /// `RUNTIME_PROJECT_ID` as the project when `HUAWEICLOUD_SDK_PROJECT_ID` is not set,
    /// and no credentials a valid configuration: each invocation then brings its
    /// agency's.
    pub async fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, StartupError> {
        let set = |name: &str| lookup(name).filter(|value| !value.trim().is_empty());
        if set(vars::SECRET_ID).is_some() {
            return Err(StartupError::AwsOnly {
                variable: vars::SECRET_ID,
            });
        }
        if set(vars::REGION).is_none() {
            return Err(StartupError::NoRegion);
        }
        let project_id = match (set(vars::PROJECT_ID), set(RUNTIME_PROJECT_ID)) {
            (None, Some(runtime)) => Some(
                runtime
                    .trim()
                    .parse::<ProjectId>()
                    .map_err(StartupError::RuntimeProject)?,
            ),
            _ => None,
        };
        let overrides = Overrides {
            project_id,
            runs_bring_credentials: true,
            ..Overrides::default()
        };
        let (config, settings) = run::load(&lookup, &overrides, None)
            .await
            .map_err(StartError::from)?;
        tracing::info!(credentials = config.credentials.kind(), "configured");
        Ok(Self::new(&config, settings).map_err(StartError::from)?)
    }

    /// The same handler, reading the time from `clock`: for tests that pin the instant
    /// a run happens at.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self {
            runner: self.runner.with_clock(clock),
            ..self
        }
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        self.runner.settings()
    }

    /// Serves one invocation: its event (or why it could not be read whole) and its
    /// context. A bad event, or credential headers that cannot be used, send nothing.
    pub async fn invoke(&self, event: Result<&[u8], EventError>, context: &Context) -> Reply {
        let invocation = event
            .map_err(|error| InvalidEvent {
                trigger: None,
                error,
            })
            .and_then(|bytes| event::read(bytes, self.defaults));
        let invocation = match invocation {
            Ok(invocation) => invocation,
            Err(invalid) => {
                tracing::warn!(error = %invalid, "invalid event");
                let failure = Failure::new(invalid.error.error_type(), invalid.to_string());
                return reply(invalid.trigger, Err(failure), context);
            }
        };
        let credentials = match &context.credentials {
            Ok(credentials) => credentials.clone(),
            Err(error) => {
                tracing::warn!(error = %error, "unusable agency credentials");
                let failure = Failure::new(error.error_type(), error.to_string());
                return reply(Some(invocation.trigger), Err(failure), context);
            }
        };
        self.serve(invocation, credentials, context).await
    }

    /// Runs an invocation's requests in order, each signed with the agency's credentials
    /// when it has some.
    async fn serve(
        &self,
        invocation: Invocation,
        credentials: Option<RunCredentials>,
        context: &Context,
    ) -> Reply {
        let trigger = invocation.trigger;
        let mut answers: Vec<Answer> = Vec::with_capacity(invocation.runs.len());
        for run in invocation.runs {
            let mut request = run.request;
            request.credentials = credentials.clone();
            tracing::info!(
                trigger = ?trigger,
                wait = request.wait,
                dry_run = request.dry_run,
                agency = request.credentials.is_some(),
                "invocation"
            );
            // Only an SMN message has an id; other events' lines carry no empty one.
            let span = match &run.message_id {
                Some(id) => tracing::info_span!("message", message_id = %id),
                None => tracing::Span::none(),
            };
            let result = self
                .runner
                .run(&request, context.answer_by)
                .instrument(span)
                .await;
            match result {
                Ok(answer) => answers.push(answer),
                Err(error) => {
                    tracing::warn!(
                        error_type = error.kind().name(),
                        error = %error.brief(),
                        "run failed"
                    );
                    // The runs after a failed one are not made: SMN's later messages wait
                    // for the event to be delivered again, whole.
                    return reply(Some(trigger), Err(Failure::of_run(error)), context);
                }
            }
        }
        match <[Answer; 1]>::try_from(answers) {
            Ok([answer]) => reply(Some(trigger), Ok(&answer), context),
            Err(answers) => match serde_json::to_string(&answers) {
                Ok(body) => Reply::Response(body),
                Err(error) => Reply::error(
                    ErrorType::InternalError,
                    format!("could not encode the answers as JSON: {error}"),
                ),
            },
        }
    }
}

/// The reply in its caller's form.
fn reply(trigger: Option<Trigger>, result: Result<&Answer, Failure>, context: &Context) -> Reply {
    match trigger {
        Some(Trigger::Apig) => answer::apig(result, &context.request_id),
        _ => answer::plain(result),
    }
}

/// The deadline of an invocation received now, for a function whose timeout is
/// `timeout`.
pub fn answer_by(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|timeout| Instant::now() + timeout)
}
