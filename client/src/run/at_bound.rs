//! How far from now a reconcile that acts may be evaluated: `at` within
//! [`MaxEventAge`] in the past and [`MAX_AHEAD`] in the future. A dry run sends nothing
//! and takes any `at`. A leaf: the settings read the age, the runner checks against it.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

/// How far ahead of now an acting run's `at` may be: a caller's clock a little fast, or
/// a scheduler that fires a moment early, and no more. A run meant for later is sent
/// later.
pub const MAX_AHEAD: SignedDuration = SignedDuration::from_mins(5);

/// How late an acting run's `at` may be unless configured: two hours. The template's
/// reconcile schedule has EventBridge Scheduler retry delivery for up to an hour
/// (`RetryPolicy.MaximumEventAgeInSeconds: 3600`), and the function's asynchronous
/// invocation keeps an event and retries a failed run for up to another hour
/// (`StopFunctionEventInvokeConfig.MaximumEventAgeInSeconds: 3600`): 60 + 60 minutes is
/// the latest a run the template schedules can legitimately arrive.
pub(super) const DEFAULT_MAX_EVENT_AGE_MINUTES: u16 = 120;

/// The most `GES_MAX_EVENT_AGE_MINUTES` may say: a week. A schedule's week has come
/// round again by then, so an older event stands for a boundary that has recurred since
/// and been acted on (or not) by the runs in between.
pub const MAX_EVENT_AGE_MINUTES: u16 = 10_080;

/// How far in the past an acting run's `at` may be: 1 to [`MAX_EVENT_AGE_MINUTES`]
/// minutes, checked when the settings are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxEventAge(u16);

impl MaxEventAge {
    /// `minutes`, if within 1 to [`MAX_EVENT_AGE_MINUTES`].
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (1..=MAX_EVENT_AGE_MINUTES)
            .contains(&minutes)
            .then_some(Self(minutes))
    }

    /// The minutes.
    pub fn minutes(self) -> u16 {
        self.0
    }

    /// Whether a run that acts may be evaluated at `at`, the clock saying `now`.
    pub fn check(self, at: Timestamp, now: Timestamp) -> Result<(), AtOutOfBounds> {
        let ahead = at.duration_since(now);
        let side = if ahead > MAX_AHEAD {
            Side::Ahead
        } else if -ahead > SignedDuration::from_mins(i64::from(self.0)) {
            Side::Behind
        } else {
            return Ok(());
        };
        Err(AtOutOfBounds {
            at,
            now,
            side,
            max_age: self,
        })
    }
}

impl Default for MaxEventAge {
    fn default() -> Self {
        Self(DEFAULT_MAX_EVENT_AGE_MINUTES)
    }
}

/// Which way an `at` is out of bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Further in the past than the configured age.
    Behind,
    /// Further in the future than [`MAX_AHEAD`].
    Ahead,
}

/// An `at` too far from now for a run that acts; nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AtOutOfBounds {
    /// The instant asked for.
    pub at: Timestamp,
    /// The clock when it was checked.
    pub now: Timestamp,
    /// Which way it is out.
    pub side: Side,
    /// The age in force.
    pub max_age: MaxEventAge,
}

impl AtOutOfBounds {
    /// The refusal, naming the field (`"at"`, `--at`) and how to ask for a dry run
    /// (`"dry_run": true`, `--dry-run`), so that each front door speaks its own terms.
    pub fn describe(&self, field: &str, dry_run: &str) -> String {
        let minutes = self.at.duration_since(self.now).as_mins().unsigned_abs();
        let (how_far, bound) = match self.side {
            Side::Behind => (
                format!("{minutes} minutes in the past"),
                format!(
                    "no more than {} minutes in the past (GES_MAX_EVENT_AGE_MINUTES)",
                    self.max_age.minutes()
                ),
            ),
            Side::Ahead => (
                format!("{minutes} minutes in the future"),
                format!("no more than {} minutes in the future", MAX_AHEAD.as_mins()),
            ),
        };
        format!(
            "{field} is {at}, {how_far}: a run that stops or starts graphs takes an {field} \
             {bound}, so that a late, replayed or mistyped event cannot act at the wrong \
             time; nothing was sent. Add {dry_run} to see what a run at that instant would \
             do, or leave {field} out to act now",
            at = self.at,
        )
    }
}

impl fmt::Display for AtOutOfBounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("\"at\"", "\"dry_run\": true"))
    }
}

impl std::error::Error for AtOutOfBounds {}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn the_range_is_one_minute_to_a_week() {
        assert_eq!(MaxEventAge::from_minutes(0), None);
        assert_eq!(
            MaxEventAge::from_minutes(1).map(MaxEventAge::minutes),
            Some(1)
        );
        assert!(MaxEventAge::from_minutes(10_080).is_some());
        assert_eq!(MaxEventAge::from_minutes(10_081), None);
        assert_eq!(MaxEventAge::default().minutes(), 120);
    }

    #[test]
    fn within_the_bounds_is_taken_and_beyond_is_refused_naming_the_bound() {
        let now = ts("2026-12-07T12:00:00Z");
        let age = MaxEventAge::default();
        for fine in [
            "2026-12-07T12:00:00Z",
            "2026-12-07T10:00:00Z",
            "2026-12-07T12:05:00Z",
        ] {
            assert_eq!(age.check(ts(fine), now), Ok(()), "{fine}");
        }
        let late = age.check(ts("2026-12-07T09:59:59Z"), now).unwrap_err();
        assert_eq!(late.side, Side::Behind);
        let message = late.to_string();
        assert!(
            message.starts_with("\"at\" is 2026-12-07T09:59:59Z"),
            "{message}"
        );
        assert!(message.contains("120 minutes") && message.contains("GES_MAX_EVENT_AGE_MINUTES"));
        let early = age.check(ts("2026-12-07T12:05:01Z"), now).unwrap_err();
        assert_eq!(early.side, Side::Ahead);
        let message = early.describe("--at", "--dry-run");
        assert!(
            message.starts_with("--at is 2026-12-07T12:05:01Z"),
            "{message}"
        );
        assert!(message.contains("5 minutes in the future") && message.contains("--dry-run"));
        // Years away: still a sentence of bounded length.
        let far = age.check(ts("2031-03-03T13:05:00Z"), now).unwrap_err();
        assert!(far.to_string().len() < 512, "{far}");
    }
}
