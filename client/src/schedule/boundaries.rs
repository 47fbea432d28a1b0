//! Where a schedule's desired state changes: the boundaries, computed from the periods'
//! occurrences day by day in the schedule's zone, with no allocation for [`Schedule::latest`].
//!
//! The events of a local date D: for each period starting on D's weekday, its start
//! and its stop (on D, or on D+1 past midnight); a stop-only period's stop; and, when D
//! is a skip date, 00:00 of D. On a skip date no occurrence starts, and one running into
//! it from the day before stops at its 00:00. Events at one instant are one boundary, a
//! start if there is one among them: periods that touch keep a graph running.
//!
//! A timed day off (a calendar's timed event) stops what runs at its start, and no
//! period starts inside it; at its end, a graph whose period is still on starts again,
//! as at a period's start.

use std::cmp::Reverse;

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

use super::definition::Schedule;

/// What a schedule wants of a graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Desired {
    /// Running.
    Running,
    /// Stopped.
    Stopped,
}

impl Desired {
    /// `running` or `stopped`.
    pub fn as_str(self) -> &'static str {
        match self {
            Desired::Running => "running",
            Desired::Stopped => "stopped",
        }
    }
}

/// Why a boundary is there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryKind {
    /// A period starts (perhaps as another ends).
    Start,
    /// A period stops, or a stop-only period's time.
    Stop,
    /// 00:00 of a skip date.
    SkipDate,
    /// The start of a timed day off.
    Holiday,
    /// The end of a timed day off, inside a period: the period goes on.
    HolidayEnd,
}

impl BoundaryKind {
    /// `start`, `stop` or `skip_date`.
    pub fn as_str(self) -> &'static str {
        match self {
            BoundaryKind::Start => "start",
            BoundaryKind::Stop => "stop",
            BoundaryKind::SkipDate => "skip_date",
            BoundaryKind::Holiday => "holiday",
            BoundaryKind::HolidayEnd => "holiday_end",
        }
    }

    /// Which kind names a boundary where events of several kinds meet.
    fn precedence(self) -> u8 {
        match self {
            BoundaryKind::Start => 3,
            BoundaryKind::HolidayEnd => 2,
            BoundaryKind::SkipDate | BoundaryKind::Holiday => 1,
            BoundaryKind::Stop => 0,
        }
    }

    /// The state a boundary of this kind asks for.
    pub fn desired(self) -> Desired {
        match self {
            BoundaryKind::Start | BoundaryKind::HolidayEnd => Desired::Running,
            BoundaryKind::Stop | BoundaryKind::SkipDate | BoundaryKind::Holiday => Desired::Stopped,
        }
    }
}

/// A day off a run falls in: every run stops what runs then, whether or not it is just
/// after a boundary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOff {
    /// A whole local date: a skip date, or a calendar's all-day event.
    Date(Date),
    /// A calendar's timed event, `[start, end)`.
    Timed {
        /// When it begins.
        start: Timestamp,
        /// When it ends.
        end: Timestamp,
    },
}

impl std::fmt::Display for DayOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DayOff::Date(date) => write!(f, "{date} is a skip date"),
            DayOff::Timed { start, end } => {
                write!(f, "a calendar keeps it off from {start} to {end}")
            }
        }
    }
}

/// An instant where a schedule's desired state is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boundary {
    /// When.
    pub at: Timestamp,
    /// The state wanted from then on.
    pub desired: Desired,
    /// Why.
    pub kind: BoundaryKind,
}

impl Boundary {
    fn new(at: Timestamp, kind: BoundaryKind) -> Boundary {
        Boundary {
            at,
            desired: kind.desired(),
            kind,
        }
    }
}

/// The longest span [`Schedule::boundaries`] computes; a longer one is cut there.
pub const MAX_SPAN_DAYS: i64 = 400;

/// The most weeks [`Schedule::latest`] looks back past the first when working days
/// took a week's only periods elsewhere.
const MAX_LOOK_BACK_WEEKS: usize = 8;

const DAY: SignedDuration = SignedDuration::from_hours(24);

/// `at + duration`, held at the end of time rather than failing there.
fn after(at: Timestamp, duration: SignedDuration) -> Timestamp {
    at.checked_add(duration).unwrap_or(Timestamp::MAX)
}

fn days_after(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_hours(24 * days))
}

impl Schedule {
    /// Calls `event` for every event whose occurrence begins on a local date in
    /// `first..=last`, timed days off included: no start inside one, a stop at its
    /// start, and at its end a start when a period is on then. At most
    /// [`MAX_SPAN_DAYS`] + 8 dates.
    fn for_each_event(&self, first: Date, last: Date, mut event: impl FnMut(Boundary)) {
        if self.timed_off.is_empty() {
            return self.for_each_weekly_event(first, last, event);
        }
        self.for_each_weekly_event(first, last, |boundary| {
            if boundary.kind != BoundaryKind::Start || self.timed_off_at(boundary.at).is_none() {
                event(boundary);
            }
        });
        // Those that touch the dates, with a day of margin either side for the zone's
        // offset (one may begin long before and end within them); callers keep the
        // instants they ask about.
        let midnight = |date: Date| self.zone().resolve(date.to_datetime(Time::midnight()));
        let from = midnight(days_after(first, -1));
        let to = midnight(days_after(last, 2));
        let begin = self.timed_off.partition_point(|off| off.1 < from);
        for &(start, end) in self.timed_off[begin..].iter().take_while(|off| off.0 < to) {
            event(Boundary::new(start, BoundaryKind::Holiday));
            let resumes = self
                .latest_between(
                    days_after(self.zone().wall(end).date(), -8),
                    self.zone().wall(end).date(),
                    end,
                    false,
                )
                .is_some_and(|latest| latest.desired == Desired::Running);
            if resumes {
                event(Boundary::new(end, BoundaryKind::HolidayEnd));
            }
        }
    }

    /// The timed day off `at` falls in, if any: `[start, end)`.
    pub(crate) fn timed_off_at(&self, at: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let after = self.timed_off.partition_point(|off| off.1 <= at);
        self.timed_off.get(after).copied().filter(|off| off.0 <= at)
    }

    /// [`Schedule::for_each_event`] without timed days off: the weekly pattern, skip
    /// dates and working days only.
    fn for_each_weekly_event(&self, first: Date, last: Date, mut event: impl FnMut(Boundary)) {
        let midnight = |date: Date| self.zone().resolve(date.to_datetime(Time::midnight()));
        let mut date = first;
        for _ in 0..MAX_SPAN_DAYS + 8 {
            if date > last {
                break;
            }
            let skipped = self.is_skip_date(date);
            if skipped {
                event(Boundary::new(midnight(date), BoundaryKind::SkipDate));
            }
            let weekday = self.works_as(date);
            for period in self.periods().iter().filter(|p| p.days().contains(weekday)) {
                let Some(start) = period.start() else {
                    let at = self
                        .zone()
                        .resolve(date.to_datetime(period.stop().to_civil()));
                    event(Boundary::new(at, BoundaryKind::Stop));
                    continue;
                };
                if skipped {
                    continue;
                }
                let start = self.zone().resolve(date.to_datetime(start.to_civil()));
                let stop = if period.overnight() {
                    let next = days_after(date, 1);
                    if self.is_skip_date(next) {
                        midnight(next)
                    } else {
                        self.zone()
                            .resolve(next.to_datetime(period.stop().to_civil()))
                    }
                } else {
                    self.zone()
                        .resolve(date.to_datetime(period.stop().to_civil()))
                };
                // A period inside a DST gap (02:10-02:40 on spring-forward day) resolves to
                // no time at all: it never runs, and its stop is an ordinary stop.
                if start < stop {
                    event(Boundary::new(start, BoundaryKind::Start));
                }
                event(Boundary::new(stop, BoundaryKind::Stop));
            }
            match date.tomorrow() {
                Ok(next) => date = next,
                Err(_) => break,
            }
        }
    }

    /// The boundary in force at `at`: the latest one at or before it. One exists within
    /// the 8 days before unless working days took the week's periods elsewhere: every
    /// period has a stop (or a skip date's 00:00 instead) at least weekly. Then the look
    /// goes back a week at a time, as far as there are working days to explain the gap.
    pub fn latest(&self, at: Timestamp) -> Boundary {
        let today = self.zone().wall(at).date();
        let mut best = self.latest_between(days_after(today, -8), days_after(today, 1), at, true);
        let mut last = days_after(today, -9);
        for _ in 0..self.work_dates.len().min(MAX_LOOK_BACK_WEEKS) {
            if best.is_some() {
                break;
            }
            best = self.latest_between(days_after(last, -6), last, at, true);
            last = days_after(last, -7);
        }
        // Reached only by a schedule without periods (one that stops graphs only when
        // idle) outside its skip dates, or one whose working days moved every period
        // away for weeks; its callers look at `periods()` first. Stopped is the safe
        // answer regardless.
        best.unwrap_or(Boundary::new(
            at.checked_sub(DAY * 8).unwrap_or(Timestamp::MIN),
            BoundaryKind::Stop,
        ))
    }

    /// The latest boundary at or before `at` among the events of `first..=last`, with
    /// or without timed days off.
    fn latest_between(
        &self,
        first: Date,
        last: Date,
        at: Timestamp,
        timed: bool,
    ) -> Option<Boundary> {
        let mut best: Option<Boundary> = None;
        let mut consider = |event: Boundary| {
            if event.at > at {
                return;
            }
            best = Some(match best {
                Some(best) if best.at > event.at => best,
                Some(best)
                    if best.at == event.at && best.kind.precedence() >= event.kind.precedence() =>
                {
                    best
                }
                _ => event,
            });
        };
        if timed {
            self.for_each_event(first, last, &mut consider);
        } else {
            self.for_each_weekly_event(first, last, &mut consider);
        }
        best
    }

    /// The first boundary after `at` whose desired state differs from `latest(at)`'s;
    /// `None` when it never changes (a stop-only schedule, or periods that cover the
    /// week with no skip date ahead).
    pub fn next_change(&self, at: Timestamp) -> Option<Boundary> {
        let current = self.latest(at).desired;
        if current == Desired::Stopped && !self.has_start() {
            return None;
        }
        // A week without skip dates or working days repeats every other such week: when
        // it holds no change, either there never is one, or it comes at the next such
        // date, which the search jumps to. A week with one may hide a change behind it
        // (the only start of the week skipped), so it moves on one week, at most once per
        // such date.
        let mut buffer = Vec::new();
        let mut from = at;
        for round in 0..2 * self.special_dates_from(self.zone().wall(at).date()) + 5 {
            // Most changes are within a day: look two days ahead first, as each day
            // looked at costs time zone conversions.
            let first_look = round == 0;
            let to = after(from, DAY * if first_look { 2 } else { 7 });
            self.merged_into(from, to, &mut buffer);
            if let Some(change) = buffer
                .iter()
                .find(|boundary| boundary.at > at && boundary.desired != current)
            {
                return Some(*change);
            }
            if first_look {
                from = to;
                continue;
            }
            let first = days_after(self.zone().wall(from).date(), -1);
            let last = days_after(self.zone().wall(to).date(), 1);
            from = match self.next_special_date(first) {
                None => return None,
                Some(special) if special <= last => to,
                Some(special) => {
                    let wall = days_after(special, -2).to_datetime(Time::midnight());
                    to.max(self.zone().resolve(wall))
                }
            };
        }
        None
    }

    /// Every boundary in `[from, to)`, in time order, at most [`MAX_SPAN_DAYS`] days of
    /// them: a longer span is cut there.
    pub fn boundaries(&self, from: Timestamp, to: Timestamp) -> Vec<Boundary> {
        let mut boundaries = Vec::new();
        self.merged_into(from, to, &mut boundaries);
        boundaries
    }

    /// The boundaries in `[from, to)` (cut at [`MAX_SPAN_DAYS`]) into `out`, which is
    /// cleared first.
    fn merged_into(&self, from: Timestamp, to: Timestamp, out: &mut Vec<Boundary>) {
        out.clear();
        let to = to.min(after(from, DAY * MAX_SPAN_DAYS as i32));
        if to <= from {
            return;
        }
        // An event's instant lies within a day of its wall time, which lies on its
        // occurrence's date or the next: two dates of margin either side catch them all.
        let first = days_after(self.zone().wall(from).date(), -2);
        let last = days_after(self.zone().wall(to).date(), 1);
        self.for_each_event(first, last, |event| {
            if from <= event.at && event.at < to {
                out.push(event);
            }
        });
        out.sort_unstable_by_key(|event| (event.at, Reverse(event.kind.precedence())));
        // Keeps the first of each instant: the start if there is one.
        out.dedup_by_key(|event| event.at);
    }

    /// The skip date `at` falls on, in the schedule's zone, if it is one.
    pub fn skip_date_at(&self, at: Timestamp) -> Option<Date> {
        let date = self.zone().wall(at).date();
        self.is_skip_date(date).then_some(date)
    }

    /// The day off `at` falls in, a whole date or a timed one, if any.
    pub fn day_off_at(&self, at: Timestamp) -> Option<DayOff> {
        if let Some(date) = self.skip_date_at(at) {
            return Some(DayOff::Date(date));
        }
        self.timed_off_at(at)
            .map(|(start, end)| DayOff::Timed { start, end })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::document::Schedules;

    fn schedule(json: &str) -> Schedules {
        Schedules::from_json(json).unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn show(boundaries: &[Boundary]) -> Vec<String> {
        boundaries
            .iter()
            .map(|b| format!("{} {} {}", b.at, b.desired.as_str(), b.kind.as_str()))
            .collect()
    }

    const OFFICE: &str = r#"{"schedules": {"office": {"timezone": "Asia/Shanghai",
        "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
        "skip_dates": ["2026-12-25"]}}}"#;

    #[test]
    fn office_hours_in_shanghai() {
        let schedules = schedule(OFFICE);
        let office = schedules.get("office").unwrap();
        // Thursday 2026-12-24 to Tuesday 2026-12-29, Shanghai is UTC+8.
        let boundaries = office.boundaries(at("2026-12-24T00:00:00Z"), at("2026-12-29T00:00:00Z"));
        assert_eq!(
            show(&boundaries),
            [
                "2026-12-24T00:00:00Z running start",
                "2026-12-24T12:00:00Z stopped stop",
                "2026-12-24T16:00:00Z stopped skip_date",
                "2026-12-28T00:00:00Z running start",
                "2026-12-28T12:00:00Z stopped stop",
            ]
        );
        let latest = office.latest(at("2026-12-25T03:00:00Z"));
        assert_eq!(latest.kind, BoundaryKind::SkipDate);
        assert_eq!(
            office.next_change(at("2026-12-25T03:00:00Z")).map(|b| b.at),
            Some(at("2026-12-28T00:00:00Z"))
        );
        assert_eq!(
            office.skip_date_at(at("2026-12-25T03:00:00Z")),
            Some(jiff::civil::date(2026, 12, 25))
        );
        assert_eq!(office.skip_date_at(at("2026-12-25T16:00:00Z")), None);
        assert_eq!(
            office.latest(at("2026-12-28T00:00:00Z")).desired,
            Desired::Running
        );
        assert_eq!(
            office.latest(at("2026-12-27T23:59:59Z")).at,
            at("2026-12-24T16:00:00Z")
        );
    }

    #[test]
    fn touching_periods_keep_running_and_skip_dates_cut_overnight_periods() {
        let schedules = schedule(
            r#"{"schedules": {"s": {"timezone": "UTC", "periods": [
                {"days": "mon", "start": "08:00", "stop": "12:00"},
                {"days": "mon", "start": "12:00", "stop": "20:00"},
                {"days": "tue", "start": "22:00", "stop": "06:00"}],
                "skip_dates": ["2026-03-04"]}}}"#,
        );
        let s = schedules.get("s").unwrap();
        // Monday 2026-03-02.
        let boundaries = s.boundaries(at("2026-03-02T00:00:00Z"), at("2026-03-05T00:00:00Z"));
        assert_eq!(
            show(&boundaries),
            [
                "2026-03-02T08:00:00Z running start",
                "2026-03-02T12:00:00Z running start",
                "2026-03-02T20:00:00Z stopped stop",
                "2026-03-03T22:00:00Z running start",
                "2026-03-04T00:00:00Z stopped skip_date",
            ]
        );
        assert_eq!(
            s.next_change(at("2026-03-02T09:00:00Z")).map(|b| b.at),
            Some(at("2026-03-02T20:00:00Z"))
        );
    }

    #[test]
    fn stop_only_schedules_never_change_from_stopped() {
        let schedules = schedule(
            r#"{"schedules": {"n": {"timezone": "Europe/Berlin",
                "periods": [{"days": "mon-sun", "stop": "22:00"}]}}}"#,
        );
        let n = schedules.get("n").unwrap();
        let latest = n.latest(at("2026-07-01T12:00:00Z"));
        assert_eq!(latest.at, at("2026-06-30T20:00:00Z"));
        assert_eq!(latest.desired, Desired::Stopped);
        assert_eq!(n.next_change(at("2026-07-01T12:00:00Z")), None);
        assert_eq!(
            n.boundaries(at("2026-07-01T00:00:00Z"), at("2026-07-03T00:00:00Z"))
                .len(),
            2
        );
    }

    #[test]
    fn a_week_always_running_changes_only_at_a_skip_date() {
        let json = |skip: &str| {
            format!(
                r#"{{"schedules": {{"a": {{"timezone": "UTC", "periods": [
                {{"days": "mon-sun", "start": "00:00", "stop": "12:00"}},
                {{"days": "mon-sun", "start": "12:00", "stop": "00:00"}}],
                "skip_dates": [{skip}]}}}}}}"#
            )
        };
        let always = schedule(&json(""));
        let a = always.get("a").unwrap();
        assert_eq!(
            a.latest(at("2026-05-05T05:00:00Z")).desired,
            Desired::Running
        );
        assert_eq!(a.next_change(at("2026-05-05T05:00:00Z")), None);
        let holiday = schedule(&json(r#""2026-08-01""#));
        let a = holiday.get("a").unwrap();
        assert_eq!(
            a.next_change(at("2026-05-05T05:00:00Z")),
            Some(Boundary::new(
                at("2026-08-01T00:00:00Z"),
                BoundaryKind::SkipDate
            ))
        );
        assert_eq!(
            a.next_change(at("2026-08-01T05:00:00Z")),
            Some(Boundary::new(
                at("2026-08-02T00:00:00Z"),
                BoundaryKind::Start
            ))
        );
    }

    #[test]
    fn spans_are_cut_at_the_limit() {
        let schedules = schedule(OFFICE);
        let office = schedules.get("office").unwrap();
        let from = at("2026-01-01T00:00:00Z");
        let all = office.boundaries(from, at("2030-01-01T00:00:00Z"));
        let last = all.last().unwrap().at;
        assert!(last < from + DAY * MAX_SPAN_DAYS as i32, "{last}");
        assert!(office.boundaries(from, from).is_empty());
        assert!(
            office
                .boundaries(from, at("2025-01-01T00:00:00Z"))
                .is_empty()
        );
    }
}
