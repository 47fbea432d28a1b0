//! The run: a [`RunRequest`] carried out under a deadline, its graphs resolved and
//! checked against the allow-lists before anything is sent, then stopped (or started,
//! or, in a dry run, looked up) a bounded number at a time, and reported. Selectors are
//! resolved first by listing each project's graphs (`fleet`): only those listings are
//! sent before the selection is known to be within bounds. Every front door (the Lambda
//! function, the command line) runs this, and only gives the answer its own form.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use futures_util::{FutureExt, StreamExt};
use ges_api::types::{Graph, GraphId, ProjectId};
use jiff::Timestamp;
use tracing::Instrument;

use super::at_bound::AtOutOfBounds;
use super::deadline::Deadline;
use super::error::RunError;
use super::progress::Progress;
use super::report::{Answer, BatchAnswer, BatchEntry, Summary};
use super::request::{Graphs, RunRequest, Scheduled};
use super::settings::Settings;
use crate::calendars::CalendarFetcher;
use crate::config::Config;
use crate::credentials::Credentials;
use crate::fleet::regions::Regions;
use crate::fleet::selector::Selector;
use crate::fleet::{self, Action, PageSizes, Scope, Selected, SelectionFacts};
use crate::ges::change::{preview_stop, start_graph, stop_graph};
use crate::ges::client::{ClientError, GesClient};
use crate::ges::error::GraphError;
use crate::ges::report::{Change, GraphReport, GraphTarget, Outcome};
use crate::ges::wait::{JobEnd, wait_for_job};
use crate::run::calendars::Merges;
use crate::run::reconcile::Reconcile;
use crate::run::scheduling::Scheduling;
use crate::run::usage_checks::{self, CloudEyes};
use crate::schedule::WithCalendars;
use crate::schedule::calendar::Calendar;
use crate::transport::retry::Attempts;

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

/// Runs requests. Built once at start-up and borrowed by every run, so that the HTTP
/// client's connections are reused while the process stays warm.
#[derive(Debug)]
pub struct Runner {
    client: GesClient,
    default_project_id: Option<ProjectId>,
    regions: Regions,
    /// What each GES said of our page size, kept while the process stays warm.
    pages: PageSizes,
    settings: Settings,
    /// Whoever watches the runs as they go.
    progress: Option<Arc<dyn Progress>>,
    /// What a reconcile's `at` defaults to and is bounded by.
    clock: Clock,
    /// Where each GES's Cloud Eye is, for idle and busy checks.
    cloud_eyes: CloudEyes,
    /// The calendars read from URLs, kept while the process stays warm.
    calendars: CalendarFetcher<Calendar>,
    /// Each schedule's calendars' days, kept while the same copies serve the same date.
    merges: Merges,
}

/// One graph's part of a run: what it needs, and the client for its region. A graph
/// named by ID is always to be stopped.
struct Item<'a> {
    client: &'a GesClient,
    selected: Selected,
}

impl Runner {
    /// A runner for this configuration and these settings.
    pub fn new(config: &Config, settings: Settings) -> Result<Self, ClientError> {
        let client = GesClient::new(config)?;
        let home = config
            .ces_endpoint
            .clone()
            .map(|ces| (client.endpoint().clone(), ces));
        let cloud_eyes = CloudEyes::new(
            home.into_iter()
                .chain(
                    config
                        .region_endpoints
                        .iter()
                        .map(|(region, ges)| (ges.clone(), region.ces_endpoint())),
                )
                .collect(),
        );
        Ok(Self {
            cloud_eyes,
            calendars: CalendarFetcher::new(settings.calendar_refresh),
            merges: Merges::default(),
            client,
            default_project_id: config.default_project_id.clone(),
            regions: Regions::new(config),
            pages: PageSizes::default(),
            settings,
            progress: None,
            clock: Clock::system(),
        })
    }

    /// The same runner, telling `progress` of each run's steps as they happen.
    pub fn with_progress(self, progress: Arc<dyn Progress>) -> Self {
        Self {
            progress: Some(progress),
            ..self
        }
    }

    /// The same runner, reading the time from `clock`: for tests that pin the instant
    /// a run happens at.
    pub fn with_clock(self, clock: Clock) -> Self {
        Self { clock, ..self }
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether a run may be evaluated at `at`: any instant for a dry run, which sends
    /// nothing; within the configured distance of now for one that acts.
    pub fn check_at(&self, at: Timestamp, dry_run: bool) -> Result<(), AtOutOfBounds> {
        if dry_run {
            return Ok(());
        }
        self.settings.max_event_age.check(at, self.clock.now())
    }

    /// Runs `request`, which must have answered by `answer_by` (none: the command
    /// line's, bounded only by its waits' timeout), and gives its answer, before any front
    /// door gives it its own form.
    pub async fn run(
        &self,
        request: &RunRequest,
        answer_by: Option<std::time::Instant>,
    ) -> Result<Answer, RunError> {
        // A configuration without credentials leaves them to each run: one that brings
        // none is refused before anything is sent.
        if matches!(self.client.credentials(), Credentials::PerRun) && request.credentials.is_none()
        {
            return Err(RunError::NoCredentials);
        }
        // The request's graphs, else the configured set.
        let graphs = request
            .graphs
            .as_ref()
            .or(self.settings.default_graphs.as_ref())
            .ok_or(RunError::NoGraphsConfigured)?;
        let deadline = Deadline::new(answer_by, self.settings.wait_timeout)?;
        // This run's retry budget: every call of the run draws on it.
        let client = self.client.for_run();
        // The run's own credentials, when it brings some, sign every call it makes.
        let client = match &request.credentials {
            Some(credentials) => {
                client.with_credentials(Credentials::Static(credentials.clone().into_static()))
            }
            None => client,
        };
        match graphs {
            Graphs::Named(ids) => {
                let items = self.resolve(&client, ids, request)?;
                let results = self.run_all(items, request, deadline).await;
                match <[BatchEntry; 1]>::try_from(results) {
                    // One graph named: its report, or its error.
                    Ok([result]) => {
                        Summary::of(std::slice::from_ref(&result)).log(request.dry_run, None);
                        result.outcome.map(Answer::Single).map_err(RunError::Graph)
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
                let items = items
                    .into_iter()
                    .map(|(client, selected)| Item { client, selected })
                    .collect();
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
        request: &RunRequest,
        deadline: Deadline,
    ) -> Result<BatchAnswer, RunError> {
        let scheduling = self
            .settings
            .scheduling
            .as_ref()
            .ok_or(RunError::NoSchedulesConfigured)?;
        let at = match scheduled.at {
            Some(at) => {
                self.check_at(at, request.dry_run)
                    .map_err(RunError::AtOutOfBounds)?;
                at
            }
            None => self.clock.now(),
        };
        tracing::info!(at = %at, at_given = scheduled.at.is_some(), "reconcile");
        let scopes = self.scopes(client, &scheduled.selectors, request).await?;
        let calendars = self.calendars(scheduling, deadline, at).await;
        let reconcile = Reconcile::new(scheduling, &self.settings.policy, at, request.dry_run)
            .with_calendars(&calendars);
        let narrowed = !scheduled.selectors.is_empty();
        let decide = |scope: &Scope<'_>, graph: &Graph| {
            if narrowed && !scope.selects(graph) {
                return None;
            }
            reconcile.decide_checking(graph, &scope.project_id)
        };
        let decisions = self.select(&scopes, request, deadline, decide).await?;
        // One round of Cloud Eye reads for every graph a check waits on; a plain
        // schedule's graphs have none, and nothing is asked.
        let items = usage_checks::settle(decisions, &self.cloud_eyes, deadline.at)
            .await
            .into_iter()
            .map(|(client, selected)| Item { client, selected })
            .collect();
        let results = self.run_all(items, request, deadline).await;
        batch(
            scheduled.selectors.clone(),
            results,
            request.dry_run,
            Some(at),
        )
    }

    /// The document's schedules that list calendars, with the days those give at `at`
    /// merged in: URL calendars from this process's copies, fetched where there is none
    /// or it is old.
    async fn calendars(
        &self,
        scheduling: &Scheduling,
        deadline: Deadline,
        at: Timestamp,
    ) -> BTreeMap<String, Arc<WithCalendars>> {
        let Some(schedules) = &scheduling.schedules else {
            return BTreeMap::new();
        };
        super::calendars::merged(
            schedules,
            &self.calendars,
            &self.merges,
            self.client.http(),
            deadline.at(),
            self.clock.now(),
            at,
        )
        .await
    }

    /// The project (`project_id`, else the configured one) and its graphs that carry
    /// the schedule tag, as listed: what `ges-stop savings` counts. Sends only the
    /// listing, read as a reconcile reads it (paged, within
    /// [`fleet::MAX_LISTING_BYTES`]).
    pub async fn scheduled_graphs(
        &self,
        project_id: Option<&ProjectId>,
    ) -> Result<(ProjectId, Vec<Graph>), RunError> {
        let scheduling = self
            .settings
            .scheduling
            .as_ref()
            .ok_or(RunError::NoSchedulesConfigured)?;
        let client = self.client.for_run();
        let scope = fleet::home_scope(
            &client,
            project_id.or(self.default_project_id.as_ref()),
            &self.settings.policy,
        )
        .map_err(RunError::Select)?;
        let mut bytes_left = fleet::MAX_LISTING_BYTES;
        let mut graphs = Vec::new();
        let listed = fleet::list_graphs(
            &scope.client,
            &scope.project_id,
            &self.pages,
            None,
            &mut bytes_left,
            |graph| {
                let tags = graph.tags.as_deref().unwrap_or_default();
                if tags.iter().any(|tag| tag.key == scheduling.schedule_tag) {
                    graphs.push(graph.clone());
                }
            },
        )
        .await
        .map_err(RunError::Select)?;
        tracing::info!(
            project_id = %scope.project_id,
            listed,
            scheduled = graphs.len(),
            "selection"
        );
        Ok((scope.project_id, graphs))
    }

    /// Where the selectors look, each project allowed; with none, the event's project or
    /// the default one. Nothing is sent but what finds another region's project.
    async fn scopes<'a>(
        &self,
        client: &GesClient,
        selectors: &'a [Selector],
        request: &RunRequest,
    ) -> Result<Vec<Scope<'a>>, RunError> {
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
        .map_err(RunError::Select)
    }

    /// Lists the scopes and keeps, as the run's items, the graphs `decide` takes; more
    /// than the event's or the configured maximum is refused before any call.
    async fn select<'a, T>(
        &self,
        scopes: &'a [Scope<'a>],
        request: &RunRequest,
        deadline: Deadline,
        decide: impl Fn(&Scope<'a>, &Graph) -> Option<T>,
    ) -> Result<Vec<(&'a GesClient, T)>, RunError> {
        let max_graphs = request.max_graphs.unwrap_or(self.settings.max_graphs);
        fleet::select(scopes, &self.pages, max_graphs, deadline.at, decide)
            .await
            .map_err(RunError::Select)
    }

    /// The named graphs, each with its project, all allowed, before anything is sent.
    fn resolve<'a>(
        &self,
        client: &'a GesClient,
        graph_ids: &[GraphId],
        request: &RunRequest,
    ) -> Result<Vec<Item<'a>>, RunError> {
        let project_id = request
            .project_id
            .clone()
            .or_else(|| self.default_project_id.clone())
            .ok_or(RunError::NoProject)?;
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
            return Err(RunError::NotAllowed {
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
        request: &RunRequest,
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
        request: &RunRequest,
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
        request: &RunRequest,
        deadline: Deadline,
    ) -> Result<GraphReport, GraphError> {
        let started = std::time::Instant::now();
        let work = async {
            // A reconcile decides its dry runs from the listing and never waits, so a
            // start is only ever sent.
            if change == Change::Start {
                return self
                    .timed(Change::Start, start_graph(client, target, deadline.at))
                    .await;
            }
            if request.dry_run {
                return preview_stop(client, target, deadline.at).await;
            }
            let report = self
                .timed(Change::Stop, stop_graph(client, target, deadline.at))
                .await?;
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

    /// Awaits `call`, the sending of `change`, and tells the watcher how long it took.
    async fn timed<F: Future>(&self, change: Change, call: F) -> F::Output {
        let started = std::time::Instant::now();
        let output = call.await;
        if let Some(progress) = &self.progress {
            progress.sent(change, started.elapsed());
        }
        output
    }
}

/// The answer for several graphs: an error when any failed, so that a dead-letter queue
/// or an alarm sees it, with every graph's report in it.
fn batch(
    selectors: Vec<Selector>,
    results: Vec<BatchEntry>,
    dry_run: bool,
    at: Option<Timestamp>,
) -> Result<BatchAnswer, RunError> {
    let batch = BatchAnswer::new(selectors, results, at);
    batch.summary.log(dry_run, at);
    if batch.summary.failed > 0 {
        Err(RunError::PartialFailure(Box::new(batch)))
    } else {
        Ok(batch)
    }
}
