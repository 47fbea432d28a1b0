//! A reconcile: what each graph that follows a schedule needs at one instant, from its
//! tags, its listed status and its schedule. Nothing here sends anything: the run lists
//! the graphs (`fleet`), this decides for each, and the caller sends the stops and
//! starts decided on.
//!
//! | the schedule wants | the graph is | acting on the boundary | not acting |
//! |---|---|---|---|
//! | stopped | running (`200`) | stop | `unchanged` |
//! | stopped | stopped or stopping (`900`, `901`) | `already_stopped` | `already_stopped` |
//! | running | stopped (`900`) | start (`start_graphs`), else `unchanged` | `unchanged` |
//! | running | running or starting (`200`, `920`) | `already_running` | `already_running` |
//! | running, without `start_graphs` | not running | `unchanged` | `unchanged` |
//! | either | any other status | `skipped`, tried again by the next acting run | `unchanged` |
//! | either | of the database edition, any status | `skipped` ([`Unchangeable`]) | `skipped` |
//!
//! A run acts on the schedule's latest boundary when its time falls within the window
//! after it, on a skip date (always), or always when the schedule enforces.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use ges_api::types::{Graph, GraphStatus, ProjectId, Tag};
use jiff::Timestamp;

use super::scheduling::Scheduling;
use super::tag_schedules::{CompactSchedules, TagRefusal};
use crate::fleet::policy::Policy;
use crate::fleet::{
    Action, ScheduleFacts, Selected, SelectionFacts, Unchangeable, describe, listed_tags,
};
use crate::ges::report::{GraphReport, GraphTarget, Outcome};
use crate::schedule::{
    Boundary, BoundaryKind, DayOff, Desired, Minutes, Schedule, SkipUntil, Unavailable,
    WithCalendars,
};
use crate::usage::Usage;

/// The tag key whose value names a graph's schedule unless configured.
pub const DEFAULT_SCHEDULE_TAG: &str = "ges-stop:schedule";
/// The tag key that keeps a graph out of its schedule until then, unless configured.
pub const DEFAULT_SKIP_UNTIL_TAG: &str = "ges-stop:skip-until";
/// Minutes after a boundary in which a run acts on it unless configured: three runs of a
/// ten-minute reconcile schedule, so that one late or failed invocation loses nothing.
pub const DEFAULT_WINDOW_MINUTES: u16 = 30;
/// Minutes Cloud Eye's request counts are taken to arrive late unless configured: its
/// one-minute datapoints reach the API some minutes after the minute.
pub const DEFAULT_CES_DELAY_MINUTES: u16 = 10;
/// The longest delay: an hour, past which an idle check would look at the past more
/// than at the graph's present.
pub const MAX_CES_DELAY_MINUTES: u16 = 60;
/// The longest window: a day. A longer one would act on yesterday's boundaries.
pub(crate) const MAX_WINDOW_MINUTES: u16 = 1440;

/// One reconcile's instant and mode, with what the deployment allows, and each
/// schedule's state at that instant, worked out once: a thousand graphs share a few
/// schedules. A schedule is worked out when a graph first names it, never before: a
/// run's cost follows the schedules in use, not the document's size. A compact schedule
/// in a tag is read and worked out once per distinct value, a bounded number of them.
#[derive(Debug)]
pub struct Reconcile<'a> {
    scheduling: &'a Scheduling,
    policy: &'a Policy,
    at: Timestamp,
    dry_run: bool,
    states: BTreeMap<&'a str, Lazy<'a>>,
    /// Graphs are decided one listed page at a time, through `&self`.
    compact: Mutex<CompactSchedules<Compact>>,
}

/// A schedule, and its state at the reconcile's instant once a graph named it.
#[derive(Debug)]
struct Lazy<'a> {
    schedule: &'a Schedule,
    /// Its calendars that gave this run nothing: it starts no graph.
    unavailable: &'a [Unavailable],
    clock: OnceLock<Clock>,
}

/// A compact schedule from a tag, and its state at the reconcile's instant.
#[derive(Debug)]
struct Compact {
    schedule: Schedule,
    clock: Clock,
}

/// Where a schedule stands at the reconcile's instant.
#[derive(Debug, Clone, Copy)]
struct Clock {
    latest: Boundary,
    next_change: Option<Boundary>,
    day_off: Option<DayOff>,
}

impl Clock {
    fn of(schedule: &Schedule, at: Timestamp) -> Self {
        Self {
            latest: schedule.latest(at),
            next_change: schedule.next_change(at),
            day_off: schedule.day_off_at(at),
        }
    }
}

/// The schedule a graph's tag stands for, as the reconcile holds it.
enum Held<'r> {
    Document(&'r Schedule, Clock, &'r [Unavailable]),
    Compact(Arc<Compact>),
}

impl Held<'_> {
    fn state(&self) -> State<'_> {
        let (schedule, clock, unavailable) = match self {
            Held::Document(schedule, clock, unavailable) => (*schedule, *clock, *unavailable),
            Held::Compact(compact) => (&compact.schedule, compact.clock, &[][..]),
        };
        State {
            schedule,
            unavailable,
            latest: clock.latest,
            next_change: clock.next_change,
            day_off: clock.day_off,
        }
    }
}

/// A schedule at the reconcile's instant.
#[derive(Debug, Clone, Copy)]
struct State<'a> {
    schedule: &'a Schedule,
    unavailable: &'a [Unavailable],
    latest: Boundary,
    next_change: Option<Boundary>,
    day_off: Option<DayOff>,
}

impl<'a> Reconcile<'a> {
    /// A reconcile at `at`; a dry run decides and reports, and sends nothing.
    pub fn new(
        scheduling: &'a Scheduling,
        policy: &'a Policy,
        at: Timestamp,
        dry_run: bool,
    ) -> Self {
        let states = match &scheduling.schedules {
            Some(schedules) => schedules
                .iter()
                .map(|(name, schedule)| {
                    (
                        name,
                        Lazy {
                            schedule,
                            unavailable: &[],
                            clock: OnceLock::new(),
                        },
                    )
                })
                .collect(),
            None => BTreeMap::new(),
        };
        Self {
            scheduling,
            policy,
            at,
            dry_run,
            states,
            compact: Mutex::default(),
        }
    }

    /// The same reconcile deciding by `calendars`: the document's schedules that list
    /// calendars, with the days those gave for this instant merged in
    /// ([`Schedule::with_calendars`]).
    pub fn with_calendars(mut self, calendars: &'a BTreeMap<String, Arc<WithCalendars>>) -> Self {
        for (name, merged) in calendars {
            if let Some(lazy) = self.states.get_mut(name.as_str()) {
                lazy.schedule = &merged.schedule;
                lazy.unavailable = &merged.unavailable;
            }
        }
        self
    }

    /// The instant the schedules are evaluated at.
    pub fn at(&self) -> Timestamp {
        self.at
    }

    /// How many schedules this reconcile has worked out so far: those that the graphs
    /// decided on named, each once, and each distinct compact value.
    pub fn schedules_worked_out(&self) -> usize {
        let named = self
            .states
            .values()
            .filter(|lazy| lazy.clock.get().is_some())
            .count();
        named + self.compact_read().len()
    }

    fn compact_read(&self) -> std::sync::MutexGuard<'_, CompactSchedules<Compact>> {
        // Nothing panics while it is held; a poisoned map is still whole.
        self.compact.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The schedule a tag value stands for, with its state at the reconcile's instant
    /// worked out the first time it is asked for; or why the graph is skipped.
    fn held(&self, value: &str) -> Result<Held<'_>, TagRefusal> {
        if let Some(lazy) = self.states.get(value) {
            let clock = *lazy.clock.get_or_init(|| Clock::of(lazy.schedule, self.at));
            return Ok(Held::Document(lazy.schedule, clock, lazy.unavailable));
        }
        self.compact_read()
            .get_or_read(self.scheduling, value, |schedule| Compact {
                clock: Clock::of(&schedule, self.at),
                schedule,
            })
            .map(Held::Compact)
    }

    /// What a listed graph of `project_id` needs by the clock, before any Cloud Eye
    /// check; `None` when it carries no schedule tag and so is not part of the run. A
    /// graph whose schedule reads usage may be changed by [`Reconcile::decide_checking`].
    pub fn decide(&self, graph: &Graph, project_id: &ProjectId) -> Option<Selected> {
        self.decide_checking(graph, project_id)
            .map(|decision| decision.selected)
    }

    /// What a listed graph of `project_id` needs, and the Cloud Eye check that may
    /// change it (`stop_when_idle`, `spare_busy`); `None` when it carries no schedule
    /// tag.
    pub fn decide_checking(&self, graph: &Graph, project_id: &ProjectId) -> Option<Decision> {
        let tags = graph.tags.as_deref().unwrap_or_default();
        // A graph without the tag is not part of the run; one whose tag is empty names
        // a schedule that does not exist, and is skipped with that reason.
        let name = tags
            .iter()
            .find(|tag| tag.key == self.scheduling.schedule_tag)?
            .value
            .as_deref()
            .unwrap_or_default()
            .trim();
        let target = GraphTarget {
            project_id: project_id.clone(),
            graph_id: graph.id.clone(),
        };
        let held = self.held(name);
        let state = held.as_ref().map(Held::state);
        // A schedule without periods wants nothing by the clock outside its skip dates.
        let clock_free =
            |state: &State<'_>| state.schedule.periods().is_empty() && state.day_off.is_none();
        let facts = SelectionFacts {
            name: graph.name.clone(),
            tags: Some(listed_tags(graph)),
            schedule: Some(ScheduleFacts {
                name: name.to_owned(),
                desired: state
                    .ok()
                    .filter(|state| !clock_free(state))
                    .map(|state| state.latest.desired),
                next_change: state
                    .ok()
                    .filter(|state| !clock_free(state))
                    .and_then(|state| state.next_change),
                why: None,
                size: graph.graph_size_type_index.clone(),
                replicas: graph.replicas(),
                calendar_unavailable: state
                    .as_ref()
                    .is_ok_and(|state| !state.unavailable.is_empty()),
            }),
        };
        let decided = |action: Action| Selected {
            target: target.clone(),
            facts: facts.clone(),
            action,
        };
        let settled = |outcome: Outcome, reason: String| {
            decided(Action::Settled(GraphReport::settled(
                &target,
                outcome,
                &graph.status,
                reason,
            )))
        };
        let opt_out = &self.policy.opt_out_tag;
        if opt_out.is_on(tags) {
            return Some(Decision::clock(settled(
                Outcome::Skipped,
                format!("opted out by the tag {opt_out}"),
            )));
        }
        if let Some(unchangeable) = Unchangeable::of(graph) {
            return Some(Decision::clock(settled(
                Outcome::Skipped,
                unchangeable.to_string(),
            )));
        }
        let state = match state {
            Ok(state) => state,
            Err(refusal) => {
                let reason = refusal.to_string();
                tracing::warn!(graph_id = %graph.id, schedule = name, "{reason}");
                return Some(Decision::clock(settled(Outcome::Skipped, reason)));
            }
        };
        if let Some(value) = tag_value(tags, &self.scheduling.skip_until_tag) {
            match value.parse::<SkipUntil>() {
                Err(error) => {
                    let reason = format!(
                        "the tag {} does not parse, so the graph is left alone: {error}",
                        self.scheduling.skip_until_tag
                    );
                    tracing::warn!(graph_id = %graph.id, schedule = name, "{reason}");
                    return Some(Decision::clock(settled(Outcome::Skipped, reason)));
                }
                Ok(skip) => {
                    let until = skip.until(state.schedule);
                    if self.at < until {
                        return Some(Decision::clock(settled(
                            Outcome::Skipped,
                            format!(
                                "kept out of its schedule by the tag {} until {until}",
                                self.scheduling.skip_until_tag
                            ),
                        )));
                    }
                }
            }
        }
        if !self.policy.allows(project_id, &graph.id) {
            return Some(Decision::clock(settled(
                Outcome::Skipped,
                "not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS".to_owned(),
            )));
        }
        let (plan, reason, check) = self.plan(&state, &graph.status);
        let acting = |action: Action, reason: String| {
            let mut selected = decided(action);
            if let Some(schedule) = &mut selected.facts.schedule {
                schedule.why = Some(reason);
            }
            selected
        };
        let selected = match plan {
            Plan::Stop => acting(Action::Stop, reason),
            Plan::Start => acting(Action::Start, reason),
            Plan::Settled(outcome) => settled(outcome, reason),
        };
        Some(Decision {
            check: check.map(|kind| UsageCheck {
                kind,
                status: graph.status.clone(),
                dry_run: self.dry_run,
            }),
            selected,
        })
    }

    /// The Cloud Eye window that ends at the reconcile's instant less the delay, on a
    /// whole minute, and spans `span`.
    fn usage_window(&self, span: Minutes) -> (Timestamp, Timestamp) {
        let end = self
            .at
            .checked_sub(self.scheduling.ces_delay)
            .unwrap_or(Timestamp::MIN);
        let second = end.as_second();
        let end = Timestamp::from_second(second - second.rem_euclid(60)).unwrap_or(end);
        let start = end.checked_sub(span.duration()).unwrap_or(Timestamp::MIN);
        (start, end)
    }

    /// What the schedule's state and the graph's status come to, why, and the Cloud Eye
    /// check that may change it.
    fn plan(&self, state: &State<'_>, status: &GraphStatus) -> (Plan, String, Option<CheckKind>) {
        let (plan, reason) = self.clock_plan(state, status);
        let (plan, reason) = without_calendars(state.unavailable, plan, reason);
        let schedule = state.schedule;
        if *status != GraphStatus::Running || !schedule.reads_usage() {
            return (plan, reason, None);
        }
        let stops = matches!(plan, Plan::Stop | Plan::Settled(Outcome::WouldStop));
        match (stops, schedule.spare_busy(), schedule.stop_when_idle()) {
            (true, Some(spare), _) => {
                // Every run acts on the latest stop boundary (a skip date's is its 00:00)
                // until `at_most` after it, then stops the graph whatever its use.
                let until = state
                    .latest
                    .at
                    .checked_add(spare.at_most().duration())
                    .unwrap_or(Timestamp::MAX);
                if self.at < until {
                    let (from, to) = self.usage_window(spare.quiet());
                    let check = CheckKind::Spare {
                        from,
                        to,
                        quiet: spare.quiet(),
                        until,
                    };
                    (plan, reason, Some(check))
                } else {
                    let reason = format!(
                        "{reason}; spare_busy held the stop until {until} at most, so it stops \
                        whether or not the graph is busy"
                    );
                    (plan, reason, None)
                }
            }
            (false, _, Some(idle)) => {
                let Plan::Settled(otherwise) = plan else {
                    return (plan, reason, None);
                };
                let (from, to) = self.usage_window(idle.span());
                let check = CheckKind::Idle {
                    from,
                    to,
                    otherwise,
                };
                (Plan::Settled(otherwise), reason, Some(check))
            }
            _ => (plan, reason, None),
        }
    }

    /// What the schedule's clock and the graph's status come to, and why.
    fn clock_plan(&self, state: &State<'_>, status: &GraphStatus) -> (Plan, String) {
        let State {
            schedule,
            latest,
            day_off,
            ..
        } = *state;
        if schedule.periods().is_empty() && day_off.is_none() {
            return (
                Plan::Settled(Outcome::Unchanged),
                format!(
                    "the schedule has no periods: it stops graphs only when idle, and the graph \
                    is {}",
                    describe(status)
                ),
            );
        }
        let within_window = self
            .at
            .checked_add(-self.scheduling.window)
            .is_ok_and(|window_start| window_start < latest.at);
        // With spare_busy, runs act on a stop boundary for `at_most` after it, and the
        // first run past it (within the window after `at_most`) stops the graph anyway.
        let within_spare = schedule.spare_busy().is_some_and(|spare| {
            latest.desired == Desired::Stopped
                && self
                    .at
                    .checked_add(-self.scheduling.window)
                    .and_then(|start| start.checked_add(-spare.at_most().duration()))
                    .is_ok_and(|start| start < latest.at)
        });
        let acting = schedule.enforce() || day_off.is_some() || within_window || within_spare;
        // With stop_when_idle, a graph stopped mid-period stays stopped until the next
        // period's start: started again by `enforce`, an idle graph would flap.
        let may_start = within_window || schedule.stop_when_idle().is_none();
        let why_acting = || match (day_off, latest.kind) {
            (Some(day_off), _) => day_off.to_string(),
            (None, BoundaryKind::Start) => format!("its period began at {}", latest.at),
            (None, BoundaryKind::HolidayEnd) => {
                format!("a day off ended at {}, inside its period", latest.at)
            }
            (None, BoundaryKind::Holiday) => format!("a day off began at {}", latest.at),
            (None, BoundaryKind::Stop | BoundaryKind::SkipDate) => {
                format!("its period ended at {}", latest.at)
            }
        };
        let why_left = || {
            format!(
                "the schedule's last boundary ({} at {}) is over {} minutes old and the schedule \
                 does not enforce: a graph changed by hand since is left as it is",
                latest.desired.as_str(),
                latest.at,
                self.scheduling.window.as_mins()
            )
        };
        let stop = if self.dry_run {
            Plan::Settled(Outcome::WouldStop)
        } else {
            Plan::Stop
        };
        let start = if self.dry_run {
            Plan::Settled(Outcome::WouldStart)
        } else {
            Plan::Start
        };
        match (latest.desired, status) {
            (Desired::Stopped, GraphStatus::Running) if acting => (
                stop,
                format!("the schedule wants it stopped: {}", why_acting()),
            ),
            (Desired::Stopped, GraphStatus::Running) => {
                (Plan::Settled(Outcome::Unchanged), why_left())
            }
            (Desired::Stopped, GraphStatus::Stopped | GraphStatus::Stopping) => (
                Plan::Settled(Outcome::AlreadyStopped),
                format!("the graph is {}", describe(status)),
            ),
            (Desired::Running, GraphStatus::Running | GraphStatus::Starting) => (
                Plan::Settled(Outcome::AlreadyRunning),
                format!("the graph is {}", describe(status)),
            ),
            (Desired::Running, _) if !schedule.start_graphs() => (
                Plan::Settled(Outcome::Unchanged),
                format!(
                    "the schedule wants it running since {}, and does not start graphs \
                     (\"start_graphs\" is false)",
                    latest.at
                ),
            ),
            (Desired::Running, GraphStatus::Stopped) if acting && may_start => (
                start,
                format!("the schedule wants it running: {}", why_acting()),
            ),
            (Desired::Running, GraphStatus::Stopped) if acting => (
                Plan::Settled(Outcome::Unchanged),
                format!(
                    "the schedule wants it running since {}, but stops graphs when idle \
                    (\"stop_when_idle\"): a graph stopped in a period starts at the next \
                    period's start, not in the middle of one",
                    latest.at
                ),
            ),
            (Desired::Running, GraphStatus::Stopped) => {
                (Plan::Settled(Outcome::Unchanged), why_left())
            }
            (desired, other) if acting => (
                Plan::Settled(Outcome::Skipped),
                format!(
                    "the schedule wants it {}, but the graph is {}; GES {} only {} graphs, so \
                     the next run that acts on the boundary tries again",
                    desired.as_str(),
                    describe(other),
                    match desired {
                        Desired::Stopped => "stops",
                        Desired::Running => "starts",
                    },
                    match desired {
                        Desired::Stopped => "running",
                        Desired::Running => "stopped",
                    }
                ),
            ),
            (_, other) => (
                Plan::Settled(Outcome::Unchanged),
                format!("the graph is {}; {}", describe(other), why_left()),
            ),
        }
    }
}

/// What a plan comes to when some of the schedule's calendars gave nothing: any day may
/// be a holiday, so no graph starts; stops go ahead, as they would on a holiday. The
/// reason says which calendar, once per graph.
fn without_calendars(unavailable: &[Unavailable], plan: Plan, reason: String) -> (Plan, String) {
    let Some(first) = unavailable.first() else {
        return (plan, reason);
    };
    let others = match unavailable.len() {
        1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    };
    match plan {
        Plan::Start | Plan::Settled(Outcome::WouldStart) => (
            Plan::Settled(Outcome::Unchanged),
            format!(
                "{reason}; but the calendar {first}{others} could not be read, so no graph \
                 starts: the day may be a holiday"
            ),
        ),
        plan => (
            plan,
            format!(
                "{reason}; the calendar {first}{others} could not be read: nothing starts \
                 until it is"
            ),
        ),
    }
}

/// What a reconcile decided for one graph: what it needs by the clock, and the Cloud
/// Eye check, if any, that settles it.
#[derive(Debug, Clone)]
pub struct Decision {
    /// What the graph needs by the clock; a check may change it.
    pub selected: Selected,
    /// The request counts that settle it, when its schedule reads them.
    pub check: Option<UsageCheck>,
}

impl Decision {
    /// A decision that asks Cloud Eye nothing.
    fn clock(selected: Selected) -> Self {
        Self {
            selected,
            check: None,
        }
    }
}

/// What a running graph's decision waits on: its request counts over a window, read
/// from Cloud Eye by the run, once for all graphs.
#[derive(Debug, Clone)]
pub struct UsageCheck {
    kind: CheckKind,
    status: GraphStatus,
    dry_run: bool,
}

#[derive(Debug, Clone)]
enum CheckKind {
    /// `stop_when_idle`: stopped if idle over `[from, to)`, else `otherwise`.
    Idle {
        from: Timestamp,
        to: Timestamp,
        otherwise: Outcome,
    },
    /// `spare_busy`: stopped unless it served requests over `[from, to)` (the last
    /// `quiet`); while busy, deferred until `until`.
    Spare {
        from: Timestamp,
        to: Timestamp,
        quiet: Minutes,
        until: Timestamp,
    },
}

impl UsageCheck {
    /// The window to read, `[from, to)`, whole minutes.
    pub fn window(&self) -> (Timestamp, Timestamp) {
        match self.kind {
            CheckKind::Idle { from, to, .. } | CheckKind::Spare { from, to, .. } => (from, to),
        }
    }

    /// The decision once the counts are read (what they show, or why they could not be
    /// read): `selected` is the clock's.
    pub fn settle(self, selected: Selected, read: Result<Usage, &str>) -> Selected {
        let settled = |selected: Selected, outcome: Outcome, reason: String| Selected {
            action: Action::Settled(GraphReport::settled(
                &selected.target,
                outcome,
                &self.status,
                reason,
            )),
            ..selected
        };
        let stop = |selected: Selected, reason: String| {
            if self.dry_run {
                return settled(selected, Outcome::WouldStop, reason);
            }
            let mut selected = Selected {
                action: Action::Stop,
                ..selected
            };
            if let Some(schedule) = &mut selected.facts.schedule {
                schedule.why = Some(reason);
            }
            selected
        };
        let clock_reason = |selected: &Selected| match &selected.action {
            Action::Settled(report) => report.reason.clone().unwrap_or_default(),
            Action::Stop | Action::Start => selected
                .facts
                .schedule
                .as_ref()
                .and_then(|schedule| schedule.why.clone())
                .unwrap_or_default(),
        };
        match (self.kind, read) {
            (
                CheckKind::Idle {
                    from, otherwise, ..
                },
                read,
            ) => {
                let why = match read {
                    Ok(Usage::Idle) => {
                        return stop(selected, format!("idle: no requests since {from}"));
                    }
                    Ok(Usage::Busy { requests }) => {
                        format!("in use: {requests} requests since {from}")
                    }
                    Ok(Usage::Unknown { reported, minutes }) => format!(
                        "not known to be idle: Cloud Eye has a datapoint for {reported} of the \
                        {minutes} minutes since {from}, so the graph may not have run throughout"
                    ),
                    Err(error) => {
                        format!("not known to be idle: Cloud Eye could not be read: {error}")
                    }
                };
                let reason = format!("{}; {why}", clock_reason(&selected));
                settled(selected, otherwise, reason)
            }
            (CheckKind::Spare { quiet, until, .. }, Ok(Usage::Busy { requests })) => {
                let reason = format!(
                    "busy: {requests} requests in the last {quiet}; stopped once quiet, or at \
                    {until} at the latest"
                );
                settled(selected, Outcome::Deferred, reason)
            }
            (CheckKind::Spare { until, .. }, Err(error)) => {
                let reason = format!(
                    "treated as busy until {until}, as Cloud Eye could not be read: {error}"
                );
                settled(selected, Outcome::Deferred, reason)
            }
            (CheckKind::Spare { quiet, .. }, Ok(Usage::Idle | Usage::Unknown { .. })) => {
                let reason = format!(
                    "{}; no requests in the last {quiet}",
                    clock_reason(&selected)
                );
                stop(selected, reason)
            }
        }
    }
}

/// What a graph needs, before it is made a [`Selected`].
enum Plan {
    Stop,
    Start,
    Settled(Outcome),
}

/// The value of the tag with this key; `None` without one or with an empty value, which
/// names nothing.
pub(crate) fn tag_value<'t>(tags: &'t [Tag], key: &str) -> Option<&'t str> {
    tags.iter()
        .find(|tag| tag.key == key)
        .and_then(|tag| tag.value.as_deref())
        .map(str::trim)
        .filter(|value| !value.is_empty())
}
