//! The schedule fields that decide by use, not only by the clock: `stop_when_idle` (stop
//! a graph nobody used for that long) and `spare_busy` (hold a stop while the graph
//! serves requests). Durations are written `30m`, `2h` or `1h30m`, whole minutes, and
//! parsed once into types that hold only values in range.

use std::fmt;
use std::str::FromStr;

use jiff::SignedDuration;

use crate::input::Excerpt;

/// The shortest `stop_when_idle`: Cloud Eye counts requests a minute at a time and its
/// data arrives some minutes late, so a shorter window says little.
pub const MIN_IDLE_MINUTES: u32 = 15;
/// The longest `stop_when_idle`: seven days, after which GES restarts a stopped graph
/// anyway.
pub const MAX_IDLE_MINUTES: u32 = 7 * 24 * 60;
/// The shortest `spare_busy.quiet`: a few of Cloud Eye's one-minute datapoints.
pub const MIN_QUIET_MINUTES: u32 = 5;
/// The longest `spare_busy.at_most`: a day, so that a stop is never held into the next
/// day's boundaries.
pub const MAX_AT_MOST_MINUTES: u32 = 24 * 60;

/// A span of whole minutes, written `30m`, `2h` or `1h30m`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Minutes(u32);

impl Minutes {
    /// How many minutes.
    pub fn get(self) -> u32 {
        self.0
    }

    /// As a duration.
    pub fn duration(self) -> SignedDuration {
        SignedDuration::from_mins(i64::from(self.0))
    }
}

impl fmt::Display for Minutes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0 / 60, self.0 % 60) {
            (0, minutes) => write!(f, "{minutes} minutes"),
            (1, 0) => write!(f, "1 hour"),
            (hours, 0) => write!(f, "{hours} hours"),
            (hours, minutes) => write!(f, "{hours}h{minutes}m"),
        }
    }
}

/// A value that is not a duration `30m`, `2h` or `1h30m`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a duration such as \"30m\", \"2h\" or \"1h30m\" (hours, then minutes)")]
pub struct MinutesError(Excerpt);

impl FromStr for Minutes {
    type Err = MinutesError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || MinutesError(Excerpt::with_limit(text, 40));
        let (hours, rest) = match text.split_once('h') {
            Some((hours, rest)) => (Some(hours), rest),
            None => (None, text),
        };
        let minutes = match rest {
            "" if hours.is_some() => None,
            rest => Some(rest.strip_suffix('m').ok_or_else(error)?),
        };
        // Digits only, at most five of them: no sign, space or second unit to guess at.
        let number = |digits: &str| -> Result<u32, MinutesError> {
            if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(error());
            }
            digits.parse().map_err(|_| error())
        };
        let hours = hours.map(number).transpose()?.unwrap_or(0);
        let minutes = minutes.map(number).transpose()?.unwrap_or(0);
        // `1h90m` would be a second spelling of `2h30m`.
        if hours > 0 && minutes >= 60 {
            return Err(error());
        }
        Ok(Minutes(hours * 60 + minutes))
    }
}

/// `stop_when_idle`: how long a running graph must have served no request to be
/// stopped, 15 minutes to 7 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StopWhenIdle(Minutes);

impl StopWhenIdle {
    /// The span read, checked against its bounds.
    pub fn new(span: Minutes) -> Result<Self, String> {
        if (MIN_IDLE_MINUTES..=MAX_IDLE_MINUTES).contains(&span.get()) {
            Ok(Self(span))
        } else {
            Err(format!(
                "{span} is out of range: give 15m to 7 days (168h); Cloud Eye's data is \
                 too coarse and late for less, and GES restarts a graph stopped for longer"
            ))
        }
    }

    /// How long.
    pub fn span(self) -> Minutes {
        self.0
    }
}

/// `spare_busy`: a stop is held while the graph served requests in the last `quiet`, at
/// most until `at_most` after the boundary. `quiet` is never longer than `at_most`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpareBusy {
    quiet: Minutes,
    at_most: Minutes,
}

impl SpareBusy {
    /// Both spans, checked: `quiet` 5 minutes or more, `at_most` a day or less, `quiet`
    /// no longer than `at_most`. The error names the field at fault.
    pub fn new(quiet: Minutes, at_most: Minutes) -> Result<Self, (&'static str, String)> {
        if quiet.get() < MIN_QUIET_MINUTES {
            return Err((
                "quiet",
                format!(
                    "{quiet} is too short: give 5m or more, as Cloud Eye counts requests a \
                     minute at a time"
                ),
            ));
        }
        if at_most.get() > MAX_AT_MOST_MINUTES {
            return Err((
                "at_most",
                format!("{at_most} is too long: give 24h or less"),
            ));
        }
        if quiet > at_most {
            return Err((
                "quiet",
                format!(
                    "{quiet} is longer than at_most ({at_most}): a graph could never be quiet \
                     for long enough before the stop is due anyway"
                ),
            ));
        }
        Ok(Self { quiet, at_most })
    }

    /// How long a graph must have served no request for a held stop to go ahead.
    pub fn quiet(self) -> Minutes {
        self.quiet
    }

    /// How long after the boundary a stop may be held.
    pub fn at_most(self) -> Minutes {
        self.at_most
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_hours_then_minutes_and_nothing_else() {
        for (text, minutes) in [
            ("30m", 30),
            ("2h", 120),
            ("1h30m", 90),
            ("0m", 0),
            ("168h", 10080),
        ] {
            assert_eq!(text.parse::<Minutes>().unwrap().get(), minutes, "{text}");
        }
        for bad in [
            "", "30", "h", "m", "1h90m", "-5m", "+5m", " 30m", "30m ", "1.5h", "30s", "1d", "2h30",
            "1m30h", "123456m", "h30m",
        ] {
            assert!(bad.parse::<Minutes>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn ranges_are_checked_and_name_the_field() {
        let m = |text: &str| text.parse::<Minutes>().unwrap();
        assert!(StopWhenIdle::new(m("15m")).is_ok());
        assert!(StopWhenIdle::new(m("168h")).is_ok());
        assert!(StopWhenIdle::new(m("14m")).is_err());
        assert!(StopWhenIdle::new(m("168h1m")).is_err());
        assert!(SpareBusy::new(m("15m"), m("2h")).is_ok());
        assert!(SpareBusy::new(m("2h"), m("2h")).is_ok());
        assert_eq!(SpareBusy::new(m("3h"), m("2h")).unwrap_err().0, "quiet");
        assert_eq!(SpareBusy::new(m("4m"), m("2h")).unwrap_err().0, "quiet");
        assert_eq!(
            SpareBusy::new(m("15m"), m("24h1m")).unwrap_err().0,
            "at_most"
        );
        assert_eq!(m("1h30m").to_string(), "1h30m");
        assert_eq!(m("15m").to_string(), "15 minutes");
    }
}
