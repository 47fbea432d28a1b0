//! When a run must have answered: taken from an [`Instant`] its front door knows (the
//! Lambda invocation's deadline, a FunctionGraph one's, or none for the command line),
//! less the time kept back to report.

use std::time::Duration;

use tokio::time::Instant;

use super::error::RunError;

/// Time kept back from the run's deadline to report: a stop or a wait that would run
/// into it is cut short, so the answer still gets out.
pub const REPORT_MARGIN: Duration = Duration::from_millis(500);

/// When a run's calls must be over, and when its waits give up.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// When every GES call must be over, if the front door gave a deadline.
    pub(crate) at: Option<Instant>,
    /// When a wait for a stop job gives up.
    pub(crate) wait_until: Instant,
}

impl Deadline {
    /// The deadline of a run that must have answered by `answer_by` (none: no bound but
    /// `wait_timeout` on its waits), or [`RunError::DeadlineAlreadyPassed`] when that
    /// instant is already here: nothing may be sent then, since a call with no time left
    /// would have no bound at all.
    pub fn new(
        answer_by: Option<std::time::Instant>,
        wait_timeout: Duration,
    ) -> Result<Self, RunError> {
        let now = Instant::now();
        let at = match answer_by {
            None => None,
            Some(answer_by) => {
                let left = answer_by
                    .checked_duration_since(now.into_std())
                    .filter(|left| !left.is_zero())
                    .ok_or(RunError::DeadlineAlreadyPassed)?;
                Some(now + left.saturating_sub(REPORT_MARGIN))
            }
        };
        let wait_until = match at {
            Some(at) => at.min(now + wait_timeout),
            None => now + wait_timeout,
        };
        Ok(Self { at, wait_until })
    }

    /// When every call must be over, if ever.
    pub fn at(&self) -> Option<Instant> {
        self.at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_margin_is_kept_back_and_waits_end_by_the_deadline() {
        let wait = Duration::from_secs(60);
        let soon = std::time::Instant::now() + Duration::from_secs(10);
        let deadline = Deadline::new(Some(soon), wait).unwrap();
        let at = deadline.at().unwrap();
        assert!(at.into_std() <= soon - REPORT_MARGIN);
        assert_eq!(deadline.wait_until, at);
        let unbounded = Deadline::new(None, wait).unwrap();
        assert_eq!(unbounded.at(), None);
        assert!(unbounded.wait_until > Instant::now() + Duration::from_secs(59));
    }

    #[test]
    fn a_deadline_already_here_sends_nothing() {
        let past = std::time::Instant::now();
        assert!(matches!(
            Deadline::new(Some(past), Duration::from_secs(1)),
            Err(RunError::DeadlineAlreadyPassed)
        ));
    }
}
