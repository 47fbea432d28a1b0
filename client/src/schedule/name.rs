//! A schedule's name: the value of a graph's schedule tag, so it follows the rules of tag
//! values (at most 63 characters of `[A-Za-z0-9._-]`).

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

use crate::input::Excerpt;

/// The longest name: what a GES tag value may hold.
pub const MAX_NAME_LEN: usize = 63;

/// A schedule's name: 1 to 63 characters of `A-Z a-z 0-9 . _ -`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScheduleName(Box<str>);

impl ScheduleName {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name that cannot be a schedule's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0} is not a schedule name: use 1 to 63 characters of A-Z, a-z, 0-9, '.', '_' and '-', \
     as a graph's tag value names it"
)]
pub struct ScheduleNameError(Excerpt);

impl FromStr for ScheduleName {
    type Err = ScheduleNameError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if text.is_empty() || text.len() > MAX_NAME_LEN || !text.chars().all(allowed) {
            return Err(ScheduleNameError(Excerpt::with_limit(text, 70)));
        }
        Ok(ScheduleName(text.into()))
    }
}

impl Borrow<str> for ScheduleName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ScheduleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_value_characters_only() {
        for good in ["office-hours", "a", "v1.2_x", &"x".repeat(63)] {
            assert_eq!(good.parse::<ScheduleName>().unwrap().as_str(), good);
        }
        for bad in [
            "",
            "office hours",
            "a:b",
            "a+b",
            "é",
            &"x".repeat(64),
            "a/b",
        ] {
            let error = bad.parse::<ScheduleName>().unwrap_err().to_string();
            assert!(error.contains("is not a schedule name"), "{error}");
        }
    }
}
