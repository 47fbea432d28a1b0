//! The dates on which a schedule leaves its weekly pattern, each with where it came from,
//! for people to read (`ges-stop schedules check`): days off and make-up working days.

use jiff::civil::{Date, Weekday};

use super::days::day_name;
use super::definition::Schedule;

/// What a date does to a schedule's week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A day off: nothing starts, and what runs stops at its 00:00.
    Off,
    /// A make-up working day: the periods of this weekday start on it.
    WorksAs(Weekday),
}

impl DayKind {
    /// `day off`, or `works as mon`.
    pub fn describe(self) -> String {
        match self {
            DayKind::Off => "day off".to_owned(),
            DayKind::WorksAs(day) => format!("works as {}", day_name(day)),
        }
    }
}

/// Where a special date was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DaySource {
    /// The schedule's `skip_dates`.
    SkipDates,
    /// The schedule's `work_dates`.
    WorkDates,
    /// One of its calendars: the index in its list.
    Calendar(u16),
}

impl DaySource {
    /// The field that gave it (a calendar's is shown by the caller, who knows the
    /// schedule's calendars).
    pub fn as_str(self) -> &'static str {
        match self {
            DaySource::SkipDates => "skip_dates",
            DaySource::WorkDates => "work_dates",
            DaySource::Calendar(_) => "calendar",
        }
    }
}

/// A date that breaks a schedule's weekly pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecialDay {
    /// The local date, in the schedule's zone.
    pub date: Date,
    /// Off, or worked as another weekday.
    pub kind: DayKind,
    /// Where it was given.
    pub source: DaySource,
}

impl Schedule {
    /// Its timed days off that overlap `[from, to)`, in order.
    pub fn timed_days_off(
        &self,
        from: jiff::Timestamp,
        to: jiff::Timestamp,
    ) -> Vec<(jiff::Timestamp, jiff::Timestamp)> {
        self.timed_off
            .iter()
            .filter(|(start, end)| *start < to && from < *end)
            .copied()
            .collect()
    }

    /// Its days off and working days in `first..=last`, in date order.
    pub fn special_days(&self, first: Date, last: Date) -> Vec<SpecialDay> {
        let source = |date: Date, field: DaySource| match self
            .calendar_sources
            .binary_search_by_key(&date, |(day, _)| *day)
        {
            Ok(found) => DaySource::Calendar(self.calendar_sources[found].1),
            Err(_) => field,
        };
        let skips = self
            .skip_dates()
            .iter()
            .filter(|date| (first..=last).contains(*date))
            .map(|date| SpecialDay {
                date: *date,
                kind: DayKind::Off,
                source: source(*date, DaySource::SkipDates),
            });
        let works = self
            .work_dates()
            .iter()
            .filter(|(date, _)| (first..=last).contains(date))
            .map(|(date, works_as)| SpecialDay {
                date: *date,
                kind: DayKind::WorksAs(*works_as),
                source: source(*date, DaySource::WorkDates),
            });
        let mut days: Vec<SpecialDay> = skips.chain(works).collect();
        days.sort_by_key(|day| day.date);
        days
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use crate::schedule::document::Schedules;

    #[test]
    fn days_off_and_working_days_in_a_range_in_date_order() {
        let schedules = Schedules::from_json(
            r#"{"schedules": {"s": {"timezone": "Asia/Shanghai",
                "periods": [{"days": "mon-fri", "stop": "20:00"}],
                "skip_dates": ["2026-02-16", "2026-02-17", "2026-03-01"],
                "work_dates": [{"date": "2026-02-28", "as": "fri"},
                               {"date": "2026-02-14", "as": "mon"}]}}}"#,
        )
        .unwrap();
        let s = schedules.get("s").unwrap();
        let shown: Vec<String> = s
            .special_days(date(2026, 2, 14), date(2026, 2, 28))
            .iter()
            .map(|day| {
                format!(
                    "{} {} {}",
                    day.date,
                    day.kind.describe(),
                    day.source.as_str()
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "2026-02-14 works as mon work_dates",
                "2026-02-16 day off skip_dates",
                "2026-02-17 day off skip_dates",
                "2026-02-28 works as fri work_dates",
            ]
        );
        assert!(
            s.special_days(date(2026, 3, 2), date(2026, 3, 31))
                .is_empty()
        );
    }
}
