//! The Lambda handler: one invocation, from payload to answer.
//!
//! The event is parsed and every graph resolved and checked against the allow-lists
//! before anything is sent; then the graphs are stopped (or, in a dry run, looked up)
//! a bounded number at a time, and the answer takes the form the caller understands.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use ges_api::types::ProjectId;
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::answer::{self, Answer, BatchAnswer, FunctionError, GraphResult};
use crate::client::{ClientError, GesClient};
use crate::config::{Config, ConfigError};
use crate::event::{self, Graphs, Invocation, StopRequest};
use crate::settings::Settings;
use crate::stop::{StopError, StopOutcome, StopReport, StopTarget, preview_stop, stop_graph};
use crate::wait::{JobEnd, wait_for_job};

/// Time kept back from the invocation's deadline to report: a stop or a wait that
/// would run into it is cut short, so the answer still gets out.
const REPORT_MARGIN: Duration = Duration::from_millis(500);
/// The longest a Lambda invocation lives. A deadline further away than this (or
/// already past when the invocation starts) is not a real one: emulators send such.
const LONGEST_INVOCATION: Duration = Duration::from_secs(900);

/// Serves invocations. Built once at start-up and borrowed by every invocation, so
/// the HTTP client's connections are reused while the function stays warm.
#[derive(Debug)]
pub struct Handler {
    client: GesClient,
    default_project_id: Option<ProjectId>,
    settings: Settings,
}

/// Why the function cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Client(#[from] ClientError),
}

impl Handler {
    /// A handler for this configuration.
    pub fn new(config: &Config, settings: Settings) -> Result<Self, StartupError> {
        Ok(Self {
            client: GesClient::new(config)?,
            default_project_id: config.default_project_id.clone(),
            settings,
        })
    }

    /// A handler configured from the process environment, read once: the secret it
    /// names and the region's project (from IAM) included.
    pub async fn from_env() -> Result<Self, StartupError> {
        let config = Config::load_env().await?;
        Self::new(&config, Settings::from_env()?)
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The `lambda_runtime` entry point.
    pub async fn handle(&self, event: LambdaEvent<Value>) -> Result<Value, FunctionError> {
        self.invoke(&event.payload, &event.context).await
    }

    /// Serves one payload. HTTP callers always get an HTTP answer (errors included);
    /// other callers get the report, or a Lambda error whose type names the failure.
    pub async fn invoke(&self, payload: &Value, context: &Context) -> Result<Value, FunctionError> {
        let invocation = match event::parse(payload) {
            Ok(invocation) => invocation,
            Err(invalid) => {
                tracing::warn!(error = %invalid, "invalid event");
                let trigger = invalid.trigger.clone();
                return answer::render(
                    trigger.as_ref(),
                    Err(FunctionError::InvalidEvent(invalid)),
                    context,
                );
            }
        };
        tracing::info!(
            trigger = ?invocation.trigger,
            wait = invocation.request.wait,
            dry_run = invocation.request.dry_run,
            "invocation"
        );
        let result = self.serve(&invocation, context).await;
        answer::render(Some(&invocation.trigger), result, context)
    }

    async fn serve(
        &self,
        invocation: &Invocation,
        context: &Context,
    ) -> Result<Answer, FunctionError> {
        let request = &invocation.request;
        let targets = self.resolve(request)?;
        let deadline = Deadline::of(context, &self.settings);
        let results: Vec<GraphResult> = futures_util::stream::iter(&targets)
            .map(|target| {
                let span = tracing::info_span!(
                    "graph",
                    graph_id = %target.graph_id,
                    project_id = %target.project_id
                );
                self.run_one(target, request, deadline).instrument(span)
            })
            .buffered(self.settings.max_concurrency)
            .collect()
            .await;

        match <[GraphResult; 1]>::try_from(results) {
            // One graph: its report, or its error.
            Ok([result]) => result
                .outcome
                .map(Answer::Single)
                .map_err(FunctionError::Graph),
            Err(results) => {
                let batch = BatchAnswer::new(results);
                tracing::info!(
                    summary = %serde_json::to_string(&batch.summary).unwrap_or_default(),
                    "batch"
                );
                if batch.summary.failed > 0 {
                    Err(FunctionError::PartialFailure(Box::new(batch)))
                } else {
                    Ok(Answer::Batch(batch))
                }
            }
        }
    }

    /// The graphs to act on, each with its project, all allowed, before anything is sent.
    fn resolve(&self, request: &StopRequest) -> Result<Vec<StopTarget>, FunctionError> {
        let graph_ids = match &request.graphs {
            Graphs::Named(ids) => ids.clone(),
            Graphs::Configured if self.settings.default_graphs.is_empty() => {
                return Err(FunctionError::NoGraphsConfigured);
            }
            Graphs::Configured => self.settings.default_graphs.clone(),
        };
        let project_id = request
            .project_id
            .clone()
            .or_else(|| self.default_project_id.clone())
            .ok_or(FunctionError::NoProject)?;
        let targets: Vec<StopTarget> = graph_ids
            .into_iter()
            .map(|graph_id| StopTarget {
                project_id: project_id.clone(),
                graph_id,
            })
            .collect();
        if let Some(refused) = targets
            .iter()
            .find(|target| !self.settings.allows(&target.project_id, &target.graph_id))
        {
            return Err(FunctionError::NotAllowed {
                target: refused.clone(),
            });
        }
        Ok(targets)
    }

    async fn run_one(
        &self,
        target: &StopTarget,
        request: &StopRequest,
        deadline: Deadline,
    ) -> GraphResult {
        let started = std::time::Instant::now();
        let work = async {
            if request.dry_run {
                return preview_stop(&self.client, target, deadline.at).await;
            }
            let report = stop_graph(&self.client, target, deadline.at).await?;
            match (&report.job_id, request.wait) {
                (Some(job_id), true) => {
                    let end =
                        wait_for_job(&self.client, target, job_id, deadline.wait_until).await?;
                    Ok(match end {
                        JobEnd::Succeeded => StopReport {
                            outcome: StopOutcome::Stopped,
                            ..report
                        },
                        JobEnd::StillRunning(status) => StopReport {
                            job_status: Some(status),
                            ..report
                        },
                    })
                }
                _ => Ok(report),
            }
        };
        let outcome = match deadline.at {
            // A backstop: the calls themselves stop at the deadline, and say after how
            // many attempts.
            Some(at) => tokio::time::timeout_at(at, work).await.unwrap_or_else(|_| {
                Err(StopError::DeadlineExceeded {
                    target: target.clone(),
                    attempts: 0,
                })
            }),
            None => work.await,
        };
        let latency_ms = started.elapsed().as_secs_f64() * 1e3;
        match &outcome {
            Ok(report) => tracing::info!(
                graph_id = %target.graph_id,
                outcome = report.outcome.as_str(),
                job_id = report.job_id.as_ref().map(|id| id.as_str()).unwrap_or(""),
                ges_request_id = report.request_id.as_deref().unwrap_or(""),
                latency_ms,
                "graph"
            ),
            Err(error) => tracing::warn!(
                graph_id = %target.graph_id,
                error_type = error.kind(),
                ges_code = error.ges().and_then(|ges| ges.code.as_deref()).unwrap_or(""),
                ges_request_id = error.ges().and_then(|ges| ges.request_id.as_deref()).unwrap_or(""),
                attempts = error.attempts(),
                latency_ms,
                error = %error,
                "graph failed"
            ),
        }
        GraphResult {
            target: target.clone(),
            outcome,
        }
    }
}

/// When this invocation must have answered.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    /// When every GES call must be over, if the runtime gave a usable deadline.
    at: Option<Instant>,
    /// When a wait for a stop job gives up.
    wait_until: Instant,
}

impl Deadline {
    fn of(context: &Context, settings: &Settings) -> Self {
        let now = Instant::now();
        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_millis())
            .unwrap_or_default();
        let left = u128::from(context.deadline)
            .checked_sub(epoch_ms)
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis)
            .filter(|left| !left.is_zero() && *left <= LONGEST_INVOCATION);
        let at = left.map(|left| now + left.saturating_sub(REPORT_MARGIN));
        let wait_until = match at {
            Some(at) => at.min(now + settings.wait_timeout),
            None => now + settings.wait_timeout,
        };
        Self { at, wait_until }
    }
}
