//! The Lambda handler: one invocation, from payload to answer.
//!
//! The event is parsed and every graph resolved and checked against the allow-lists
//! before anything is sent; then the graphs are stopped (or, in a dry run, looked up)
//! a bounded number at a time, and the answer takes the form the caller understands.
//! Selectors are resolved first by listing each project's graphs (`fleet`): only
//! those listings are sent before the selection is known to be within bounds.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{FutureExt, StreamExt};
use ges_api::types::{Graph, GraphId, ProjectId};
use lambda_runtime::{Context, LambdaEvent};
use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use ges_client::retry::Attempts;

use crate::answer::{self, Answer, BatchAnswer, BatchEntry, FunctionError, Summary};
use crate::at_bound::AtOutOfBounds;
use crate::event::{self, InvalidEvent, Invocation, Payload, Selector, StopRequest};
use crate::graphs::{Graphs, Scheduled};
use crate::metrics::{self, Metrics, MetricsConfigError};
use crate::payload_text::PayloadText;
use crate::progress::Progress;
use crate::queue;
use crate::settings::Settings;
use ges_client::client::{ClientError, GesClient};
use ges_client::config::{Config, ConfigError};
use ges_client::fleet::{self, Action, PageSizes, Scope, Selected, SelectionFacts};
use ges_client::graph_error::GraphError;
use ges_client::reconcile::Reconcile;
use ges_client::regions::Regions;
use ges_client::report::{Change, GraphReport, GraphTarget, Outcome};
use ges_client::start::start_graph;
use ges_client::stop::{preview_stop, stop_graph};
use ges_client::wait::{JobEnd, wait_for_job};
use jiff::Timestamp;

/// Time kept back from the invocation's deadline to report: a stop or a wait that
/// would run into it is cut short, so the answer still gets out.
const REPORT_MARGIN: Duration = Duration::from_millis(500);
/// The longest a Lambda invocation lives. A deadline further away than this is not a
/// real one: emulators send such.
const LONGEST_INVOCATION: Duration = Duration::from_secs(900);
/// 2000-01-01T00:00:00Z in milliseconds since the epoch. A deadline before it (0, what
/// emulators and `Context::default()` give) is no deadline at all; any later one is a
/// real instant, and one already past means the invocation has no time left.
const EARLIEST_REAL_DEADLINE_MS: u64 = 946_684_800_000;

/// Where a run reads the time: the system clock, except in tests that pin it.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> Timestamp + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(Arc::new(Timestamp::now))
    }

    /// A clock that reads `now`.
    pub fn new(now: impl Fn() -> Timestamp + Send + Sync + 'static) -> Self {
        Self(Arc::new(now))
    }

    /// The time now.
    pub fn now(&self) -> Timestamp {
        (self.0)()
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Clock")
    }
}

/// Serves invocations. Built once at start-up and borrowed by every invocation, so
/// the HTTP client's connections are reused while the function stays warm.
#[derive(Debug)]
pub struct Handler {
    client: GesClient,
    default_project_id: Option<ProjectId>,
    regions: Regions,
    /// What each GES said of our page size, kept while the function is warm.
    pages: PageSizes,
    settings: Settings,
    /// Whoever watches the runs as they go: the command line, never the function.
    progress: Option<Arc<dyn Progress>>,
    /// Where each invocation's metrics go (nowhere unless [`Handler::with_metrics`]).
    metrics: Metrics,
    /// What a reconcile's `at` defaults to and is bounded by.
    clock: Clock,
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
    /// The metrics variables are wrong.
    #[error(transparent)]
    Metrics(#[from] MetricsConfigError),
}

/// One graph's part of a run: what it needs, and the client for its region. A graph
/// named by ID is always to be stopped.
struct Item<'a> {
    client: &'a GesClient,
    selected: Selected,
}

impl Handler {
    /// A handler for this configuration.
    pub fn new(config: &Config, settings: Settings) -> Result<Self, StartupError> {
        Ok(Self {
            client: GesClient::new(config)?,
            default_project_id: config.default_project_id.clone(),
            regions: Regions::new(config),
            pages: PageSizes::default(),
            settings,
            progress: None,
            metrics: Metrics::off(),
            clock: Clock::system(),
        })
    }

    /// The same handler, telling `progress` of each run's steps as they happen.
    pub fn with_progress(self, progress: Arc<dyn Progress>) -> Self {
        Self {
            progress: Some(progress),
            ..self
        }
    }

    /// The same handler, writing each invocation's metrics to `metrics`.
    pub fn with_metrics(self, metrics: Metrics) -> Self {
        Self { metrics, ..self }
    }

    /// The same handler, reading the time from `clock`: for tests that pin the instant
    /// a run happens at.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// Whether a run may be evaluated at `at`: any instant for a dry run, which sends
    /// nothing; within the configured distance of now for one that acts.
    pub fn check_at(&self, at: Timestamp, dry_run: bool) -> Result<(), AtOutOfBounds> {
        if dry_run {
            return Ok(());
        }
        self.settings.max_event_age.check(at, self.clock.now())
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
                let deadline = match Deadline::of(context, &self.settings) {
                    Ok(deadline) => deadline.at,
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

    /// Runs one parsed invocation, and gives its answer before it takes the caller's
    /// form: what [`Handler::invoke`] renders, and what the command line prints (as JSON,
    /// or as a table).
    pub async fn serve(
        &self,
        invocation: &Invocation,
        context: &Context,
    ) -> Result<Answer, FunctionError> {
        let request = &invocation.request;
        // The event's graphs, else the configured set.
        let graphs = request
            .graphs
            .as_ref()
            .or(self.settings.default_graphs.as_ref())
            .ok_or(FunctionError::NoGraphsConfigured)?;
        let deadline = Deadline::of(context, &self.settings)?;
        // This invocation's retry budget: every call of the run draws on it.
        let client = self.client.for_run();
        match graphs {
            Graphs::Named(ids) => {
                let items = self.resolve(&client, ids, request)?;
                let results = self.run_all(items, request, deadline).await;
                match <[BatchEntry; 1]>::try_from(results) {
                    // One graph named: its report, or its error.
                    Ok([result]) => {
                        Summary::of(std::slice::from_ref(&result)).log(request.dry_run, None);
                        result
                            .outcome
                            .map(Answer::Single)
                            .map_err(FunctionError::Graph)
                    }
                    Err(results) => {
                        batch(Vec::new(), results, request.dry_run, None).map(Answer::Batch)
                    }
                }
            }
            Graphs::Selected(selectors) => {
                let scopes = self.scopes(&client, selectors, request).await?;
                let decide = fleet::selectors_decide(&self.settings.policy, request.dry_run);
                let items = self.select(&scopes, request, deadline, decide).await?;
                let results = self.run_all(items, request, deadline).await;
                // A fleet run always answers with the list, however many it selected.
                batch(selectors.to_vec(), results, request.dry_run, None).map(Answer::Batch)
            }
            Graphs::Scheduled(scheduled) => self
                .reconcile(&client, scheduled, request, deadline)
                .await
                .map(Answer::Batch),
        }
    }

    /// A reconcile: every scheduled graph of the scopes (the event's selectors', else
    /// the project's), decided at the event's `at` or now, then the stops and starts.
    async fn reconcile(
        &self,
        client: &GesClient,
        scheduled: &Scheduled,
        request: &StopRequest,
        deadline: Deadline,
    ) -> Result<BatchAnswer, FunctionError> {
        let scheduling = self
            .settings
            .scheduling
            .as_ref()
            .ok_or(FunctionError::NoSchedulesConfigured)?;
        let at = match scheduled.at {
            Some(at) => {
                self.check_at(at, request.dry_run)
                    .map_err(FunctionError::AtOutOfBounds)?;
                at
            }
            None => self.clock.now(),
        };
        tracing::info!(at = %at, at_given = scheduled.at.is_some(), "reconcile");
        let scopes = self.scopes(client, &scheduled.selectors, request).await?;
        let reconcile = Reconcile::new(scheduling, &self.settings.policy, at, request.dry_run);
        let narrowed = !scheduled.selectors.is_empty();
        let decide = |scope: &Scope<'_>, graph: &Graph| {
            if narrowed && !scope.selects(graph) {
                return None;
            }
            reconcile.decide(graph, &scope.project_id)
        };
        let items = self.select(&scopes, request, deadline, decide).await?;
        let results = self.run_all(items, request, deadline).await;
        batch(
            scheduled.selectors.clone(),
            results,
            request.dry_run,
            Some(at),
        )
    }

    /// Where the selectors look, each project allowed; with none, the event's project or
    /// the default one. Nothing is sent but what finds another region's project.
    async fn scopes<'a>(
        &self,
        client: &GesClient,
        selectors: &'a [Selector],
        request: &StopRequest,
    ) -> Result<Vec<Scope<'a>>, FunctionError> {
        let default_project = request
            .project_id
            .as_ref()
            .or(self.default_project_id.as_ref());
        let policy = &self.settings.policy;
        if selectors.is_empty() {
            fleet::home_scope(client, default_project, policy).map(|scope| vec![scope])
        } else {
            fleet::scopes(selectors, client, &self.regions, default_project, policy).await
        }
        .map_err(FunctionError::Select)
    }

    /// Lists the scopes and keeps, as the run's items, the graphs `decide` takes; more
    /// than the event's or the configured maximum is refused before any call.
    async fn select<'a>(
        &self,
        scopes: &'a [Scope<'a>],
        request: &StopRequest,
        deadline: Deadline,
        decide: impl Fn(&Scope<'a>, &Graph) -> Option<Selected>,
    ) -> Result<Vec<Item<'a>>, FunctionError> {
        let max_graphs = request.max_graphs.unwrap_or(self.settings.max_graphs);
        Ok(
            fleet::select(scopes, &self.pages, max_graphs, deadline.at, decide)
                .await
                .map_err(FunctionError::Select)?
                .into_iter()
                .map(|(client, selected)| Item { client, selected })
                .collect(),
        )
    }

    /// The named graphs, each with its project, all allowed, before anything is sent.
    fn resolve<'a>(
        &self,
        client: &'a GesClient,
        graph_ids: &[GraphId],
        request: &StopRequest,
    ) -> Result<Vec<Item<'a>>, FunctionError> {
        let project_id = request
            .project_id
            .clone()
            .or_else(|| self.default_project_id.clone())
            .ok_or(FunctionError::NoProject)?;
        let targets: Vec<GraphTarget> = graph_ids
            .iter()
            .map(|graph_id| GraphTarget {
                project_id: project_id.clone(),
                graph_id: graph_id.clone(),
            })
            .collect();
        if let Some(refused) = targets.iter().find(|target| {
            !self
                .settings
                .policy
                .allows(&target.project_id, &target.graph_id)
        }) {
            return Err(FunctionError::NotAllowed {
                target: refused.clone(),
            });
        }
        Ok(targets
            .into_iter()
            .map(|target| Item {
                client,
                selected: Selected::named(target),
            })
            .collect())
    }

    /// Runs every item, a bounded number of calls at a time, in order.
    async fn run_all(
        &self,
        items: Vec<Item<'_>>,
        request: &StopRequest,
        deadline: Deadline,
    ) -> Vec<BatchEntry> {
        // Unordered, then put back in order: with `buffered`, a result that is ready
        // behind a slower one keeps its slot until that one ends, so a fleet's settled
        // graphs (no call) and fast answers would eat into the concurrency.
        let mut results: Vec<(usize, BatchEntry)> = futures_util::stream::iter(items)
            .enumerate()
            .map(|(index, item)| {
                let target = item.selected.target.clone();
                let span = tracing::info_span!(
                    "graph",
                    graph_id = %target.graph_id,
                    project_id = %target.project_id
                );
                self.run_item(item, target, request, deadline)
                    .map(move |result| {
                        if let Some(progress) = &self.progress {
                            progress.done(&result);
                        }
                        (index, result)
                    })
                    .instrument(span)
            })
            .buffer_unordered(self.settings.max_concurrency)
            .collect()
            .await;
        results.sort_unstable_by_key(|(index, _)| *index);
        results.into_iter().map(|(_, result)| result).collect()
    }

    async fn run_item(
        &self,
        item: Item<'_>,
        target: GraphTarget,
        request: &StopRequest,
        deadline: Deadline,
    ) -> BatchEntry {
        let Selected { facts, action, .. } = item.selected;
        let outcome = match action {
            Action::Settled(report) => {
                tracing::info!(
                    graph_id = %target.graph_id,
                    outcome = report.outcome.as_str(),
                    reason = report.reason.as_deref().unwrap_or(""),
                    "graph"
                );
                Ok(report)
            }
            Action::Stop => {
                self.run_one(
                    item.client,
                    &target,
                    Change::Stop,
                    &facts,
                    request,
                    deadline,
                )
                .await
            }
            Action::Start => {
                self.run_one(
                    item.client,
                    &target,
                    Change::Start,
                    &facts,
                    request,
                    deadline,
                )
                .await
            }
        };
        BatchEntry {
            target,
            facts,
            outcome,
        }
    }

    /// Sends one graph's change (in a dry run, a stop's look-up) and logs how it went.
    /// A report with no reason of its own gives the reconcile's (the boundary acted on).
    async fn run_one(
        &self,
        client: &GesClient,
        target: &GraphTarget,
        change: Change,
        facts: &SelectionFacts,
        request: &StopRequest,
        deadline: Deadline,
    ) -> Result<GraphReport, GraphError> {
        let started = std::time::Instant::now();
        let work = async {
            // A reconcile decides its dry runs from the listing and never waits, so a
            // start is only ever sent.
            if change == Change::Start {
                return metrics::timed(Change::Start, start_graph(client, target, deadline.at))
                    .await;
            }
            if request.dry_run {
                return preview_stop(client, target, deadline.at).await;
            }
            let report =
                metrics::timed(Change::Stop, stop_graph(client, target, deadline.at)).await?;
            match (&report.job_id, request.wait) {
                (Some(job_id), true) => {
                    let on_look = |status: &_| {
                        if let Some(progress) = &self.progress {
                            progress.job(target, job_id, status);
                        }
                    };
                    let end =
                        wait_for_job(client, target, job_id, deadline.wait_until, on_look).await?;
                    Ok(match end {
                        JobEnd::Succeeded => GraphReport {
                            outcome: Outcome::Stopped,
                            ..report
                        },
                        JobEnd::StillRunning(status) => GraphReport {
                            job_status: Some(status),
                            ..report
                        },
                        // No job_status: GES was not asked, and a guess would read as
                        // its word.
                        JobEnd::NotChecked => GraphReport {
                            reason: Some(
                                "the wait ended before the stop job was looked at (the \
                                 deadline or GES_WAIT_TIMEOUT_SECS came first): GES \
                                 accepted the stop, and its job's status is not known"
                                    .to_owned(),
                            ),
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
                Err(GraphError::DeadlineExceeded {
                    target: target.clone(),
                    change,
                    attempts: Attempts::default(),
                })
            }),
            None => work.await,
        };
        let why = facts
            .schedule
            .as_ref()
            .and_then(|schedule| schedule.why.clone());
        let outcome = outcome.map(|report| GraphReport {
            reason: report.reason.or(why),
            ..report
        });
        let latency_ms = started.elapsed().as_secs_f64() * 1e3;
        match &outcome {
            Ok(report) => tracing::info!(
                graph_id = %target.graph_id,
                outcome = report.outcome.as_str(),
                job_id = report.job_id.as_ref().map(|id| id.as_str()).unwrap_or(""),
                ges_request_id = report.request_id.as_deref().unwrap_or(""),
                attempts = report.attempts.sent(),
                reason = report.reason.as_deref().unwrap_or(""),
                latency_ms,
                "graph"
            ),
            Err(error) => tracing::warn!(
                graph_id = %target.graph_id,
                error_type = error.kind().name(),
                ges_code = error.ges().and_then(|ges| ges.code.as_deref()).unwrap_or(""),
                ges_request_id = error.ges().and_then(|ges| ges.request_id.as_deref()).unwrap_or(""),
                attempts = error.attempts().sent(),
                latency_ms,
                error = %error,
                "graph failed"
            ),
        }
        outcome
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

/// The answer for several graphs: an error when any failed, so that a dead-letter queue
/// or an alarm sees it, with every graph's report in it.
fn batch(
    selectors: Vec<Selector>,
    results: Vec<BatchEntry>,
    dry_run: bool,
    at: Option<Timestamp>,
) -> Result<BatchAnswer, FunctionError> {
    let batch = BatchAnswer::new(selectors, results, at);
    batch.summary.log(dry_run, at);
    if batch.summary.failed > 0 {
        Err(FunctionError::PartialFailure(Box::new(batch)))
    } else {
        Ok(batch)
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
    /// The invocation's deadline, or [`FunctionError::DeadlineAlreadyPassed`] when the
    /// runtime's is already past: nothing may be sent then, since a call with no time
    /// left would have no bound at all. However long ago it passed, the reading is the
    /// same: a clock set after 2000 that says the time is up is believed, and a run that
    /// sends nothing is the safe side of a wrong clock.
    fn of(context: &Context, settings: &Settings) -> Result<Self, FunctionError> {
        let now = Instant::now();
        let epoch_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|since| since.as_millis())
            .unwrap_or_default();
        let left = if context.deadline < EARLIEST_REAL_DEADLINE_MS {
            None
        } else {
            let left = u128::from(context.deadline)
                .checked_sub(epoch_ms)
                .filter(|ms| *ms > 0)
                .ok_or(FunctionError::DeadlineAlreadyPassed)?;
            u64::try_from(left)
                .ok()
                .map(Duration::from_millis)
                .filter(|left| *left <= LONGEST_INVOCATION)
        };
        let at = left.map(|left| now + left.saturating_sub(REPORT_MARGIN));
        let wait_until = match at {
            Some(at) => at.min(now + settings.wait_timeout),
            None => now + settings.wait_timeout,
        };
        Ok(Self { at, wait_until })
    }
}
