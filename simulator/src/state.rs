//! The simulated service's data: the projects' graphs, the jobs that stops and starts
//! start, and how both move with time.
//!
//! A graph belongs to one project, and a graph ID names one graph in the whole
//! simulator (a fleet test can then ask "what happened to graph X" without saying
//! where it lives). The operations the routes call take the project from the path, so
//! a graph of another project is as unknown as one that does not exist, as in GES.
//!
//! Nothing runs in the background. A stop or a start records when it happened; every
//! read computes where the graph and its job are *now*, from the instant the caller
//! passes (the simulator's clock: [`tokio::time::Instant`] plus the offset a test set,
//! see `clock`), for a stop over the stop duration and for a start over the start
//! duration:
//!
//! | time since the call        | graph status after a stop | after a start | job status |
//! |----------------------------|---------------------------|---------------|------------|
//! | less than 20 % of the duration | `901` stopping        | `920` starting | `pending` |
//! | 20 % up to the duration        | `901` stopping        | `920` starting | `running` |
//! | the duration or more           | `900` stopped         | `200` running  | `success` |
//!
//! GES's seven-day rule is evaluated the same lazy way: a graph that has been `900`
//! stopped for [`SELF_RESTART_AFTER`] is `200` running from then on, with no job (GES
//! restarts it by itself). A graph stopped by a stop has been stopped since its stop
//! job ended; a graph that was added stopped ([`GraphSpec::with_status`]) has been
//! stopped since it was added. Job times (`begin_time`, `end_time`) are read off the
//! same clock, so moving the clock moves them too.

use std::collections::HashMap;
use std::time::Duration;

use ges_api::types::{
    Graph, GraphId, GraphSizeTypeIndex, GraphStatus, Job, JobId, JobStatus, ProductType, ProjectId,
    Tag,
};
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::time::Instant;

/// How many stops and starts of one graph the world remembers for Cloud Eye's view of
/// when the graph ran ([`World::reported_throughout`]); past that the oldest is
/// forgotten, far beyond what a test does.
const HISTORY: usize = 256;

/// How long a graph stays stopped before GES starts it again by itself: seven days.
pub const SELF_RESTART_AFTER: Duration = Duration::from_secs(7 * 24 * 60 * 60);

/// A graph the simulator starts with.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphSpec {
    /// The graph's ID.
    pub id: GraphId,
    /// The graph's name, which jobs report as their `related_graph`.
    pub name: String,
    /// The status the graph starts in.
    pub status: GraphStatus,
    /// The graph's tags, in the order list and show return them.
    pub tags: Vec<Tag>,
    /// The edition list and show report as `product_type`; `None` leaves the field
    /// out, as an answer from before GES had editions would.
    pub edition: Option<ProductType>,
    /// The size list and show report as `graph_size_type_index`.
    pub size: GraphSizeTypeIndex,
    /// The replica count list and show report as `replication`.
    pub replicas: u32,
}

impl GraphSpec {
    /// A running graph without tags, of the in-memory edition, sized for a million
    /// edges, with one replica.
    pub fn running(id: GraphId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            status: GraphStatus::Running,
            tags: Vec::new(),
            edition: Some(ProductType::InMemory),
            size: GraphSizeTypeIndex::MillionEdges,
            replicas: 1,
        }
    }

    /// A running graph without tags whose ID is made from `number`:
    /// `00000000-0000-4000-8000-` and the number in twelve decimal digits
    /// (`GraphSpec::numbered(42, "g")` has the ID `00000000-0000-4000-8000-000000000042`).
    /// It is shaped like the UUIDs GES gives graphs, different numbers give different
    /// IDs, and a fleet of graphs can be built without formatting IDs by hand.
    pub fn numbered(number: u32, name: impl Into<String>) -> Self {
        let id = format!("00000000-0000-4000-8000-{number:012}")
            .parse()
            // Start-up invariant: 36 characters of digits, letters and `-` always pass.
            .expect("a numbered graph ID is a valid GraphId");
        Self::running(id, name)
    }

    /// The same graph, starting in another status. A graph that starts out `900`
    /// stopped has been stopped since it was added, for the seven-day rule.
    #[must_use]
    pub fn with_status(mut self, status: GraphStatus) -> Self {
        self.status = status;
        self
    }

    /// The same graph, of another edition (`Persistence`: the database edition, which
    /// GES cannot stop). The simulator does not refuse such a stop: GES's answer to one
    /// is not documented, and a test reads from the journal whether a client called.
    #[must_use]
    pub fn with_edition(mut self, edition: ProductType) -> Self {
        self.edition = Some(edition);
        self
    }

    /// The same graph with `product_type` left out of its answers: a client then
    /// reads the edition off the size, as the official SDK documents.
    #[must_use]
    pub fn without_edition(mut self) -> Self {
        self.edition = None;
        self
    }

    /// The same graph, of another size.
    #[must_use]
    pub fn with_size(mut self, size: GraphSizeTypeIndex) -> Self {
        self.size = size;
        self
    }

    /// The same graph with this many replicas.
    #[must_use]
    pub fn with_replicas(mut self, replicas: u32) -> Self {
        self.replicas = replicas;
        self
    }

    /// The same graph with one more tag; an empty `value` is kept as `""`.
    #[must_use]
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.push(Tag {
            key: key.into(),
            value: Some(value.into()),
        });
        self
    }
}

/// Why a stop was refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StopRefusal {
    /// No graph has this ID.
    UnknownGraph,
    /// The graph is in this status, not running.
    NotRunning(GraphStatus),
}

/// Why a start was refused.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum StartRefusal {
    /// No graph has this ID.
    UnknownGraph,
    /// The graph is in this status, not stopped.
    NotStopped(GraphStatus),
}

/// Why a job could not be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobLookupFailure {
    /// No graph has this ID.
    UnknownGraph,
    /// The graph exists but no job of it has this ID.
    UnknownJob,
}

/// How long the calls that move a graph take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timing {
    /// From `901` stopping to `900` stopped.
    pub(crate) stop: Duration,
    /// From `920` starting to `200` running.
    pub(crate) start: Duration,
}

impl Timing {
    /// Both calls taking this long.
    #[cfg(test)]
    fn both(duration: Duration) -> Self {
        Self {
            stop: duration,
            start: duration,
        }
    }

    fn of(self, kind: JobKind) -> Duration {
        match kind {
            JobKind::Stop => self.stop,
            JobKind::Start => self.start,
        }
    }
}

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum JobKind {
    Stop,
    Start,
}

impl JobKind {
    /// The status a graph must be in for the call.
    fn needs_status(self) -> GraphStatus {
        match self {
            Self::Stop => GraphStatus::Running,
            Self::Start => GraphStatus::Stopped,
        }
    }

    /// The job's `job_name`, GES's name of the call.
    fn job_name(self) -> &'static str {
        match self {
            Self::Stop => "StopGraph",
            Self::Start => "StartGraph",
        }
    }
}

/// A stop or a start in progress or done.
#[derive(Debug, Clone)]
struct Transition {
    kind: JobKind,
    /// When GES accepted it, on the clock that drives progress.
    at: Instant,
}

#[derive(Debug, Clone)]
struct GraphRecord {
    project_id: ProjectId,
    spec: GraphSpec,
    /// When the graph was added or put: a graph added stopped has been stopped since.
    added: Instant,
    /// The latest stop or start since then, which decides the status from then on.
    latest: Option<Transition>,
    /// Every stop and start since then (the last [`HISTORY`]), oldest first: what the
    /// status was at an earlier moment, for Cloud Eye.
    history: Vec<Transition>,
    /// The job of the latest stop, which a later start does not forget.
    last_stop: Option<JobId>,
    /// The job of the latest start.
    last_start: Option<JobId>,
}

#[derive(Debug, Clone)]
struct JobRecord {
    graph_id: GraphId,
    related_graph: String,
    kind: JobKind,
    at: Instant,
}

/// Where a job is at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Done,
}

impl Phase {
    /// The status of a job in this phase.
    fn job_status(self) -> JobStatus {
        match self {
            Self::Pending => JobStatus::Pending,
            Self::Running => JobStatus::Running,
            Self::Done => JobStatus::Success,
        }
    }
}

/// The graphs and jobs of every project the simulator serves.
#[derive(Debug)]
pub(crate) struct World {
    /// Every project's, in the order they were added: list graphs pages through a
    /// project's in this order. One list rather than one per project keeps graph IDs
    /// unique across projects by construction of [`World::put`].
    graphs: Vec<GraphRecord>,
    jobs: HashMap<JobId, JobRecord>,
    timing: Timing,
    jobs_started: u32,
    /// An instant of the simulator's clock and the UTC date it stands for: job times
    /// are read off the same clock as their progress.
    epoch: Instant,
    epoch_wall: OffsetDateTime,
}

/// The fixed part of every job ID; a counter fills the last eight hex digits, so IDs
/// look like GES's (`ff8080816025a0a1016025a5a2700007`, 32 hex digits).
const JOB_ID_PREFIX: &str = "ff8080816025a0a1016025a5";

impl World {
    /// A world holding these graphs of these projects, added `now`; the caller has
    /// checked that their IDs differ.
    pub(crate) fn new(graphs: Vec<(ProjectId, GraphSpec)>, timing: Timing, now: Instant) -> Self {
        Self {
            graphs: graphs
                .into_iter()
                .map(|(project_id, spec)| GraphRecord::new(project_id, spec, now))
                .collect(),
            jobs: HashMap::new(),
            timing,
            jobs_started: 0,
            epoch: now,
            epoch_wall: OffsetDateTime::now_utc(),
        }
    }

    /// Whether a graph with this ID exists, in any project.
    pub(crate) fn contains(&self, id: &GraphId) -> bool {
        self.project_of(id).is_some()
    }

    /// The project a graph belongs to.
    pub(crate) fn project_of(&self, id: &GraphId) -> Option<&ProjectId> {
        self.record_anywhere(id).map(|g| &g.project_id)
    }

    /// Adds a graph to a project `now`, or replaces the graph with the same ID
    /// (forgetting its stops and starts).
    ///
    /// A new graph goes last, so a client paging through list graphs while graphs are
    /// added sees them on its last pages and a `graph_count` that grew; a graph
    /// replaced in its project keeps its place, so a pager never sees it twice. A
    /// graph of another project moves to this one, last: an ID names one graph in the
    /// whole simulator.
    pub(crate) fn put(&mut self, project_id: ProjectId, spec: GraphSpec, now: Instant) {
        let record = GraphRecord::new(project_id, spec, now);
        match self.graphs.iter().position(|g| g.spec.id == record.spec.id) {
            Some(index) if self.graphs[index].project_id == record.project_id => {
                self.graphs[index] = record;
            }
            Some(index) => {
                self.graphs.remove(index);
                self.graphs.push(record);
            }
            None => self.graphs.push(record),
        }
    }

    /// Stops a running graph of a project: starts a job and returns its ID.
    pub(crate) fn stop(
        &mut self,
        project_id: &ProjectId,
        id: &GraphId,
        now: Instant,
    ) -> Result<JobId, StopRefusal> {
        self.begin(project_id, id, now, JobKind::Stop)
            .map_err(|status| match status {
                None => StopRefusal::UnknownGraph,
                Some(status) => StopRefusal::NotRunning(status),
            })
    }

    /// Starts a stopped graph of a project: starts a job and returns its ID.
    pub(crate) fn start(
        &mut self,
        project_id: &ProjectId,
        id: &GraphId,
        now: Instant,
    ) -> Result<JobId, StartRefusal> {
        self.begin(project_id, id, now, JobKind::Start)
            .map_err(|status| match status {
                None => StartRefusal::UnknownGraph,
                Some(status) => StartRefusal::NotStopped(status),
            })
    }

    /// Begins a stop or a start of a graph in the status the call needs; else the
    /// graph's status, or `None` for an unknown graph.
    fn begin(
        &mut self,
        project_id: &ProjectId,
        id: &GraphId,
        now: Instant,
        kind: JobKind,
    ) -> Result<JobId, Option<GraphStatus>> {
        let timing = self.timing;
        let Some(index) = self
            .graphs
            .iter()
            .position(|g| &g.spec.id == id && &g.project_id == project_id)
        else {
            return Err(None);
        };
        let status = status_of(&self.graphs[index], now, timing);
        if status != kind.needs_status() {
            return Err(Some(status));
        }
        self.jobs_started = self.jobs_started.wrapping_add(1);
        let job_id: JobId = format!("{JOB_ID_PREFIX}{:08x}", self.jobs_started)
            .parse()
            // Start-up invariant: 32 hex digits always match the JobId pattern.
            .expect("a job ID of 32 hex digits is a valid JobId");
        let record = &mut self.graphs[index];
        record.latest = Some(Transition { kind, at: now });
        if record.history.len() >= HISTORY {
            record.history.remove(0);
        }
        record.history.push(Transition { kind, at: now });
        let last = match kind {
            JobKind::Stop => &mut record.last_stop,
            JobKind::Start => &mut record.last_start,
        };
        *last = Some(job_id.clone());
        self.jobs.insert(
            job_id.clone(),
            JobRecord {
                graph_id: id.clone(),
                related_graph: record.spec.name.clone(),
                kind,
                at: now,
            },
        );
        Ok(job_id)
    }

    /// One graph of a project as show graph returns it.
    pub(crate) fn graph(
        &self,
        project_id: &ProjectId,
        id: &GraphId,
        now: Instant,
    ) -> Option<Graph> {
        self.record(project_id, id)
            .map(|record| self.view(record, now))
    }

    /// One graph's status, in whichever project it is.
    pub(crate) fn graph_status(&self, id: &GraphId, now: Instant) -> Option<GraphStatus> {
        self.record_anywhere(id)
            .map(|record| status_of(record, now, self.timing))
    }

    /// Whether a graph of a project was, over the whole of `[from, to)` (dates on the
    /// simulator's clock), in a status GES reports its metrics to Cloud Eye in: running,
    /// importing, exporting or clearing (GES user guide, "Monitoring Clusters Using
    /// Cloud Eye"). A graph not yet added at `from`, or stopped, started or restarted
    /// by the seven-day rule within the span, was not: a partial span reports nothing,
    /// as a graph whose minute Cloud Eye cannot vouch for. `None` for a graph the
    /// project does not have.
    pub(crate) fn reported_throughout(
        &self,
        project_id: &ProjectId,
        id: &GraphId,
        from: OffsetDateTime,
        to: OffsetDateTime,
    ) -> Option<bool> {
        let record = self.record(project_id, id)?;
        let last = to - time::Duration::MILLISECOND;
        let (Some(start), Some(end)) = (self.instant(from), self.instant(last)) else {
            return Some(false);
        };
        if start < record.added || start > end {
            return Some(false);
        }
        // Every stop or start leaves the graph stopping or starting for a while.
        if record
            .history
            .iter()
            .any(|transition| transition.at >= start && transition.at <= end)
        {
            return Some(false);
        }
        let reports = |at: Instant| {
            let latest = record.history.iter().rev().find(|t| t.at <= at);
            matches!(
                status_at(record, latest, at, self.timing),
                GraphStatus::Running
                    | GraphStatus::Importing
                    | GraphStatus::Exporting
                    | GraphStatus::Clearing
            )
        };
        Some(reports(start) && reports(end))
    }

    /// The instant of the simulator's clock a date stands for, if the clock can hold it.
    fn instant(&self, at: OffsetDateTime) -> Option<Instant> {
        let since = at - self.epoch_wall;
        let magnitude = Duration::try_from(since.abs()).ok()?;
        if since.is_negative() {
            self.epoch.checked_sub(magnitude)
        } else {
            self.epoch.checked_add(magnitude)
        }
    }

    /// One page of a project's graphs and how many the project has in all.
    pub(crate) fn list(
        &self,
        project_id: &ProjectId,
        offset: usize,
        limit: usize,
        now: Instant,
    ) -> (usize, Vec<Graph>) {
        let of_project = || self.graphs.iter().filter(|g| &g.project_id == project_id);
        let page = of_project()
            .skip(offset)
            .take(limit)
            .map(|record| self.view(record, now))
            .collect();
        (of_project().count(), page)
    }

    /// A job of a graph of a project, as show job returns it.
    pub(crate) fn job(
        &self,
        project_id: &ProjectId,
        graph_id: &GraphId,
        job_id: &JobId,
        now: Instant,
    ) -> Result<Job, JobLookupFailure> {
        if self.record(project_id, graph_id).is_none() {
            return Err(JobLookupFailure::UnknownGraph);
        }
        let record = self
            .jobs
            .get(job_id)
            .filter(|job| &job.graph_id == graph_id)
            .ok_or(JobLookupFailure::UnknownJob)?;
        let duration = self.timing.of(record.kind);
        let phase = phase(now.saturating_duration_since(record.at), duration);
        let begin = self.wall(record.at);
        let end_time = match phase {
            Phase::Done => wall_time(later(begin, duration)),
            Phase::Pending | Phase::Running => String::new(),
        };
        Ok(Job {
            job_id: Some(job_id.clone()),
            status: phase.job_status(),
            job_type: Some("GraphManager".to_owned()),
            job_name: Some(record.kind.job_name().to_owned()),
            related_graph: Some(record.related_graph.clone()),
            begin_time: Some(wall_time(begin)),
            end_time: Some(end_time),
            fail_reason: Some(String::new()),
        })
    }

    /// A job's status, wherever its graph is.
    pub(crate) fn job_status(&self, job_id: &JobId, now: Instant) -> Option<JobStatus> {
        self.jobs.get(job_id).map(|record| {
            let elapsed = now.saturating_duration_since(record.at);
            phase(elapsed, self.timing.of(record.kind)).job_status()
        })
    }

    /// The job of a graph's latest stop, in whichever project it is.
    pub(crate) fn last_stop_job(&self, id: &GraphId) -> Option<JobId> {
        self.record_anywhere(id)?.last_stop.clone()
    }

    /// The job of a graph's latest start, in whichever project it is.
    pub(crate) fn last_start_job(&self, id: &GraphId) -> Option<JobId> {
        self.record_anywhere(id)?.last_start.clone()
    }

    /// A graph, in whichever project it is: an ID names one graph in the simulator.
    fn record_anywhere(&self, id: &GraphId) -> Option<&GraphRecord> {
        self.graphs.iter().find(|g| &g.spec.id == id)
    }

    fn record(&self, project_id: &ProjectId, id: &GraphId) -> Option<&GraphRecord> {
        self.graphs
            .iter()
            .find(|g| &g.spec.id == id && &g.project_id == project_id)
    }

    fn view(&self, record: &GraphRecord, now: Instant) -> Graph {
        Graph {
            id: record.spec.id.clone(),
            name: Some(record.spec.name.clone()),
            status: status_of(record, now, self.timing),
            tags: Some(record.spec.tags.clone()),
            product_type: record.spec.edition.clone(),
            graph_size_type_index: Some(record.spec.size.clone()),
            // A count past i32::MAX cannot be written in GES's field; no test needs one.
            replication: Some(i32::try_from(record.spec.replicas).unwrap_or(i32::MAX)),
        }
    }

    /// The UTC date an instant of the simulator's clock stands for.
    fn wall(&self, at: Instant) -> OffsetDateTime {
        later(self.epoch_wall, at.saturating_duration_since(self.epoch))
    }
}

impl GraphRecord {
    fn new(project_id: ProjectId, spec: GraphSpec, now: Instant) -> Self {
        Self {
            project_id,
            spec,
            added: now,
            latest: None,
            history: Vec::new(),
            last_stop: None,
            last_start: None,
        }
    }
}

/// A graph's status at `now`: what its latest stop or start made of it (or what it was
/// added as), then the seven-day rule.
fn status_of(record: &GraphRecord, now: Instant, timing: Timing) -> GraphStatus {
    status_at(record, record.latest.as_ref(), now, timing)
}

/// A graph's status at `now`, given its latest stop or start at or before `now`.
fn status_at(
    record: &GraphRecord,
    latest: Option<&Transition>,
    now: Instant,
    timing: Timing,
) -> GraphStatus {
    // The status before the seven-day rule, and for how long it has held.
    let (status, held_for) = match latest {
        None => (
            record.spec.status.clone(),
            now.saturating_duration_since(record.added),
        ),
        Some(transition) => {
            let elapsed = now.saturating_duration_since(transition.at);
            let duration = timing.of(transition.kind);
            match (transition.kind, phase(elapsed, duration)) {
                (JobKind::Stop, Phase::Done) => (GraphStatus::Stopped, elapsed - duration),
                (JobKind::Stop, Phase::Pending | Phase::Running) => {
                    return GraphStatus::Stopping;
                }
                (JobKind::Start, Phase::Done) => return GraphStatus::Running,
                (JobKind::Start, Phase::Pending | Phase::Running) => {
                    return GraphStatus::Starting;
                }
            }
        }
    };
    if status == GraphStatus::Stopped && held_for >= SELF_RESTART_AFTER {
        GraphStatus::Running
    } else {
        status
    }
}

/// Where a job is `elapsed` after it started, for a call that takes `duration`:
/// pending for the first fifth of it, running until it ends, done from then on.
fn phase(elapsed: Duration, duration: Duration) -> Phase {
    if elapsed >= duration {
        Phase::Done
    } else if elapsed < duration / 5 {
        Phase::Pending
    } else {
        Phase::Running
    }
}

/// `at` plus `by`; `at` itself in the unreachable case of a date past year 9999 (the
/// clock's offset is capped at a hundred years, and a job that long never ends).
fn later(at: OffsetDateTime, by: Duration) -> OffsetDateTime {
    time::Duration::try_from(by)
        .ok()
        .and_then(|by| at.checked_add(by))
        .unwrap_or(at)
}

/// GES's time format: UTC, `yyyy-MM-ddTHH:mm:ss`.
fn wall_time(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]"
    ))
    // Formatting a UTC date with numeric components only cannot fail.
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(value: &str) -> GraphId {
        value.parse().unwrap()
    }

    fn project(value: &str) -> ProjectId {
        value.parse().unwrap()
    }

    /// `g1` running and `g2` stopped in project `a`, `g3` running in project `b`.
    fn world(duration: Duration) -> World {
        World::new(
            vec![
                (
                    project("a"),
                    GraphSpec::running(id("g1"), "one").with_tag("env", "dev"),
                ),
                (
                    project("a"),
                    GraphSpec::running(id("g2"), "two").with_status(GraphStatus::Stopped),
                ),
                (project("b"), GraphSpec::running(id("g3"), "three")),
            ],
            Timing::both(duration),
            Instant::now(),
        )
    }

    #[test]
    fn a_stop_moves_graph_and_job_along_with_time() {
        let mut world = world(Duration::from_secs(10));
        let t0 = Instant::now();
        let job = world.stop(&project("a"), &id("g1"), t0).unwrap();
        assert_eq!(job.as_str().len(), 32);
        assert!(job.as_str().bytes().all(|b| b.is_ascii_hexdigit()));

        let at = |secs| t0 + Duration::from_secs(secs);
        assert_eq!(
            world.graph_status(&id("g1"), at(0)),
            Some(GraphStatus::Stopping)
        );
        assert_eq!(
            world
                .job(&project("a"), &id("g1"), &job, at(1))
                .unwrap()
                .status,
            JobStatus::Pending
        );
        assert_eq!(
            world
                .job(&project("a"), &id("g1"), &job, at(2))
                .unwrap()
                .status,
            JobStatus::Running
        );
        assert_eq!(
            world.graph_status(&id("g1"), at(9)),
            Some(GraphStatus::Stopping)
        );

        let done = world.job(&project("a"), &id("g1"), &job, at(10)).unwrap();
        assert_eq!(done.status, JobStatus::Success);
        assert_eq!(
            world.graph_status(&id("g1"), at(10)),
            Some(GraphStatus::Stopped)
        );
        assert_eq!(done.related_graph.as_deref(), Some("one"));
        let begin = done.begin_time.unwrap();
        assert_eq!(begin.len(), "2024-01-02T03:04:05".len(), "{begin}");
        assert!(done.end_time.unwrap() >= begin);
    }

    #[test]
    fn only_a_running_graph_can_be_stopped() {
        let mut world = world(Duration::ZERO);
        let now = Instant::now();
        assert_eq!(
            world.stop(&project("a"), &id("g2"), now),
            Err(StopRefusal::NotRunning(GraphStatus::Stopped))
        );
        assert_eq!(
            world.stop(&project("a"), &id("nope"), now),
            Err(StopRefusal::UnknownGraph)
        );
        let first = world.stop(&project("a"), &id("g1"), now).unwrap();
        assert!(matches!(
            world.stop(&project("a"), &id("g1"), now),
            Err(StopRefusal::NotRunning(GraphStatus::Stopped))
        ));
        assert_eq!(world.last_stop_job(&id("g1")), Some(first));
    }

    #[test]
    fn a_start_moves_a_stopped_graph_through_starting_to_running() {
        let mut world = World::new(
            vec![(
                project("a"),
                GraphSpec::running(id("g"), "g").with_status(GraphStatus::Stopped),
            )],
            Timing {
                stop: Duration::from_secs(100),
                start: Duration::from_secs(10),
            },
            Instant::now(),
        );
        let t0 = Instant::now();
        let at = |secs| t0 + Duration::from_secs(secs);
        let job = world.start(&project("a"), &id("g"), t0).unwrap();
        assert_eq!(world.last_start_job(&id("g")), Some(job.clone()));
        assert_eq!(world.last_stop_job(&id("g")), None);
        assert_eq!(
            world.graph_status(&id("g"), at(0)),
            Some(GraphStatus::Starting)
        );
        assert_eq!(world.job_status(&job, at(1)), Some(JobStatus::Pending));
        assert_eq!(world.job_status(&job, at(2)), Some(JobStatus::Running));
        assert_eq!(
            world.graph_status(&id("g"), at(9)),
            Some(GraphStatus::Starting)
        );
        // A starting graph is neither stopped nor running.
        assert_eq!(
            world.start(&project("a"), &id("g"), at(5)),
            Err(StartRefusal::NotStopped(GraphStatus::Starting))
        );
        assert_eq!(
            world.stop(&project("a"), &id("g"), at(5)),
            Err(StopRefusal::NotRunning(GraphStatus::Starting))
        );
        let done = world.job(&project("a"), &id("g"), &job, at(10)).unwrap();
        assert_eq!(done.status, JobStatus::Success);
        assert_eq!(done.job_name.as_deref(), Some("StartGraph"));
        assert_eq!(
            world.graph_status(&id("g"), at(10)),
            Some(GraphStatus::Running)
        );
        assert_eq!(
            world.start(&project("a"), &id("g"), at(10)),
            Err(StartRefusal::NotStopped(GraphStatus::Running))
        );
        // Running again, it stops over the stop duration, and keeps its start's job.
        let stop = world.stop(&project("a"), &id("g"), at(10)).unwrap();
        assert_eq!(
            world.graph_status(&id("g"), at(109)),
            Some(GraphStatus::Stopping)
        );
        assert_eq!(
            world.graph_status(&id("g"), at(110)),
            Some(GraphStatus::Stopped)
        );
        assert_eq!(world.last_stop_job(&id("g")), Some(stop));
        assert_eq!(world.last_start_job(&id("g")), Some(job));
        assert_eq!(
            world.start(&project("nope"), &id("g"), at(110)),
            Err(StartRefusal::UnknownGraph)
        );
    }

    #[test]
    fn a_graph_stopped_for_seven_days_runs_again() {
        let added = Instant::now();
        let stop = Duration::from_secs(30);
        let mut world = World::new(
            vec![
                (project("a"), GraphSpec::running(id("up"), "up")),
                (
                    project("a"),
                    GraphSpec::running(id("down"), "down").with_status(GraphStatus::Stopped),
                ),
            ],
            Timing {
                stop,
                start: Duration::ZERO,
            },
            added,
        );
        let week = SELF_RESTART_AFTER;
        let second = Duration::from_secs(1);
        // Added stopped: stopped since it was added.
        assert_eq!(
            world.graph_status(&id("down"), added + week - second),
            Some(GraphStatus::Stopped)
        );
        assert_eq!(
            world.graph_status(&id("down"), added + week),
            Some(GraphStatus::Running)
        );
        // Stopped by a stop: stopped since the stop's job ended, not since it began.
        world.stop(&project("a"), &id("up"), added).unwrap();
        assert_eq!(
            world.graph_status(&id("up"), added + week),
            Some(GraphStatus::Stopped)
        );
        assert_eq!(
            world.graph_status(&id("up"), added + stop + week),
            Some(GraphStatus::Running)
        );
        // What restarted by itself is running to every call.
        assert!(world.stop(&project("a"), &id("down"), added + week).is_ok());
        assert_eq!(
            world.start(&project("a"), &id("up"), added + stop + week),
            Err(StartRefusal::NotStopped(GraphStatus::Running))
        );
        let (_, page) = world.list(&project("a"), 0, 10, added + stop + week);
        assert_eq!(page[0].status, GraphStatus::Running);
    }

    #[test]
    fn job_times_follow_the_clock_they_move_by() {
        let now = Instant::now();
        let mut world = World::new(
            vec![(project("a"), GraphSpec::running(id("g"), "g"))],
            Timing::both(Duration::from_secs(60)),
            now,
        );
        let later_on = now + Duration::from_secs(2 * 24 * 60 * 60);
        let job = world.stop(&project("a"), &id("g"), later_on).unwrap();
        let shown = world
            .job(
                &project("a"),
                &id("g"),
                &job,
                later_on + Duration::from_secs(60),
            )
            .unwrap();
        let begin = shown.begin_time.unwrap();
        let end = shown.end_time.unwrap();
        let expected_begin = wall_time(later(world.epoch_wall, later_on - now));
        let expected_end = wall_time(later(
            world.epoch_wall,
            later_on - now + Duration::from_secs(60),
        ));
        assert_eq!((begin, end), (expected_begin, expected_end));
    }

    #[test]
    fn jobs_belong_to_their_graph() {
        let mut world = world(Duration::ZERO);
        let now = Instant::now();
        let job = world.stop(&project("a"), &id("g1"), now).unwrap();
        assert_eq!(
            world.job(&project("a"), &id("g2"), &job, now),
            Err(JobLookupFailure::UnknownJob)
        );
        assert_eq!(
            world.job(&project("a"), &id("g3"), &job, now),
            Err(JobLookupFailure::UnknownGraph)
        );
        assert_eq!(
            world.job(&project("b"), &id("g1"), &job, now),
            Err(JobLookupFailure::UnknownGraph)
        );
    }

    #[test]
    fn listing_pages_in_insertion_order_and_counts_all() {
        let world = world(Duration::ZERO);
        let now = Instant::now();
        let (count, page) = world.list(&project("a"), 1, 5, now);
        assert_eq!(count, 2);
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, id("g2"));
        assert!(world.list(&project("a"), 2, 5, now).1.is_empty());
        let (count, page) = world.list(&project("b"), 0, 5, now);
        assert_eq!((count, page.len()), (1, 1));
        assert_eq!(world.list(&project("c"), 0, 5, now), (0, Vec::new()));
    }

    #[test]
    fn a_graph_is_unknown_to_other_projects() {
        let mut world = world(Duration::ZERO);
        let now = Instant::now();
        assert!(world.graph(&project("a"), &id("g3"), now).is_none());
        assert!(world.graph(&project("b"), &id("g3"), now).is_some());
        assert_eq!(
            world.stop(&project("a"), &id("g3"), now),
            Err(StopRefusal::UnknownGraph)
        );
        assert_eq!(world.project_of(&id("g3")), Some(&project("b")));
        assert_eq!(
            world.graph_status(&id("g3"), now),
            Some(GraphStatus::Running)
        );
    }

    #[test]
    fn added_graphs_go_last_and_replaced_ones_keep_their_place() {
        let mut world = world(Duration::ZERO);
        let now = Instant::now();
        world.put(project("a"), GraphSpec::running(id("g4"), "four"), now);
        world.put(project("a"), GraphSpec::running(id("g1"), "one again"), now);
        let ids: Vec<GraphId> = world
            .list(&project("a"), 0, 10, now)
            .1
            .into_iter()
            .map(|graph| graph.id)
            .collect();
        assert_eq!(ids, [id("g1"), id("g2"), id("g4")]);

        // An ID names one graph in the whole simulator: putting it elsewhere moves it.
        world.put(project("b"), GraphSpec::running(id("g1"), "moved"), now);
        assert_eq!(world.list(&project("a"), 0, 10, now).0, 2);
        let (count, page) = world.list(&project("b"), 0, 10, now);
        assert_eq!(count, 2);
        assert_eq!(page[1].id, id("g1"));
        assert_eq!(world.project_of(&id("g1")), Some(&project("b")));
    }

    #[test]
    fn a_graph_can_start_in_every_status_and_only_running_stops() {
        let statuses = GraphStatus::KNOWN;
        assert_eq!(statuses.len(), 19, "every status GES documents");
        let now = Instant::now();
        for (number, status) in (0..).zip(statuses) {
            let spec = GraphSpec::numbered(number, "g").with_status(status.clone());
            let graph_id = spec.id.clone();
            let mut world = World::new(
                vec![(project("a"), spec)],
                Timing::both(Duration::ZERO),
                now,
            );
            let shown = world.graph(&project("a"), &graph_id, now).unwrap();
            assert_eq!(shown.status, status);
            let stopped = world.stop(&project("a"), &graph_id, now);
            if status == GraphStatus::Running {
                assert!(stopped.is_ok(), "{status:?}: {stopped:?}");
            } else {
                assert_eq!(stopped, Err(StopRefusal::NotRunning(status)));
            }
        }
    }

    #[test]
    fn numbered_ids_are_uuid_shaped_and_distinct() {
        assert_eq!(
            GraphSpec::numbered(42, "g").id.as_str(),
            "00000000-0000-4000-8000-000000000042"
        );
        assert_eq!(
            GraphSpec::numbered(u32::MAX, "g").id.as_str(),
            "00000000-0000-4000-8000-004294967295"
        );
        assert_ne!(
            GraphSpec::numbered(1, "g").id,
            GraphSpec::numbered(10, "g").id
        );
        assert_eq!(GraphSpec::numbered(7, "seven").status, GraphStatus::Running);
    }
}
