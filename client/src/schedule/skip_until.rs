//! The value of a graph's `skip-until` tag: until when the graph is kept out of its
//! schedule. Tag values may hold neither ':' nor '+', so besides a date and an RFC 3339
//! time there is the basic UTC form `20261224T100000Z`.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};

use super::date::parse_date;
use super::definition::Schedule;
use crate::input::Excerpt;

/// Until when a graph is kept out of its schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipUntil {
    /// From 00:00 of this day in the schedule's zone: `2026-12-24`.
    Date(Date),
    /// This instant: `2026-12-24T18:00:00+08:00` or `20261224T100000Z`.
    Instant(Timestamp),
}

/// A `skip-until` value of none of the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} is not a skip-until value: give a date (2026-12-24, meaning from 00:00 in the \
     schedule's time zone), a time with its offset (2026-12-24T18:00:00+08:00), or a UTC \
     time in basic form (20261224T100000Z), as tag values cannot hold ':' or '+'"
)]
pub struct SkipUntilError(Excerpt);

impl SkipUntil {
    /// The instant the skip ends, in `schedule`'s zone for a date.
    pub fn until(&self, schedule: &Schedule) -> Timestamp {
        match *self {
            SkipUntil::Date(date) => schedule
                .zone()
                .resolve(date.to_datetime(jiff::civil::Time::midnight())),
            SkipUntil::Instant(at) => at,
        }
    }
}

impl FromStr for SkipUntil {
    type Err = SkipUntilError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || SkipUntilError(Excerpt::with_limit(text, 40));
        let bytes = text.as_bytes();
        match bytes.len() {
            10 => parse_date(text).map(SkipUntil::Date).map_err(|_| error()),
            16 => basic_utc(text).map(SkipUntil::Instant).ok_or_else(error),
            // `2026-12-24T18:00:00Z` and longer; jiff reads RFC 3339 and insists on an
            // offset, so a bare local time cannot slip through as UTC.
            20.. if bytes[4] == b'-' && bytes[10] == b'T' && bytes.len() <= 40 => text
                .parse::<Timestamp>()
                .map(SkipUntil::Instant)
                .map_err(|_| error()),
            _ => Err(error()),
        }
    }
}

/// `YYYYMMDDTHHMMSSZ`.
fn basic_utc(text: &str) -> Option<Timestamp> {
    let bytes = text.as_bytes();
    if bytes.len() != 16 || bytes[8] != b'T' || bytes[15] != b'Z' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<i16> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let small = |range| digits(range).and_then(|value| i8::try_from(value).ok());
    let wall = DateTime::new(
        digits(0..4)?,
        small(4..6)?,
        small(6..8)?,
        small(9..11)?,
        small(11..13)?,
        small(13..15)?,
        0,
    )
    .ok()?;
    jiff::tz::Offset::UTC.to_timestamp(wall).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::document::Schedules;

    fn shanghai() -> Schedules {
        Schedules::from_json(
            r#"{"schedules": {"s": {"timezone": "Asia/Shanghai",
                "periods": [{"days": "mon-fri", "start": "08:00", "stop": "20:00"}]}}}"#,
        )
        .unwrap()
    }

    #[test]
    fn the_three_forms() {
        let schedules = shanghai();
        let schedule = schedules.get("s").unwrap();
        let until = |text: &str| {
            text.parse::<SkipUntil>()
                .unwrap()
                .until(schedule)
                .to_string()
        };
        assert_eq!(until("2026-12-24"), "2026-12-23T16:00:00Z");
        assert_eq!(until("2026-12-24T18:00:00+08:00"), "2026-12-24T10:00:00Z");
        assert_eq!(until("2026-12-24T10:00:00Z"), "2026-12-24T10:00:00Z");
        assert_eq!(until("20261224T100000Z"), "2026-12-24T10:00:00Z");
    }

    #[test]
    fn anything_else_names_what_was_given_and_the_forms() {
        for bad in [
            "",
            "tomorrow",
            "2026-12-32",
            "20261224T100000",
            "20261224T250000Z",
            "20261224 100000Z",
            "2026-12-24T18:00:00",
            "2026-12-24 18:00:00+08:00",
            "20261224",
            &"2026-12-24T18:00:00+08:00".repeat(10),
        ] {
            let error = bad.parse::<SkipUntil>().unwrap_err().to_string();
            assert!(error.contains("is not a skip-until value"), "{error}");
            assert!(error.contains("20261224T100000Z"), "{error}");
            assert!(error.len() < 400, "{error}");
        }
    }
}
