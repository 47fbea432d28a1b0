//! Calendars: iCalendar (RFC 5545) documents of days off and working days, read once and
//! expanded over the local dates a schedule asks about. Pure: the text comes in, days come
//! out; reading files and fetching URLs belong to the caller.
//!
//! - An all-day event (`DTSTART;VALUE=DATE`, several days with `DTEND`, exclusive, or
//!   `DURATION`) covers each local day from its start; without either, one day.
//! - A timed event covers its start to its end: a `TZID` is looked up by name in the IANA
//!   database compiled in (the calendar's own `VTIMEZONE` definitions are **not** used: a
//!   name our database does not know, a Windows name such as "W. Europe Standard Time"
//!   say, is an error naming the line), a UTC time (`Z`) is an instant, and a floating
//!   time is read in the schedule's zone. A wall time in a DST gap moves forward, one in a
//!   fold is the earlier instant, as for periods (`zone.rs`). A timed event with neither
//!   `DTEND` nor `DURATION` lasts no time (RFC 5545 3.6.1) and is dropped.
//! - Recurrences (`RRULE`, `RDATE`, `EXDATE`, `EXRULE`, and `RECURRENCE-ID` overrides,
//!   `RANGE=THISANDFUTURE` included) are expanded by ical-rs's `recur` module on civil
//!   times, on the clock of the event's `DTSTART`; a time written on another clock (a UTC
//!   `UNTIL`, an `EXDATE` under another `TZID`) is told on that one through our zones
//!   first. Expansion walks at most [`MAX_OCCURRENCES`] instances of one event, and
//!   [`MAX_WALK`] in one call, up to the end of the range asked for: a rule that needs
//!   more is refused with its line, never cut short silently, never a hang.
//! - `STATUS:CANCELLED` events, and instances an override cancels, count for nothing.
//! - [`Classify`] says which events are days off and which are working days.
//!
//! What it costs (`lambda-bench calendar`, a shared 2-core machine): reading 1 MiB
//! (3,868 events) takes about 13 ms; expanding it over two weeks about 19 ms, over a year
//! about 23 ms. ical-rs tests every day of each yearly or monthly period it walks, so the
//! walk of a rule without COUNT starts just before the range (`expand::later_start`);
//! rules with COUNT are walked from their DTSTART. The answer is meant to be kept (per
//! refresh, per schedule zone), not asked again for every graph.
//!
//! `Calendar::days` takes the schedule's `Zone`, which is crate-private;
//! [`Calendar::days_in`] is the same for a zone given by name.

mod days;
mod error;
mod expand;
mod read;

#[cfg(test)]
mod tests;

use jiff::civil::Date;

pub use days::{
    CalendarDays, Classify, MAX_CALENDAR_BYTES, MAX_OCCURRENCES, MAX_RANGE_DAYS, MAX_WALK, TimedOff,
};
pub use error::CalendarError;

use crate::schedule::zone::Zone;

/// A parsed, checked iCalendar document (RFC 5545): its events, ready to expand.
#[derive(Debug, Clone)]
pub struct Calendar {
    events: Vec<read::Event>,
}

impl Calendar {
    /// Reads and checks `text`: its size, its structure, every event's dates, zones and
    /// rules. Nothing is expanded yet.
    pub fn parse(text: &str) -> Result<Calendar, CalendarError> {
        if text.len() > MAX_CALENDAR_BYTES {
            return Err(CalendarError::TooLarge {
                size: text.len(),
                limit: MAX_CALENDAR_BYTES,
            });
        }
        let mut events = read::events(text)?;
        expand::link(&mut events)?;
        Ok(Calendar { events })
    }

    /// How many events the calendar lists (overrides included).
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// Whether it lists none (never, once parsed: a calendar without events is refused).
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// The occurrences that touch local dates `first..=last` in `zone` (the schedule's),
    /// expanded only over that range (bounded: never a hang, whatever the rule).
    pub(crate) fn days(
        &self,
        zone: &Zone,
        first: Date,
        last: Date,
        classify: &Classify,
    ) -> Result<CalendarDays, CalendarError> {
        expand::days(&self.events, zone, first, last, classify)
    }

    /// [`days`](Self::days) for a schedule zone given by its IANA name (the front doors
    /// and tests, which hold names, not zones).
    pub fn days_in(
        &self,
        timezone: &str,
        first: Date,
        last: Date,
        classify: &Classify,
    ) -> Result<CalendarDays, CalendarError> {
        let zone = Zone::lookup(timezone)
            .map_err(|error| CalendarError::ScheduleZone(error.to_string().into()))?;
        self.days(&zone, first, last, classify)
    }
}
