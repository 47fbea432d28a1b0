//! The window request counts are read over, and how many graphs one Cloud Eye request
//! may carry for it.
//!
//! Cloud Eye's batch read (api-ces ces_03_0034) takes at most [`MAX_METRICS`] metrics,
//! and answers at most [`MAX_DATAPOINTS`] datapoints: past metrics x (to - from) /
//! interval it moves `from` forward without a word, and the minutes cut off would read
//! as minutes without data. It also rounds `from` down to the period, which would add
//! minutes before the window. A [`Window`] is therefore whole minutes, at most
//! [`MAX_DATAPOINTS`] of them, read at the raw period (a point a minute), and
//! [`Window::graphs_per_request`] says how many graphs fit in a request so that neither
//! limit is reached.

use std::fmt;

use time::OffsetDateTime;

use ges_api::ces::{MAX_DATAPOINTS, MAX_METRICS, MINUTE_MS};

/// A span of whole minutes, `[from, to)`, of at least one and at most
/// [`MAX_DATAPOINTS`] minutes: one graph's minutes always fit in one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    /// UNIX time in ms, on a minute.
    from_ms: i64,
    /// How many minutes.
    minutes: u32,
}

/// Why a window cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WindowError {
    /// An end is not on a whole minute.
    #[error(
        "the window {from} to {to} does not start and end on whole minutes: Cloud Eye counts \
         requests a minute at a time and would round its start down"
    )]
    NotWholeMinutes {
        /// The start asked for.
        from: OffsetDateTime,
        /// The end asked for.
        to: OffsetDateTime,
    },
    /// The window does not end after it starts.
    #[error("the window {from} to {to} is empty: its end must come after its start")]
    Empty {
        /// The start asked for.
        from: OffsetDateTime,
        /// The end asked for.
        to: OffsetDateTime,
    },
    /// The window holds more minutes than one request can read of one graph.
    #[error(
        "the window holds {minutes} minutes; Cloud Eye reads at most {MAX_DATAPOINTS} a \
         request, so read a shorter window"
    )]
    TooLong {
        /// How many minutes it holds.
        minutes: i64,
    },
}

impl Window {
    /// The window `[from, to)`, both on whole minutes.
    pub fn new(from: OffsetDateTime, to: OffsetDateTime) -> Result<Self, WindowError> {
        let (from_ms, to_ms) = (unix_ms(from), unix_ms(to));
        if from_ms % MINUTE_MS != 0 || to_ms % MINUTE_MS != 0 {
            return Err(WindowError::NotWholeMinutes { from, to });
        }
        if to_ms <= from_ms {
            return Err(WindowError::Empty { from, to });
        }
        let minutes = (to_ms - from_ms) / MINUTE_MS;
        match u32::try_from(minutes) {
            Ok(minutes) if minutes <= MAX_DATAPOINTS => Ok(Self { from_ms, minutes }),
            _ => Err(WindowError::TooLong { minutes }),
        }
    }

    /// The start, UNIX time in ms.
    pub fn from_ms(&self) -> i64 {
        self.from_ms
    }

    /// The end (excluded), UNIX time in ms.
    pub fn to_ms(&self) -> i64 {
        self.from_ms + i64::from(self.minutes) * MINUTE_MS
    }

    /// How many minutes it holds.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }

    /// The minute a timestamp falls on, counted from the window's start, if it is a
    /// minute of the window.
    pub(crate) fn minute_of(&self, timestamp_ms: i64) -> Option<u32> {
        let since = timestamp_ms.checked_sub(self.from_ms)?;
        if since < 0 || since % MINUTE_MS != 0 {
            return None;
        }
        u32::try_from(since / MINUTE_MS)
            .ok()
            .filter(|minute| *minute < self.minutes)
    }

    /// How many graphs one request may carry for this window: within both
    /// [`MAX_METRICS`] and [`MAX_DATAPOINTS`], so that Cloud Eye neither refuses the
    /// request nor shortens its window. At least one (a window holds at most
    /// [`MAX_DATAPOINTS`] minutes).
    pub fn graphs_per_request(&self) -> usize {
        let by_points = (MAX_DATAPOINTS / self.minutes.max(1)) as usize;
        by_points.clamp(1, MAX_METRICS)
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} minutes from {} ms", self.minutes, self.from_ms)
    }
}

/// A date as UNIX time in ms (dates ges-stop handles are far within `i64` ms).
fn unix_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
    }

    #[test]
    fn windows_are_whole_minutes_within_one_graphs_limit() {
        let base = 1_800_000_000_000 - 1_800_000_000_000 % MINUTE_MS;
        let window = Window::new(at(base), at(base + 30 * MINUTE_MS)).unwrap();
        assert_eq!(window.minutes(), 30);
        assert_eq!(window.to_ms(), base + 30 * MINUTE_MS);
        assert!(matches!(
            Window::new(at(base + 1), at(base + MINUTE_MS)),
            Err(WindowError::NotWholeMinutes { .. })
        ));
        assert!(matches!(
            Window::new(at(base), at(base)),
            Err(WindowError::Empty { .. })
        ));
        assert!(Window::new(at(base), at(base + 3000 * MINUTE_MS)).is_ok());
        assert!(matches!(
            Window::new(at(base), at(base + 3001 * MINUTE_MS)),
            Err(WindowError::TooLong { minutes: 3001 })
        ));
        assert_eq!(window.minute_of(base), Some(0));
        assert_eq!(window.minute_of(base + 29 * MINUTE_MS), Some(29));
        assert_eq!(window.minute_of(base + 30 * MINUTE_MS), None);
        assert_eq!(window.minute_of(base - MINUTE_MS), None);
        assert_eq!(window.minute_of(base + 1), None);
    }

    #[test]
    fn a_request_carries_as_many_graphs_as_both_limits_allow() {
        let base = 1_800_000_000_000 - 1_800_000_000_000 % MINUTE_MS;
        let per = |minutes: i64| {
            Window::new(at(base), at(base + minutes * MINUTE_MS))
                .unwrap()
                .graphs_per_request()
        };
        assert_eq!(per(1), 500);
        assert_eq!(per(6), 500);
        assert_eq!(per(7), 428);
        assert_eq!(per(30), 100);
        assert_eq!(per(1500), 2);
        assert_eq!(per(3000), 1);
        for minutes in [1, 6, 7, 30, 31, 999, 1501, 3000] {
            let graphs = per(minutes) as i64;
            assert!(graphs * minutes <= 3000 && graphs <= 500, "{minutes}");
            assert!((graphs + 1) * minutes > 3000 || graphs == 500, "{minutes}");
        }
    }
}
