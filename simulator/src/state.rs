//! The simulated service's data: the projects' graphs, the jobs that stops start, and
//! how both move with time.
//!
//! A graph belongs to one project, and a graph ID names one graph in the whole
//! simulator (a fleet test can then ask "what happened to graph X" without saying
//! where it lives). The operations the routes call take the project from the path, so
//! a graph of another project is as unknown as one that does not exist, as in GES.
//!
//! Nothing runs in the background. A stop records when it happened; every read
//! computes where the graph and its job are *now*, from [`tokio::time::Instant`]
//! (so a test that pauses Tokio's clock can also step the simulator's):
//!
//! | time since the stop        | graph status      | job status |
//! |----------------------------|-------------------|------------|
//! | less than 20 % of the stop duration | `901` stopping | `pending` |
//! | 20 % up to the stop duration        | `901` stopping | `running` |
//! | the stop duration or more           | `900` stopped  | `success` |

use std::collections::HashMap;
use std::time::Duration;

use ges_api::types::{Graph, GraphId, GraphStatus, Job, JobId, JobStatus, ProjectId, Tag};
use time::OffsetDateTime;
use time::macros::format_description;
use tokio::time::Instant;

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
}

impl GraphSpec {
    /// A running graph without tags.
    pub fn running(id: GraphId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
            status: GraphStatus::Running,
            tags: Vec::new(),
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

    /// The same graph, starting in another status.
    #[must_use]
    pub fn with_status(mut self, status: GraphStatus) -> Self {
        self.status = status;
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

/// Why a job could not be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobLookupFailure {
    /// No graph has this ID.
    UnknownGraph,
    /// The graph exists but no job of it has this ID.
    UnknownJob,
}

/// A stop in progress or done.
#[derive(Debug, Clone)]
struct Stop {
    job_id: JobId,
    /// When GES accepted it, on the clock that drives progress.
    at: Instant,
}

#[derive(Debug, Clone)]
struct GraphRecord {
    project_id: ProjectId,
    spec: GraphSpec,
    /// The latest stop, if the graph was stopped since the simulator started.
    stop: Option<Stop>,
}

#[derive(Debug, Clone)]
struct JobRecord {
    graph_id: GraphId,
    related_graph: String,
    at: Instant,
    at_wall: OffsetDateTime,
}

/// Where a job is at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Pending,
    Running,
    Done,
}

impl Phase {
    /// The status of a stop job in this phase.
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
    stop_duration: Duration,
    jobs_started: u32,
}

/// The fixed part of every job ID; a counter fills the last eight hex digits, so IDs
/// look like GES's (`ff8080816025a0a1016025a5a2700007`, 32 hex digits).
const JOB_ID_PREFIX: &str = "ff8080816025a0a1016025a5";

impl World {
    /// A world holding these graphs of these projects; the caller has checked that
    /// their IDs differ.
    pub(crate) fn new(graphs: Vec<(ProjectId, GraphSpec)>, stop_duration: Duration) -> Self {
        Self {
            graphs: graphs
                .into_iter()
                .map(|(project_id, spec)| GraphRecord {
                    project_id,
                    spec,
                    stop: None,
                })
                .collect(),
            jobs: HashMap::new(),
            stop_duration,
            jobs_started: 0,
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

    /// Adds a graph to a project, or replaces the graph with the same ID (forgetting
    /// its stop).
    ///
    /// A new graph goes last, so a client paging through list graphs while graphs are
    /// added sees them on its last pages and a `graph_count` that grew; a graph
    /// replaced in its project keeps its place, so a pager never sees it twice. A
    /// graph of another project moves to this one, last: an ID names one graph in the
    /// whole simulator.
    pub(crate) fn put(&mut self, project_id: ProjectId, spec: GraphSpec) {
        let record = GraphRecord {
            project_id,
            spec,
            stop: None,
        };
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
        let stop_duration = self.stop_duration;
        let Some(index) = self
            .graphs
            .iter()
            .position(|g| &g.spec.id == id && &g.project_id == project_id)
        else {
            return Err(StopRefusal::UnknownGraph);
        };
        let status = status_of(&self.graphs[index], now, stop_duration);
        if status != GraphStatus::Running {
            return Err(StopRefusal::NotRunning(status));
        }
        self.jobs_started = self.jobs_started.wrapping_add(1);
        let job_id: JobId = format!("{JOB_ID_PREFIX}{:08x}", self.jobs_started)
            .parse()
            // Start-up invariant: 32 hex digits always match the JobId pattern.
            .expect("a job ID of 32 hex digits is a valid JobId");
        let at_wall = OffsetDateTime::now_utc();
        let record = &mut self.graphs[index];
        record.stop = Some(Stop {
            job_id: job_id.clone(),
            at: now,
        });
        self.jobs.insert(
            job_id.clone(),
            JobRecord {
                graph_id: id.clone(),
                related_graph: record.spec.name.clone(),
                at: now,
                at_wall,
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
            .map(|record| status_of(record, now, self.stop_duration))
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
        let phase = phase(record.at, now, self.stop_duration);
        let status = phase.job_status();
        let end_time = match phase {
            Phase::Done => wall_time(record.at_wall + self.stop_duration),
            Phase::Pending | Phase::Running => String::new(),
        };
        Ok(Job {
            job_id: Some(job_id.clone()),
            status,
            job_type: Some("GraphManager".to_owned()),
            job_name: Some("StopGraph".to_owned()),
            related_graph: Some(record.related_graph.clone()),
            begin_time: Some(wall_time(record.at_wall)),
            end_time: Some(end_time),
            fail_reason: Some(String::new()),
        })
    }

    /// A job's status, wherever its graph is.
    pub(crate) fn job_status(&self, job_id: &JobId, now: Instant) -> Option<JobStatus> {
        self.jobs
            .get(job_id)
            .map(|record| phase(record.at, now, self.stop_duration).job_status())
    }

    /// The job of a graph's latest stop, in whichever project it is.
    pub(crate) fn last_stop_job(&self, id: &GraphId) -> Option<JobId> {
        self.record_anywhere(id)?
            .stop
            .as_ref()
            .map(|stop| stop.job_id.clone())
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
            status: status_of(record, now, self.stop_duration),
            tags: Some(record.spec.tags.clone()),
        }
    }
}

fn status_of(record: &GraphRecord, now: Instant, stop_duration: Duration) -> GraphStatus {
    match &record.stop {
        None => record.spec.status.clone(),
        Some(stop) => match phase(stop.at, now, stop_duration) {
            Phase::Pending | Phase::Running => GraphStatus::Stopping,
            Phase::Done => GraphStatus::Stopped,
        },
    }
}

/// Where a job started at `at` is at `now`: pending for the first fifth of the stop
/// duration, running until it ends, done from then on.
fn phase(at: Instant, now: Instant, stop_duration: Duration) -> Phase {
    let elapsed = now.saturating_duration_since(at);
    if elapsed >= stop_duration {
        Phase::Done
    } else if elapsed < stop_duration / 5 {
        Phase::Pending
    } else {
        Phase::Running
    }
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
            duration,
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
        world.put(project("a"), GraphSpec::running(id("g4"), "four"));
        world.put(project("a"), GraphSpec::running(id("g1"), "one again"));
        let ids: Vec<GraphId> = world
            .list(&project("a"), 0, 10, now)
            .1
            .into_iter()
            .map(|graph| graph.id)
            .collect();
        assert_eq!(ids, [id("g1"), id("g2"), id("g4")]);

        // An ID names one graph in the whole simulator: putting it elsewhere moves it.
        world.put(project("b"), GraphSpec::running(id("g1"), "moved"));
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
            let mut world = World::new(vec![(project("a"), spec)], Duration::ZERO);
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
