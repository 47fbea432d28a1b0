//! The simulator's notion of "now" for its graphs and jobs: Tokio's clock plus an offset
//! a test moves forward ([`crate::RunningSimulator::advance_clock`]), so that a test can
//! see a stop finish, or a graph stopped for seven days restart, without waiting.
//!
//! The graphs' and jobs' progress follows it, and so does keyless federation: the ID
//! tokens AWS STS issues are dated by it and checked against it, and the temporary
//! credentials Huawei STS issues expire by it, so that a test can see them expire
//! without waiting. The rest of authentication does not: a signature's `X-Sdk-Date` or
//! `X-Amz-Date` and an IAM token's expiry are checked against real time, because the
//! clients that sign and the tests that watch tokens expire live in real time.
//!
//! The offset only grows, so whatever a client saw move forward never moves back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

/// The furthest the clock can be moved ahead of real time: a hundred years, far beyond
/// any rule of GES's (seven days), and near enough that adding it to an instant or a
/// date can never overflow.
pub const MAX_CLOCK_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// Tokio's clock, moved ahead by an offset; starts at real time.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    /// How far ahead of Tokio's clock, in nanoseconds (at most [`MAX_CLOCK_OFFSET`],
    /// which fits in 64 bits).
    offset_nanos: AtomicU64,
}

impl Clock {
    /// Now, on the simulator's clock.
    pub(crate) fn now(&self) -> Instant {
        let real = Instant::now();
        // The offset is capped at a hundred years, which an instant always holds.
        real.checked_add(self.offset()).unwrap_or(real)
    }

    /// Now, as a date, on the simulator's clock: the system's date moved ahead by the
    /// offset.
    pub(crate) fn date(&self) -> OffsetDateTime {
        let real = OffsetDateTime::now_utc();
        // The offset is capped at a hundred years, which a date always holds.
        real.checked_add(time::Duration::try_from(self.offset()).unwrap_or(time::Duration::ZERO))
            .unwrap_or(real)
    }

    /// How far ahead of real time the clock is.
    pub(crate) fn offset(&self) -> Duration {
        Duration::from_nanos(self.offset_nanos.load(Ordering::SeqCst))
    }

    /// Moves the clock forward by `by`, up to [`MAX_CLOCK_OFFSET`] ahead of real time in
    /// all.
    pub(crate) fn advance(&self, by: Duration) {
        let cap = nanos(MAX_CLOCK_OFFSET);
        let by = nanos(by.min(MAX_CLOCK_OFFSET));
        // `fetch_update` retries only when another thread moved the clock meanwhile;
        // the closure never refuses, so it ends on the first uncontended try.
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |offset| {
                Some(offset.saturating_add(by).min(cap))
            });
    }
}

/// A duration of at most [`MAX_CLOCK_OFFSET`] in nanoseconds.
fn nanos(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_clock_starts_at_real_time_and_moves_forward_only_when_told() {
        let clock = Clock::default();
        assert_eq!(clock.offset(), Duration::ZERO);
        let before = Instant::now();
        assert!(clock.now() >= before);
        clock.advance(Duration::from_secs(3600));
        clock.advance(Duration::from_secs(60));
        assert_eq!(clock.offset(), Duration::from_secs(3660));
        assert!(clock.now() >= before + Duration::from_secs(3660));
    }

    #[test]
    fn the_offset_is_capped() {
        let clock = Clock::default();
        clock.advance(Duration::MAX);
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.offset(), MAX_CLOCK_OFFSET);
        // Still an instant, not a panic.
        assert!(clock.now() > Instant::now());
    }
}
