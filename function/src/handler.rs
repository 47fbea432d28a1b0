//! The Lambda handler: one invocation, from payload to answer. The event is read into
//! the core's run request (`event`), the core runs it ([`Runner`]) under the invocation's
//! deadline, and the answer takes the form the caller understands (`answer`); an SQS batch
//! is served message by message (`queue`). What the run does is the core's; what is
//! AWS's (the envelopes, the Lambda context and its deadline, the answers' shapes, the
//! metrics) is here.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::answer::{self, FunctionError};
use crate::event::{self, InvalidEvent, Invocation, Payload};
use crate::metrics::{self, Metrics, MetricsConfigError};
use crate::payload_text::PayloadText;
use crate::queue;
use ges_client::config::{Config, Overrides};
use ges_client::run::{self, Answer, Deadline, Runner, Settings, StartError};

pub use ges_client::run::Clock;

/// The longest a Lambda invocation lives. A deadline further away than this is not a
/// real one: emulators send such.
const LONGEST_INVOCATION: Duration = Duration::from_secs(900);
/// 2000-01-01T00:00:00Z in milliseconds since the epoch. A deadline before it (0, what
/// emulators and `Context::default()` give) is no deadline at all; any later one is a
/// real instant, and one already past means the invocation has no time left.
const EARLIEST_REAL_DEADLINE_MS: u64 = 946_684_800_000;

/// Serves invocations. Built once at start-up and borrowed by every invocation, so
/// the HTTP client's connections are reused while the function stays warm.
#[derive(Debug)]
pub struct Handler {
    runner: Runner,
    /// Where each invocation's metrics go (nowhere unless [`Handler::with_metrics`]).
    metrics: Metrics,
}

/// Why the function cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration or the HTTP client: the core's.
    #[error(transparent)]
    Start(#[from] StartError),
    /// The metrics variables are wrong.
    #[error(transparent)]
    Metrics(#[from] MetricsConfigError),
}

impl Handler {
    /// A handler for this configuration.
    pub fn new(config: &Config, settings: Settings) -> Result<Self, StartupError> {
        Ok(Self {
            // Each stop and start the runner sends is timed for the metrics.
            runner: Runner::new(config, settings)
                .map_err(StartError::from)?
                .with_progress(Arc::new(metrics::Recorder)),
            metrics: Metrics::off(),
        })
    }

    /// The same handler, writing each invocation's metrics to `metrics`, which count a
    /// reconcile's stopped graphs for the settings' reconcile interval.
    pub fn with_metrics(self, metrics: Metrics) -> Self {
        let metrics = metrics.with_interval(self.settings().reconcile_interval);
        Self { metrics, ..self }
    }

    /// The same handler, reading the time from `clock`: for tests that pin the instant
    /// a run happens at.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self {
            runner: self.runner.with_clock(clock),
            ..self
        }
    }

    /// A handler configured from the process environment, read once: the secret it
    /// names and the region's project (from IAM) included.
    pub async fn from_env() -> Result<Self, StartupError> {
        let (config, settings) =
            run::load(|name| std::env::var(name).ok(), &Overrides::default(), None)
                .await
                .map_err(StartError::from)?;
        Self::new(&config, settings)
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        self.runner.settings()
    }

    /// The `lambda_runtime` entry point: the payload's whole text, read strictly
    /// ([`Handler::invoke_text`]).
    pub async fn handle_text(
        &self,
        event: LambdaEvent<PayloadText>,
    ) -> Result<Value, FunctionError> {
        self.invoke_text(event.payload.as_str(), &event.context)
            .await
    }

    /// A payload already parsed, as a test builds it: [`Handler::invoke`].
    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Value, FunctionError> {
        self.invoke(&event.payload, &event.context).await
    }

    /// Serves one payload given as text: read strictly, so that a key given twice, in
    /// the envelope as in what it carries, or anything after the value, is refused
    /// before anything is sent. Then as [`Handler::invoke`].
    pub async fn invoke_text(&self, text: &str, context: &Context) -> Result<Value, FunctionError> {
        self.serve_payload(event::read_text(text), context).await
    }

    /// Serves one payload already parsed (a test's, the command line's reconcile). HTTP
    /// callers always get an HTTP answer (errors included); other callers get the report,
    /// or a Lambda error whose type names the failure. An SQS batch gets the messages to
    /// deliver again (`queue`); an SNS notification is answered as its event alone would
    /// be.
    pub async fn invoke(&self, payload: &Value, context: &Context) -> Result<Value, FunctionError> {
        self.serve_payload(event::read(payload), context).await
    }

    async fn serve_payload(
        &self,
        payload: Result<Payload, InvalidEvent>,
        context: &Context,
    ) -> Result<Value, FunctionError> {
        match payload {
            Ok(Payload::One(invocation)) => self.invoke_one(&invocation, context).await,
            Ok(Payload::Topic(message)) => {
                let span = tracing::info_span!("message", message_id = %message.id);
                match message.event {
                    Ok(invocation) => self.invoke_one(&invocation, context).instrument(span).await,
                    Err(invalid) => span.in_scope(|| refuse(invalid, context)),
                }
            }
            Ok(Payload::Queue(queue)) => {
                // A deadline already past starts no message: each is delivered again.
                let deadline = match Deadline::new(answer_by(context), self.settings().wait_timeout)
                {
                    Ok(deadline) => deadline.at(),
                    Err(_) => Some(Instant::now()),
                };
                let failed = queue::drain(queue, deadline, async |invocation| {
                    match self.invoke_one(&invocation, context).await {
                        Ok(_) => true,
                        Err(error) => {
                            tracing::warn!(
                                error_type = error.kind().name(),
                                error = %error.brief(),
                                "message failed"
                            );
                            false
                        }
                    }
                })
                .await;
                answer::batch_item_failures(&failed)
            }
            Err(invalid) => refuse(invalid, context),
        }
    }

    /// Serves one event.
    async fn invoke_one(
        &self,
        invocation: &Invocation,
        context: &Context,
    ) -> Result<Value, FunctionError> {
        tracing::info!(
            trigger = ?invocation.trigger,
            wait = invocation.request.wait,
            dry_run = invocation.request.dry_run,
            "invocation"
        );
        let result = self
            .metrics
            .measure(
                invocation.request.dry_run,
                context,
                self.serve(invocation, context),
            )
            .await;
        answer::render(Some(&invocation.trigger), result, context)
    }

    /// Runs one parsed invocation under the invocation's deadline, and gives its answer
    /// before it takes the caller's form.
    async fn serve(
        &self,
        invocation: &Invocation,
        context: &Context,
    ) -> Result<Answer, FunctionError> {
        Ok(self
            .runner
            .run(&invocation.request, answer_by(context))
            .await?)
    }
}

/// The answer to an event that cannot be served: an HTTP answer to an HTTP caller, else
/// the Lambda error.
fn refuse(invalid: InvalidEvent, context: &Context) -> Result<Value, FunctionError> {
    tracing::warn!(error = %invalid, "invalid event");
    let trigger = invalid.trigger.clone();
    answer::render(
        trigger.as_ref(),
        Err(FunctionError::InvalidEvent(invalid)),
        context,
    )
}

/// When the invocation must have answered, from the runtime's deadline in milliseconds
/// since the epoch: none when the runtime gave no usable one, and now when it has
/// already passed (however long ago: a clock set after 2000 that says the time is up is
/// believed, and a run that sends nothing is the safe side of a wrong clock).
fn answer_by(context: &Context) -> Option<std::time::Instant> {
    if context.deadline < EARLIEST_REAL_DEADLINE_MS {
        return None;
    }
    let now = std::time::Instant::now();
    let epoch_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_millis())
        .unwrap_or_default();
    match u128::from(context.deadline)
        .checked_sub(epoch_ms)
        .filter(|ms| *ms > 0)
    {
        None => Some(now),
        Some(left) => u64::try_from(left)
            .ok()
            .map(Duration::from_millis)
            .filter(|left| *left <= LONGEST_INVOCATION)
            .map(|left| now + left),
    }
}
