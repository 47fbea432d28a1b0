//! The days a schedule's calendars give over the range a run looks at, merged into the
//! schedule a run decides by.

use std::fmt;
use std::sync::Arc;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

use super::calendar::{Calendar, CalendarError};
use super::calendar_source::{CalendarLocation, CalendarSource};
use super::definition::Schedule;
use super::merged::FromCalendars;

/// Days before a run's local date that its calendars are expanded over: `latest`'s
/// look back, with room.
const DAYS_BEFORE: i64 = 75;
/// Days after it: the longest span boundaries are asked for, with room.
const DAYS_AFTER: i64 = super::boundaries::MAX_SPAN_DAYS + 10;

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
            // Bounded by MAX_CALENDARS (calendar_source.rs), under u16.
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
