//! A whole number of seconds within a service's range (`MIN..=MAX`), checked where it
//! is read, so that a request can never carry a duration the service refuses. A leaf.

use std::str::FromStr;

/// Seconds in `MIN..=MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundedSeconds<const MIN: u32, const MAX: u32>(u32);

impl<const MIN: u32, const MAX: u32> BoundedSeconds<MIN, MAX> {
    /// `seconds` moved into the range: for the defaults, which are constants.
    pub const fn clamped(seconds: u32) -> Self {
        if seconds < MIN {
            Self(MIN)
        } else if seconds > MAX {
            Self(MAX)
        } else {
            Self(seconds)
        }
    }

    /// The seconds.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

/// A whole number in the range; anything else (a fraction, a sign, out of range) is
/// refused.
impl<const MIN: u32, const MAX: u32> FromStr for BoundedSeconds<MIN, MAX> {
    type Err = ();

    fn from_str(text: &str) -> Result<Self, ()> {
        match text.trim().parse::<u32>() {
            Ok(seconds) if (MIN..=MAX).contains(&seconds) => Ok(Self(seconds)),
            _ => Err(()),
        }
    }
}
