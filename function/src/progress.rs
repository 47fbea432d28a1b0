//! Watching a run as it goes: what the command line shows a person while it waits for
//! stop jobs. The Lambda function watches nothing; its answer comes at the end.

use std::fmt;

use ges_api::types::{JobId, JobStatus};
use ges_client::report::GraphTarget;

use crate::answer::BatchEntry;

/// Told of each step of a run as it happens, from the tasks that run it: calls must be
/// quick and must not block.
pub trait Progress: Send + Sync {
    /// A stop job was looked at (with `wait`), and was in this status.
    fn job(&self, target: &GraphTarget, job_id: &JobId, status: &JobStatus);
    /// A graph's part of the run ended, as its entry in the answer will say.
    fn done(&self, entry: &BatchEntry);
}

/// So that a handler holding one can still be `Debug`.
impl fmt::Debug for dyn Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}
