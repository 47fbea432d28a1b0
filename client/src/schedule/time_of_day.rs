//! A wall-clock time of day to the minute, `HH:MM` from 00:00 to 23:59: the start and stop
//! times of periods.

use std::fmt;
use std::str::FromStr;

use crate::input::Excerpt;

/// Minutes in a day.
pub(crate) const MINUTES_PER_DAY: u16 = 24 * 60;

/// A time of day, `00:00` to `23:59`; it cannot hold anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    /// 00:00, the first minute of a day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);

    /// Minutes since midnight, below 1,440.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// The time of day `minutes` after midnight, if below 1,440.
    pub fn from_minutes(minutes: u16) -> Option<TimeOfDay> {
        (minutes < MINUTES_PER_DAY).then_some(TimeOfDay(minutes))
    }

    /// The hour, 0 to 23.
    pub fn hour(self) -> i8 {
        // Below 24 by construction.
        (self.0 / 60) as i8
    }

    /// The minute of the hour, 0 to 59.
    pub fn minute(self) -> i8 {
        (self.0 % 60) as i8
    }

    /// As a civil time, for time zone arithmetic.
    pub fn to_civil(self) -> jiff::civil::Time {
        jiff::civil::Time::constant(self.hour(), self.minute(), 0, 0)
    }
}

/// A value that is not a time of day `HH:MM`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a time of day HH:MM (00:00 to 23:59)")]
pub struct TimeOfDayError(Excerpt);

impl FromStr for TimeOfDay {
    type Err = TimeOfDayError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || TimeOfDayError(Excerpt::with_limit(text, 40));
        let bytes = text.as_bytes();
        // Exactly two digits each: `8:00` or `08:00:00` would be guesses about intent.
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(error());
        }
        let two = |high: u8, low: u8| -> Option<u16> {
            (high.is_ascii_digit() && low.is_ascii_digit())
                .then(|| u16::from(high - b'0') * 10 + u16::from(low - b'0'))
        };
        let hour = two(bytes[0], bytes[1]).filter(|hour| *hour < 24);
        let minute = two(bytes[3], bytes[4]).filter(|minute| *minute < 60);
        match (hour, minute) {
            (Some(hour), Some(minute)) => Ok(TimeOfDay(hour * 60 + minute)),
            _ => Err(error()),
        }
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = TimeOfDayError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_parse_and_print() {
        for text in ["00:00", "08:30", "23:59", "12:00"] {
            assert_eq!(text.parse::<TimeOfDay>().unwrap().to_string(), text);
        }
        assert_eq!(
            "20:15".parse::<TimeOfDay>().unwrap().minutes(),
            20 * 60 + 15
        );
    }

    #[test]
    fn anything_else_is_refused_with_the_value_and_the_form() {
        for text in [
            "25:00",
            "24:00",
            "12:60",
            "8:00",
            "08:00:00",
            "0800",
            "",
            "ab:cd",
            "12:5x",
            "１２:00",
        ] {
            let error = text.parse::<TimeOfDay>().unwrap_err().to_string();
            assert!(error.contains("HH:MM (00:00 to 23:59)"), "{error}");
            assert!(error.starts_with('"'), "{error}");
        }
        assert_eq!(
            "25:00".parse::<TimeOfDay>().unwrap_err().to_string(),
            r#""25:00" is not a time of day HH:MM (00:00 to 23:59)"#
        );
    }
}
