//! What a calendar's events come to, and the bounds on reading and expanding one: the
//! values the reader, the expansion and their callers share.

use jiff::civil::Date;

/// The largest calendar read: 1 MiB.
pub const MAX_CALENDAR_BYTES: usize = 1024 * 1024;

/// The most instances of one event walked over a range: a daily rule from 1900 is some
/// 46,000 by 2027; a rule that needs more is refused.
pub const MAX_OCCURRENCES: u32 = 100_000;

/// The most instances walked in one call to [`Calendar::days_in`] (or `days`), all events together.
pub const MAX_WALK: u32 = 2_000_000;

/// The longest range [`Calendar::days_in`] (or `days`) answers for, in days (ten years).
pub const MAX_RANGE_DAYS: i32 = 3_660;

/// How a source's events count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classify {
    /// Every event is a day off (or a stretch of one).
    AllOff,
    /// Every event is a working day.
    AllWork,
    /// The events whose `SUMMARY` or one of whose `CATEGORIES` holds this word are
    /// working days; the rest are days off (China's published feeds mark make-up days
    /// 班 and days off 休 in one file).
    WorkIf(String),
}

/// What a calendar gives a schedule over a range of local dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CalendarDays {
    /// All-day days off, sorted, unique, each with the line of the event (its
    /// `BEGIN:VEVENT`) that gave it (the first such event, by line).
    pub off: Vec<(Date, u32)>,
    /// Working days: every local date a working event covers, sorted, unique.
    pub work: Vec<(Date, u32)>,
    /// Timed events that are days off, sorted by start, overlapping or touching ones
    /// merged (the merged stretch keeps the line of its first event).
    pub timed: Vec<TimedOff>,
}

/// A stretch a timed event keeps the graph stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOff {
    /// Its start.
    pub start: jiff::Timestamp,
    /// Its end (exclusive).
    pub end: jiff::Timestamp,
    /// The line of its event's `BEGIN:VEVENT`.
    pub line: u32,
}
