//! A schedule with the days its calendars give merged into its own: the schedule a run
//! decides by. The document's own dates win over a calendar's: a person wrote them for
//! this schedule. Between calendars, a day off wins over a working day, with a warning.

use jiff::Timestamp;
use jiff::civil::{Date, Weekday};

use super::definition::Schedule;

/// The most warnings a merge keeps: a calendar at odds with another on every day of a
/// year would otherwise flood the logs.
const MAX_WARNINGS: usize = 10;

/// What a schedule's calendars give it over a range, each day with the index of the
/// calendar (in the schedule's list) it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct FromCalendars {
    /// Whole days off.
    pub(crate) off: Vec<(Date, u16)>,
    /// Working days, each with the weekday it works as.
    pub(crate) work: Vec<(Date, Weekday, u16)>,
    /// Timed days off, `[start, end)`.
    pub(crate) timed: Vec<(Timestamp, Timestamp, u16)>,
}

/// The merged schedule, and what the merge had to decide.
#[derive(Debug, Clone)]
pub(crate) struct Merged {
    pub(crate) schedule: Schedule,
    /// A day two calendars disagree on, each said once, at most [`MAX_WARNINGS`] of
    /// them and a count of the rest.
    pub(crate) warnings: Vec<String>,
}

impl Schedule {
    /// This schedule with `days` merged in.
    pub(crate) fn merged_with(&self, mut days: FromCalendars) -> Merged {
        let mut warnings = Vec::new();
        let mut unsaid = 0usize;
        let mut warn = |text: String| {
            if warnings.len() < MAX_WARNINGS {
                warnings.push(text);
            } else {
                unsaid += 1;
            }
        };
        let document_work = |date: Date| {
            self.work_dates
                .binary_search_by_key(&date, |(day, _)| *day)
                .is_ok()
        };
        days.off.sort_unstable();
        days.off.dedup_by_key(|(date, _)| *date);
        days.work
            .sort_unstable_by_key(|(date, _, index)| (*date, *index));
        let mut merged = self.clone();
        let mut sources = Vec::new();
        for &(date, index) in &days.off {
            if self.is_skip_date(date) || document_work(date) {
                continue;
            }
            merged.skip_dates.push(date);
            sources.push((date, index));
        }
        let mut last_work: Option<(Date, Weekday, u16)> = None;
        for &(date, works_as, index) in &days.work {
            if self.is_skip_date(date) || document_work(date) {
                continue;
            }
            if let Ok(found) = days.off.binary_search_by_key(&date, |(day, _)| *day) {
                warn(format!(
                    "{date}: calendar {} gives a day off and calendar {index} a working day; \
                     the day off wins",
                    days.off[found].1
                ));
                continue;
            }
            if let Some((last, last_as, last_index)) = last_work
                && last == date
            {
                if last_as != works_as {
                    warn(format!(
                        "{date}: calendars {last_index} and {index} work it as different \
                         weekdays; calendar {last_index}'s wins"
                    ));
                }
                continue;
            }
            last_work = Some((date, works_as, index));
            merged.work_dates.push((date, works_as));
            sources.push((date, index));
        }
        merged.skip_dates.sort_unstable();
        merged.work_dates.sort_unstable_by_key(|(date, _)| *date);
        sources.sort_unstable();
        merged.calendar_sources = sources;
        days.timed.sort_unstable();
        let mut timed: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(days.timed.len());
        for &(start, end, _) in &days.timed {
            if start >= end {
                continue;
            }
            match timed.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => timed.push((start, end)),
            }
        }
        merged.timed_off = timed;
        if unsaid > 0 {
            warnings.push(format!("and {unsaid} more days the calendars disagree on"));
        }
        Merged {
            schedule: merged,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::{Weekday, date};

    use super::*;
    use crate::schedule::boundaries::{DayOff, Desired};
    use crate::schedule::document::Schedules;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_document_wins_then_a_day_off_wins_over_a_working_day() {
        let schedules = Schedules::from_json(
            r#"{"schedules": {"s": {"timezone": "Asia/Shanghai",
                "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
                "skip_dates": ["2026-10-01"],
                "work_dates": [{"date": "2026-10-10", "as": "fri"}]}}}"#,
        )
        .unwrap();
        let s = schedules.get("s").unwrap();
        let merged = s.merged_with(FromCalendars {
            // The document works 10-10 and skips 10-01: both calendar days give way.
            off: vec![
                (date(2026, 10, 2), 0),
                (date(2026, 10, 10), 0),
                (date(2026, 10, 2), 1),
            ],
            work: vec![
                (date(2026, 10, 1), Weekday::Monday, 1),
                (date(2026, 10, 2), Weekday::Monday, 1),
                (date(2026, 9, 27), Weekday::Monday, 1),
                (date(2026, 9, 27), Weekday::Tuesday, 2),
            ],
            timed: vec![
                (at("2026-10-05T02:00:00Z"), at("2026-10-05T04:00:00Z"), 0),
                (at("2026-10-05T03:00:00Z"), at("2026-10-05T05:00:00Z"), 1),
                (at("2026-10-05T05:00:00Z"), at("2026-10-05T06:00:00Z"), 1),
                (at("2026-10-06T06:00:00Z"), at("2026-10-06T06:00:00Z"), 1),
            ],
        });
        let schedule = &merged.schedule;
        assert_eq!(
            schedule.skip_dates(),
            [date(2026, 10, 1), date(2026, 10, 2)]
        );
        assert_eq!(
            schedule.work_dates(),
            [
                (date(2026, 9, 27), Weekday::Monday),
                (date(2026, 10, 10), Weekday::Friday)
            ]
        );
        assert_eq!(
            merged.warnings,
            [
                "2026-09-27: calendars 1 and 2 work it as different weekdays; calendar 1's wins",
                "2026-10-02: calendar 0 gives a day off and calendar 1 a working day; the day \
                 off wins",
            ]
        );
        // Overlapping and touching timed days off are one; an empty one is none.
        assert_eq!(
            schedule.timed_days_off(at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
            [(at("2026-10-05T02:00:00Z"), at("2026-10-05T06:00:00Z"))]
        );
        // Monday 10-05 in Shanghai: running from 08:00 (00:00Z), off from 10:00 to 14:00
        // local, on again until 20:00.
        let shown: Vec<String> = schedule
            .boundaries(at("2026-10-05T00:00:00Z"), at("2026-10-05T16:00:00Z"))
            .iter()
            .map(|b| format!("{} {} {}", b.at, b.desired.as_str(), b.kind.as_str()))
            .collect();
        assert_eq!(
            shown,
            [
                "2026-10-05T00:00:00Z running start",
                "2026-10-05T02:00:00Z stopped holiday",
                "2026-10-05T06:00:00Z running holiday_end",
                "2026-10-05T12:00:00Z stopped stop",
            ]
        );
        assert_eq!(
            schedule.day_off_at(at("2026-10-05T03:00:00Z")),
            Some(DayOff::Timed {
                start: at("2026-10-05T02:00:00Z"),
                end: at("2026-10-05T06:00:00Z")
            })
        );
        assert_eq!(
            schedule.latest(at("2026-10-05T07:00:00Z")).desired,
            Desired::Running
        );
        let days: Vec<String> = schedule
            .special_days(date(2026, 9, 27), date(2026, 10, 10))
            .iter()
            .map(|day| format!("{} {:?}", day.date, day.source))
            .collect();
        assert_eq!(
            days,
            [
                "2026-09-27 Calendar(1)",
                "2026-10-01 SkipDates",
                "2026-10-02 Calendar(0)",
                "2026-10-10 WorkDates"
            ]
        );
    }
}
