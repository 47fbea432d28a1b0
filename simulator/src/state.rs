//! The simulated service's data: the project's graphs, the jobs that stops start, and
//! how both move with time.
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

use ges_api::types::{Graph, GraphId, GraphStatus, Job, JobId, JobStatus, Tag};
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

/// The graphs and jobs of the one project the simulator serves.
#[derive(Debug)]
pub(crate) struct World {
    /// In the order they were added: list graphs pages through them in this order.
    graphs: Vec<GraphRecord>,
    jobs: HashMap<JobId, JobRecord>,
    stop_duration: Duration,
    jobs_started: u32,
}

/// The fixed part of every job ID; a counter fills the last eight hex digits, so IDs
/// look like GES's (`ff8080816025a0a1016025a5a2700007`, 32 hex digits).
const JOB_ID_PREFIX: &str = "ff8080816025a0a1016025a5";

impl World {
    /// A world holding these graphs; the caller has checked that their IDs differ.
    pub(crate) fn new(graphs: Vec<GraphSpec>, stop_duration: Duration) -> Self {
        Self {
            graphs: graphs
                .into_iter()
                .map(|spec| GraphRecord { spec, stop: None })
                .collect(),
            jobs: HashMap::new(),
            stop_duration,
            jobs_started: 0,
        }
    }

    /// Whether a graph with this ID exists.
    pub(crate) fn contains(&self, id: &GraphId) -> bool {
        self.record(id).is_some()
    }

    /// Adds a graph, or replaces the one with the same ID (forgetting its stop).
    pub(crate) fn put(&mut self, spec: GraphSpec) {
        match self.graphs.iter_mut().find(|g| g.spec.id == spec.id) {
            Some(record) => *record = GraphRecord { spec, stop: None },
            None => self.graphs.push(GraphRecord { spec, stop: None }),
        }
    }

    /// Stops a running graph: starts a job and returns its ID.
    pub(crate) fn stop(&mut self, id: &GraphId, now: Instant) -> Result<JobId, StopRefusal> {
        let stop_duration = self.stop_duration;
        let Some(index) = self.graphs.iter().position(|g| &g.spec.id == id) else {
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

    /// One graph as show graph returns it.
    pub(crate) fn graph(&self, id: &GraphId, now: Instant) -> Option<Graph> {
        self.record(id).map(|record| self.view(record, now))
    }

    /// One graph's status.
    pub(crate) fn graph_status(&self, id: &GraphId, now: Instant) -> Option<GraphStatus> {
        self.record(id)
            .map(|record| status_of(record, now, self.stop_duration))
    }

    /// One page of graphs and how many there are in all.
    pub(crate) fn list(&self, offset: usize, limit: usize, now: Instant) -> (usize, Vec<Graph>) {
        let page = self
            .graphs
            .iter()
            .skip(offset)
            .take(limit)
            .map(|record| self.view(record, now))
            .collect();
        (self.graphs.len(), page)
    }

    /// A job of a graph, as show job returns it.
    pub(crate) fn job(
        &self,
        graph_id: &GraphId,
        job_id: &JobId,
        now: Instant,
    ) -> Result<Job, JobLookupFailure> {
        if self.record(graph_id).is_none() {
            return Err(JobLookupFailure::UnknownGraph);
        }
        let record = self
            .jobs
            .get(job_id)
            .filter(|job| &job.graph_id == graph_id)
            .ok_or(JobLookupFailure::UnknownJob)?;
        let phase = phase(record.at, now, self.stop_duration);
        let status = match phase {
            Phase::Pending => JobStatus::Pending,
            Phase::Running => JobStatus::Running,
            Phase::Done => JobStatus::Success,
        };
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
            .map(|record| match phase(record.at, now, self.stop_duration) {
                Phase::Pending => JobStatus::Pending,
                Phase::Running => JobStatus::Running,
                Phase::Done => JobStatus::Success,
            })
    }

    /// The job of a graph's latest stop.
    pub(crate) fn last_stop_job(&self, id: &GraphId) -> Option<JobId> {
        self.record(id)?
            .stop
            .as_ref()
            .map(|stop| stop.job_id.clone())
    }

    fn record(&self, id: &GraphId) -> Option<&GraphRecord> {
        self.graphs.iter().find(|g| &g.spec.id == id)
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

    fn world(duration: Duration) -> World {
        World::new(
            vec![
                GraphSpec::running(id("g1"), "one").with_tag("env", "dev"),
                GraphSpec::running(id("g2"), "two").with_status(GraphStatus::Stopped),
            ],
            duration,
        )
    }

    #[test]
    fn a_stop_moves_graph_and_job_along_with_time() {
        let mut world = world(Duration::from_secs(10));
        let t0 = Instant::now();
        let job = world.stop(&id("g1"), t0).unwrap();
        assert_eq!(job.as_str().len(), 32);
        assert!(job.as_str().bytes().all(|b| b.is_ascii_hexdigit()));

        let at = |secs| t0 + Duration::from_secs(secs);
        assert_eq!(
            world.graph_status(&id("g1"), at(0)),
            Some(GraphStatus::Stopping)
        );
        assert_eq!(
            world.job(&id("g1"), &job, at(1)).unwrap().status,
            JobStatus::Pending
        );
        assert_eq!(
            world.job(&id("g1"), &job, at(2)).unwrap().status,
            JobStatus::Running
        );
        assert_eq!(
            world.graph_status(&id("g1"), at(9)),
            Some(GraphStatus::Stopping)
        );

        let done = world.job(&id("g1"), &job, at(10)).unwrap();
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
            world.stop(&id("g2"), now),
            Err(StopRefusal::NotRunning(GraphStatus::Stopped))
        );
        assert_eq!(world.stop(&id("nope"), now), Err(StopRefusal::UnknownGraph));
        let first = world.stop(&id("g1"), now).unwrap();
        assert!(matches!(
            world.stop(&id("g1"), now),
            Err(StopRefusal::NotRunning(GraphStatus::Stopped))
        ));
        assert_eq!(world.last_stop_job(&id("g1")), Some(first));
    }

    #[test]
    fn jobs_belong_to_their_graph() {
        let mut world = world(Duration::ZERO);
        let now = Instant::now();
        let job = world.stop(&id("g1"), now).unwrap();
        assert_eq!(
            world.job(&id("g2"), &job, now),
            Err(JobLookupFailure::UnknownJob)
        );
        assert_eq!(
            world.job(&id("g3"), &job, now),
            Err(JobLookupFailure::UnknownGraph)
        );
    }

    #[test]
    fn listing_pages_in_insertion_order_and_counts_all() {
        let world = world(Duration::ZERO);
        let now = Instant::now();
        let (count, page) = world.list(1, 5, now);
        assert_eq!(count, 2);
        assert_eq!(page.len(), 1);
        assert_eq!(page[0].id, id("g2"));
        assert!(world.list(2, 5, now).1.is_empty());
    }
}
