//! Where a schedule's calendars are read from and how their events count, as the
//! document gives them: a file (read and checked with the document) or a URL (fetched by
//! the runs), with `work_if` and `as`.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::Weekday;

use super::calendar::{Calendar, Classify};
use super::days::day_name;
use crate::calendars::CalendarUrl;

/// The most calendars (days off and working days together) one schedule may list.
pub const MAX_CALENDARS: usize = 8;

/// Which list of the schedule a calendar is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarList {
    /// `skip_calendars`: days off (and, with `work_if`, working days).
    Skip,
    /// `work_calendars`: every event a working day.
    Work,
}

/// Where a calendar is read from.
#[derive(Debug, Clone)]
pub enum CalendarLocation {
    /// A file, read and checked when the document was.
    File {
        /// Its path, as the document gave it.
        path: PathBuf,
        /// What it holds.
        calendar: Arc<Calendar>,
    },
    /// An address, fetched by the first run that needs it and refreshed while the
    /// function is warm.
    Url(CalendarUrl),
}

/// One of a schedule's calendars.
#[derive(Debug, Clone)]
pub struct CalendarSource {
    /// Its list and its index there, for messages.
    pub list: CalendarList,
    /// Its index in its list.
    pub index: usize,
    /// Where it is read from.
    pub location: CalendarLocation,
    /// Which of its events are days off, which working days.
    pub classify: Classify,
    /// The weekday its working days work as (none for a calendar of days off only).
    pub works_as: Option<Weekday>,
}

impl CalendarSource {
    /// Where the document lists it: `skip_calendars[0]`.
    pub fn field(&self) -> String {
        let list = match self.list {
            CalendarList::Skip => "skip_calendars",
            CalendarList::Work => "work_calendars",
        };
        format!("{list}[{}]", self.index)
    }

    /// Its URL, when it is fetched.
    pub fn url(&self) -> Option<&CalendarUrl> {
        match &self.location {
            CalendarLocation::Url(url) => Some(url),
            CalendarLocation::File { .. } => None,
        }
    }
}

impl fmt::Display for CalendarSource {
    /// `skip_calendars[0] (file /opt/holidays.ics)`, `work_calendars[1] (https://host/cn.ics?…, as mon)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.field())?;
        match &self.location {
            CalendarLocation::File { path, .. } => write!(f, "file {}", path.display())?,
            CalendarLocation::Url(url) => write!(f, "{url}")?,
        }
        if let Classify::WorkIf(word) = &self.classify {
            write!(f, ", working days where {word:?}")?;
        }
        if let Some(day) = self.works_as {
            write!(f, ", as {}", day_name(day))?;
        }
        f.write_str(")")
    }
}
