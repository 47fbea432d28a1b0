//! Watching a run as it goes: what the command line shows a person while it waits for
//! stop jobs, and what the Lambda function's metrics time. The answer itself comes at
//! the end, whoever watches.

use std::fmt;
use std::time::Duration;

use ges_api::types::{JobId, JobStatus};

use super::report::BatchEntry;
use crate::ges::report::{Change, GraphTarget};

/// Told of each step of a run as it happens, from the task that runs it: calls must be
/// quick and must not block. Each step is optional to watch.
pub trait Progress: Send + Sync {
    /// A stop or a start was sent (a dry run's look-up is neither), and took this long,
    /// its retries included.
    fn sent(&self, change: Change, took: Duration) {
        let _ = (change, took);
    }
    /// A stop job was looked at (with `wait`), and was in this status.
    fn job(&self, target: &GraphTarget, job_id: &JobId, status: &JobStatus) {
        let _ = (target, job_id, status);
    }
    /// A graph's part of the run ended, as its entry in the answer will say.
    fn done(&self, entry: &BatchEntry) {
        let _ = entry;
    }
}

/// So that a runner holding one can still be `Debug`.
impl fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}
