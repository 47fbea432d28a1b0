//! The dates a savings estimate covers: whole local days, read in each schedule's own
//! zone, so that "December" is December in Shanghai for a Shanghai schedule and in
//! Berlin for a Berlin one.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, Time, date};

use crate::schedule::Schedule;

/// The most days one estimate covers: a year, a leap year's included.
pub const MAX_DAYS: i32 = 366;
/// The first date an estimate may start on: GES and this tool are younger.
const FIRST: Date = date(2000, 1, 1);
/// The last date an estimate may end on.
const LAST: Date = date(2999, 12, 31);

/// Whole days, `first` to `last`, both included; at most [`MAX_DAYS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateRange {
    first: Date,
    last: Date,
}

/// A range that cannot be estimated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RangeError {
    /// A month that does not read as `YYYY-MM`.
    #[error("{0} is not a month YYYY-MM, such as 2026-12")]
    Month(crate::input::Excerpt),
    /// The last date before the first.
    #[error("the range ends ({last}) before it starts ({first})")]
    Reversed {
        /// The first date.
        first: Date,
        /// The last date.
        last: Date,
    },
    /// More days than an estimate covers.
    #[error(
        "the range covers {days} days, more than {MAX_DAYS}: estimate a year at most at a time"
    )]
    TooLong {
        /// How many.
        days: i32,
    },
    /// A date outside the years an estimate may cover.
    #[error("{0} is outside the dates an estimate covers, {FIRST} to {LAST}")]
    OutOfYears(Date),
}

impl DateRange {
    /// `first` to `last`, both included.
    pub fn new(first: Date, last: Date) -> Result<Self, RangeError> {
        for date in [first, last] {
            if !(FIRST..=LAST).contains(&date) {
                return Err(RangeError::OutOfYears(date));
            }
        }
        if last < first {
            return Err(RangeError::Reversed { first, last });
        }
        let days = first
            .until(last)
            .map(|span| span.get_days() + 1)
            .unwrap_or(i32::MAX);
        if days > MAX_DAYS {
            return Err(RangeError::TooLong { days });
        }
        Ok(Self { first, last })
    }

    /// The month `YYYY-MM`.
    pub fn month(text: &str) -> Result<Self, RangeError> {
        let bad = || RangeError::Month(crate::input::Excerpt::with_limit(text, 20));
        let (year, month) = text.split_once('-').ok_or_else(bad)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(bad());
        }
        let year: i16 = year.parse().map_err(|_| bad())?;
        let month: i8 = month.parse().map_err(|_| bad())?;
        let first = Date::new(year, month, 1).map_err(|_| bad())?;
        Self::new(first, first.last_of_month())
    }

    /// The month that holds `today`.
    pub fn month_of(today: Date) -> Result<Self, RangeError> {
        Self::new(today.first_of_month(), today.last_of_month())
    }

    /// The first day.
    pub fn first(&self) -> Date {
        self.first
    }

    /// The last day, included.
    pub fn last(&self) -> Date {
        self.last
    }

    /// How many days.
    pub fn days(&self) -> i32 {
        self.first
            .until(self.last)
            .map(|span| span.get_days() + 1)
            .unwrap_or(0)
    }

    /// The instants the range spans in `schedule`'s zone: from 00:00 of the first day to
    /// 00:00 of the day after the last, placed as the schedule places its boundaries.
    pub fn span_in(&self, schedule: &Schedule) -> (Timestamp, Timestamp) {
        let midnight = |day: Date| schedule.resolve(day.to_datetime(Time::midnight()));
        let end = self.last.tomorrow().unwrap_or(self.last);
        (midnight(self.first), midnight(end))
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.first, self.last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::Schedules;

    #[test]
    fn a_month_is_its_days_and_its_span_is_in_the_schedules_zone() {
        let range = DateRange::month("2026-02").unwrap();
        assert_eq!(
            (range.first(), range.last()),
            (date(2026, 2, 1), date(2026, 2, 28))
        );
        assert_eq!(range.days(), 28);
        assert_eq!(DateRange::month("2028-02").unwrap().days(), 29);
        let schedules = Schedules::from_json(
            r#"{"schedules": {"s": {"timezone": "Asia/Shanghai",
                "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}]}}}"#,
        )
        .unwrap();
        let (from, to) = DateRange::month("2026-12")
            .unwrap()
            .span_in(schedules.get("s").unwrap());
        assert_eq!(from.to_string(), "2026-11-30T16:00:00Z");
        assert_eq!(to.to_string(), "2026-12-31T16:00:00Z");
    }

    #[test]
    fn bad_ranges_are_refused_with_the_reason() {
        for bad in ["2026-13", "2026-1", "26-01", "2026/01", "", "2026-01-01"] {
            assert!(
                matches!(DateRange::month(bad), Err(RangeError::Month(_))),
                "{bad}"
            );
        }
        assert!(matches!(
            DateRange::new(date(2026, 3, 2), date(2026, 3, 1)),
            Err(RangeError::Reversed { .. })
        ));
        assert!(DateRange::new(date(2028, 1, 1), date(2028, 12, 31)).is_ok());
        assert_eq!(
            DateRange::new(date(2026, 1, 1), date(2027, 1, 2)),
            Err(RangeError::TooLong { days: 367 })
        );
        assert!(matches!(
            DateRange::new(date(1999, 12, 31), date(2000, 1, 1)),
            Err(RangeError::OutOfYears(_))
        ));
        assert_eq!(
            DateRange::new(date(2026, 5, 5), date(2026, 5, 5))
                .unwrap()
                .days(),
            1
        );
    }
}
