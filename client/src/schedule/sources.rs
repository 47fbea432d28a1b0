//! A schedule's calendars: where each is read from (a file, read and checked with the
//! document; or a URL, fetched by the run that needs it), how its events count, and the
//! days they give over the range a run looks at.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp};

use super::calendar::{Calendar, CalendarError, Classify};
use super::days::day_name;
use super::definition::Schedule;
use super::merged::FromCalendars;
use crate::calendars::CalendarUrl;

/// The most calendars (days off and working days together) one schedule may list.
pub const MAX_CALENDARS: usize = 8;

/// Days before a run's local date that its calendars are expanded over: `latest`'s
/// look back, with room.
const DAYS_BEFORE: i64 = 75;
/// Days after it: the longest span boundaries are asked for, with room.
const DAYS_AFTER: i64 = super::MAX_SPAN_DAYS + 10;

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

/// A calendar that gave no days to a run, and why.
#[derive(Debug, Clone)]
pub struct Unavailable {
    /// Which calendar, as [`CalendarSource`]'s `Display` shows it.
    pub calendar: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.calendar, self.reason)
    }
}

/// A schedule with its calendars' days in, for one run: what the run decides by.
#[derive(Debug, Clone)]
pub struct WithCalendars {
    /// The schedule, its calendars' days merged into its own.
    pub schedule: Schedule,
    /// The calendars that gave nothing (no good copy, or an expansion refused): while
    /// one is, the schedule starts no graph, as any day may be a holiday.
    pub unavailable: Vec<Unavailable>,
    /// Days the calendars disagree on, and how each was settled.
    pub warnings: Vec<String>,
}

impl Schedule {
    /// Its calendars, skip calendars first, in document order.
    pub fn calendars(&self) -> &[CalendarSource] {
        &self.calendars
    }

    /// The local dates a run at `at` expands calendars over.
    pub fn calendar_range(&self, at: Timestamp) -> (Date, Date) {
        let today = self.zone().wall(at).date();
        let shift = |days: i64| today.saturating_add(SignedDuration::from_hours(24 * days));
        (shift(-DAYS_BEFORE), shift(DAYS_AFTER))
    }

    /// This schedule with its calendars' days over [`Schedule::calendar_range`] of `at`
    /// merged in. `fetched` answers for each calendar with a URL (by its index in
    /// [`Schedule::calendars`]): the copy to read, or why there is none.
    pub fn with_calendars(
        &self,
        at: Timestamp,
        mut fetched: impl FnMut(usize) -> Result<Arc<Calendar>, String>,
    ) -> WithCalendars {
        let (first, last) = self.calendar_range(at);
        let mut days = FromCalendars::default();
        let mut unavailable = Vec::new();
        for (index, source) in self.calendars.iter().enumerate() {
            let calendar = match &source.location {
                CalendarLocation::File { calendar, .. } => Ok(calendar.clone()),
                CalendarLocation::Url(_) => fetched(index),
            };
            let given = calendar.and_then(|calendar| {
                calendar
                    .days(self.zone(), first, last, &source.classify)
                    .map_err(|error: CalendarError| error.to_string())
            });
            let given = match given {
                Ok(given) => given,
                Err(reason) => {
                    unavailable.push(Unavailable {
                        calendar: source.to_string(),
                        reason,
                    });
                    continue;
                }
            };
            // Bounded by MAX_CALENDARS, under u16.
            let tag = index as u16;
            days.off
                .extend(given.off.iter().map(|(date, _)| (*date, tag)));
            if let Some(works_as) = source.works_as {
                days.work
                    .extend(given.work.iter().map(|(date, _)| (*date, works_as, tag)));
            }
            days.timed
                .extend(given.timed.iter().map(|off| (off.start, off.end, tag)));
        }
        let merged = self.merged_with(days);
        WithCalendars {
            schedule: merged.schedule,
            unavailable,
            warnings: merged.warnings,
        }
    }
}
