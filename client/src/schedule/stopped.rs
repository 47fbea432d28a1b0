//! How long a schedule wants a graph stopped within a span: the time between its
//! boundaries, read from [`Schedule::boundaries`] and [`Schedule::latest`], so that what
//! a reconcile acts on and what `ges-stop savings` counts are the same instants (skip
//! dates, DST gaps and folds included).

use jiff::{SignedDuration, Timestamp};

use super::boundaries::{Desired, MAX_SPAN_DAYS};
use super::definition::Schedule;

impl Schedule {
    /// How long, within `[from, to)`, the schedule wants a graph stopped: from the state
    /// in force at `from` ([`Schedule::latest`]) through each change after it. Exact to
    /// the second; zero for an empty or reversed span. Spans longer than
    /// [`MAX_SPAN_DAYS`] are cut there, as [`Schedule::boundaries`] cuts them.
    pub fn stopped_within(&self, from: Timestamp, to: Timestamp) -> SignedDuration {
        let cut = from
            .checked_add(SignedDuration::from_hours(24 * MAX_SPAN_DAYS))
            .unwrap_or(Timestamp::MAX);
        let to = to.min(cut);
        if to <= from {
            return SignedDuration::ZERO;
        }
        // A schedule that stops graphs only when idle plans no stop but its days off:
        // its skip dates, each a whole day, and its calendars' timed days off.
        if self.periods().is_empty() {
            let midnight = |date: jiff::civil::Date| {
                self.resolve(date.to_datetime(jiff::civil::Time::midnight()))
            };
            let mut off: Vec<(Timestamp, Timestamp)> = self
                .skip_dates()
                .iter()
                .map(|date| {
                    (
                        midnight(*date),
                        date.tomorrow().map_or(Timestamp::MAX, midnight),
                    )
                })
                .chain(self.timed_days_off(from, to))
                .collect();
            off.sort_unstable();
            let mut stopped = SignedDuration::ZERO;
            let mut covered = from;
            for (start, end) in off {
                let start = start.max(covered);
                let end = end.min(to);
                if start < end {
                    stopped += start.duration_until(end);
                    covered = end;
                }
            }
            return stopped;
        }
        let mut state = self.latest(from).desired;
        let mut since = from;
        let mut stopped = SignedDuration::ZERO;
        for boundary in self.boundaries(from, to) {
            if boundary.desired == state {
                continue;
            }
            if state == Desired::Stopped {
                stopped += since.duration_until(boundary.at);
            }
            state = boundary.desired;
            since = boundary.at;
        }
        if state == Desired::Stopped {
            stopped += since.duration_until(to);
        }
        stopped
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Date, date};

    use super::*;
    use crate::schedule::Schedules;

    fn schedules(schedule: &str) -> Schedules {
        Schedules::from_json(&format!(r#"{{"schedules": {{"s": {schedule}}}}}"#)).unwrap()
    }

    /// Stopped hours between two local dates' midnights, in the schedule's zone.
    #[test]
    fn a_schedule_stopped_only_when_idle_plans_only_its_skip_dates() {
        let idle_only = schedules(
            r#"{"timezone": "Europe/Berlin", "stop_when_idle": "30m", "skip_dates": ["2026-12-25"]}"#,
        );
        assert_eq!(hours(&idle_only, date(2026, 12, 1), date(2027, 1, 1)), 24.0);
        assert_eq!(
            hours(&idle_only, date(2026, 12, 1), date(2026, 12, 25)),
            0.0
        );
    }

    /// A calendar's timed day off counts too, once where it meets a skip date.
    #[test]
    fn a_schedule_stopped_only_when_idle_counts_timed_days_off_once() {
        let idle_only = schedules(
            r#"{"timezone": "UTC", "stop_when_idle": "30m", "skip_dates": ["2026-12-25"]}"#,
        );
        let at = |text: &str| text.parse::<Timestamp>().unwrap();
        let merged = idle_only
            .get("s")
            .unwrap()
            .merged_with(crate::schedule::merged::FromCalendars {
                timed: vec![
                    (at("2026-12-24T18:00:00Z"), at("2026-12-25T06:00:00Z"), 0),
                    (at("2026-12-28T08:00:00Z"), at("2026-12-28T10:00:00Z"), 0),
                ],
                ..Default::default()
            })
            .schedule;
        let hours =
            |from: &str, to: &str| merged.stopped_within(at(from), at(to)).as_secs_f64() / 3600.0;
        assert_eq!(
            hours("2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            6.0 + 24.0 + 2.0
        );
        assert_eq!(hours("2026-12-28T09:00:00Z", "2027-01-01T00:00:00Z"), 1.0);
    }

    fn hours(schedules: &Schedules, first: Date, end: Date) -> f64 {
        let s = schedules.get("s").unwrap();
        let midnight = |d: Date| s.resolve(d.to_datetime(jiff::civil::Time::midnight()));
        s.stopped_within(midnight(first), midnight(end))
            .as_secs_f64()
            / 3600.0
    }

    const BERLIN_OFFICE: &str = r#"{"timezone": "Europe/Berlin",
        "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}]}"#;

    #[test]
    fn a_daily_period_in_berlin_across_the_spring_and_autumn_changes() {
        let s = schedules(BERLIN_OFFICE);
        // 2026-03-29 (Sunday) has 23 hours: the hour lost is a stopped one (02:00-03:00).
        assert_eq!(hours(&s, date(2026, 3, 29), date(2026, 3, 30)), 11.0);
        assert_eq!(hours(&s, date(2026, 3, 28), date(2026, 3, 29)), 12.0);
        // 2026-10-25 has 25 hours: the hour gained is stopped too.
        assert_eq!(hours(&s, date(2026, 10, 25), date(2026, 10, 26)), 13.0);
        // March: 31 days of 12 stopped hours, less the hour lost.
        assert_eq!(
            hours(&s, date(2026, 3, 1), date(2026, 4, 1)),
            31.0 * 12.0 - 1.0
        );
        // October: one more.
        assert_eq!(
            hours(&s, date(2026, 10, 1), date(2026, 11, 1)),
            31.0 * 12.0 + 1.0
        );
    }

    #[test]
    fn a_period_across_the_change_runs_for_its_wall_clock_times() {
        // 01:00-05:00 on the night of the change: 3 real hours in March, 5 in October.
        let s = schedules(
            r#"{"timezone": "Europe/Berlin",
                "periods": [{"days": "sun", "start": "01:00", "stop": "05:00"}]}"#,
        );
        assert_eq!(hours(&s, date(2026, 3, 29), date(2026, 3, 30)), 23.0 - 3.0);
        assert_eq!(
            hours(&s, date(2026, 10, 25), date(2026, 10, 26)),
            25.0 - 5.0
        );
    }

    #[test]
    fn skip_dates_stop_the_whole_day_and_cut_an_overnight_period() {
        let s = schedules(
            r#"{"timezone": "UTC",
                "periods": [{"days": "mon-fri", "start": "22:00", "stop": "06:00"}],
                "skip_dates": ["2026-03-04"]}"#,
        );
        // Monday 2026-03-02 to Monday 2026-03-09. Without the skip date, running
        // 5 x 8 hours. Tuesday's night ends at 00:00 of the skip date (2 hours run, not
        // 8), Wednesday's does not start (8 hours more stopped).
        let week = 7.0 * 24.0;
        assert_eq!(
            hours(&s, date(2026, 3, 2), date(2026, 3, 9)),
            week - 5.0 * 8.0 + 6.0 + 8.0
        );
        // The week before it, which starts with Sunday night's stop at 06:00 Monday:
        // Monday 00:00-06:00 is running only if Sunday started a period; it did not.
        assert_eq!(
            hours(&s, date(2026, 2, 23), date(2026, 3, 2)),
            week - 5.0 * 8.0
        );
    }

    #[test]
    fn an_overnight_period_counts_on_both_sides_of_a_range_that_cuts_it() {
        let s = schedules(
            r#"{"timezone": "UTC",
                "periods": [{"days": "mon-fri", "start": "22:00", "stop": "06:00"}]}"#,
        );
        let s = s.get("s").unwrap();
        let at = |text: &str| text.parse::<Timestamp>().unwrap();
        // Monday 2026-03-02 23:00 (running) to Tuesday 07:00: stopped 06:00-07:00.
        assert_eq!(
            s.stopped_within(at("2026-03-02T23:00:00Z"), at("2026-03-03T07:00:00Z")),
            SignedDuration::from_hours(1)
        );
        // Mid-stop to mid-run: 12:00 to 23:30, stopped until 22:00.
        assert_eq!(
            s.stopped_within(at("2026-03-02T12:00:00Z"), at("2026-03-02T23:30:00Z")),
            SignedDuration::from_hours(10)
        );
        // Within one running stretch: nothing stopped.
        assert_eq!(
            s.stopped_within(at("2026-03-02T22:30:00Z"), at("2026-03-03T05:59:00Z")),
            SignedDuration::ZERO
        );
        // Empty and reversed spans.
        let t = at("2026-03-02T12:00:00Z");
        assert_eq!(s.stopped_within(t, t), SignedDuration::ZERO);
        assert_eq!(
            s.stopped_within(t, at("2026-03-01T12:00:00Z")),
            SignedDuration::ZERO
        );
    }

    #[test]
    fn a_stop_only_schedule_wants_the_graph_stopped_throughout() {
        let s = schedules(
            r#"{"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]}"#,
        );
        // March 2026 in Berlin is 743 hours long.
        assert_eq!(hours(&s, date(2026, 3, 1), date(2026, 4, 1)), 743.0);
        assert_eq!(hours(&s, date(2026, 10, 1), date(2026, 11, 1)), 745.0);
    }

    #[test]
    fn minutes_stay_minutes() {
        let s = schedules(
            r#"{"timezone": "Asia/Kathmandu",
                "periods": [{"days": "mon-fri", "start": "08:15", "stop": "17:50"}]}"#,
        );
        let s_ = s.get("s").unwrap();
        let midnight = |d: Date| s_.resolve(d.to_datetime(jiff::civil::Time::midnight()));
        // Monday 2026-03-02 to Monday 2026-03-09: 5 runs of 9 h 35 min.
        let stopped = s_.stopped_within(midnight(date(2026, 3, 2)), midnight(date(2026, 3, 9)));
        assert_eq!(stopped.as_secs(), (7 * 24 * 60 - 5 * (9 * 60 + 35)) * 60);
    }

    #[test]
    fn spans_past_the_limit_are_cut() {
        let s =
            schedules(r#"{"timezone": "UTC", "periods": [{"days": "mon-sun", "stop": "22:00"}]}"#);
        let s = s.get("s").unwrap();
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let far: Timestamp = "2036-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(
            s.stopped_within(from, far),
            SignedDuration::from_hours(24 * MAX_SPAN_DAYS)
        );
    }
}
