//! `X-Sdk-Date`: the signing time, to the second, in UTC.

use std::fmt;
use std::str::FromStr;

use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::error::{SignatureError, excerpt};

/// The `X-Sdk-Date` value: a UTC time to the second, written `YYYYMMDDTHHMMSSZ`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SdkDate(PrimitiveDateTime);

const SDK_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

impl SdkDate {
    /// The current time, for a request about to be signed.
    pub fn now() -> Self {
        Self::from_datetime(OffsetDateTime::now_utc())
    }

    /// `at` in UTC, without its fraction of a second.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(UtcOffset::UTC);
        // Setting the nanosecond to 0 cannot fail; falling back keeps this infallible.
        let utc = utc.replace_nanosecond(0).unwrap_or(utc);
        Self(PrimitiveDateTime::new(utc.date(), utc.time()))
    }

    /// Parses `YYYYMMDDTHHMMSSZ` strictly: 16 characters, no sign, no separators.
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let invalid = || SignatureError::InvalidSdkDate {
            value: excerpt(value),
        };
        // Fixed shape first: the format parser alone would accept a signed year.
        let well_shaped = value.len() == 16
            && value.bytes().enumerate().all(|(index, byte)| match index {
                8 => byte == b'T',
                15 => byte == b'Z',
                _ => byte.is_ascii_digit(),
            });
        if !well_shaped {
            return Err(invalid());
        }
        PrimitiveDateTime::parse(value, SDK_DATE_FORMAT)
            .map(Self)
            .map_err(|_| invalid())
    }

    /// This date as a UTC time.
    pub fn to_datetime(self) -> OffsetDateTime {
        self.0.assume_utc()
    }

    /// How far this date is ahead of `now` (negative when it is behind). A server compares
    /// its absolute value with the skew it allows.
    pub fn skew(self, now: OffsetDateTime) -> Duration {
        self.to_datetime() - now
    }

    /// [`SdkDate::skew`] against the system clock.
    pub fn skew_from_now(self) -> Duration {
        self.skew(OffsetDateTime::now_utc())
    }
}

impl fmt::Display for SdkDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Written by hand so that formatting cannot fail.
        let (date, time) = (self.0.date(), self.0.time());
        write!(
            f,
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            date.year(),
            u8::from(date.month()),
            date.day(),
            time.hour(),
            time.minute(),
            time.second()
        )
    }
}

impl FromStr for SdkDate {
    type Err = SignatureError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::parse(value)
    }
}

impl From<OffsetDateTime> for SdkDate {
    fn from(at: OffsetDateTime) -> Self {
        Self::from_datetime(at)
    }
}
