//! Waiting for a stop job to end: show job, polled with backoff, never past a deadline.

use std::time::Duration;

use ges_api::types::{JobId, JobStatus, ShowJobRequest};
use tokio::time::Instant;

use crate::ges::client::{GesClient, Reply};
use crate::ges::error::{GraphError, call};
use crate::ges::report::{Change, GraphTarget};

/// The first pause between looks: a stop job takes seconds to minutes, so a quick
/// first look catches only the fastest; the pause then doubles.
const FIRST_PAUSE: Duration = Duration::from_millis(250);
/// The longest pause between looks.
const LONGEST_PAUSE: Duration = Duration::from_secs(5);
/// A bound on looks, whatever the deadline: 200 looks at the longest pause is over 16
/// minutes, past any Lambda's life.
const MAX_LOOKS: u32 = 200;

/// How a wait ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JobEnd {
    /// The job ended with `success`.
    Succeeded,
    /// The deadline came first; the job was in this status at the last look.
    StillRunning(JobStatus),
    /// The deadline came before the first look: nothing is known of the job but that
    /// GES started it. Not `StillRunning(Pending)`, which would be a guess.
    NotChecked,
}

/// Polls the job until it ends or until `deadline`, telling `on_look` the status of each
/// look (a command line shows it live). A job that ends with `failed` is an error
/// carrying GES's reason. No look (nor its retries) runs past `deadline`: one
/// that would is cut short, and the wait ends with the status of the last look, or
/// [`JobEnd::NotChecked`] when there was none.
pub(crate) async fn wait_for_job(
    client: &GesClient,
    target: &GraphTarget,
    job_id: &JobId,
    deadline: Instant,
    mut on_look: impl FnMut(&JobStatus),
) -> Result<JobEnd, GraphError> {
    let request = ShowJobRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
        job_id: job_id.clone(),
    };
    let mut pause = FIRST_PAUSE;
    let mut last = None;
    for _ in 0..MAX_LOOKS {
        if Instant::now() + pause >= deadline {
            break;
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(LONGEST_PAUSE);

        let Reply {
            response,
            request_id,
            attempts,
            ..
        } = match call(client, target, Change::Stop, &request, Some(deadline)).await {
            Ok(reply) => reply,
            Err(GraphError::DeadlineExceeded { .. }) => break,
            Err(other) => return Err(other),
        };
        let job = response.into_result().map_err(|(status, body)| {
            GraphError::refused(target, Change::Stop, status, &body, request_id, attempts)
        })?;
        tracing::debug!(job_id = %job_id, job_status = %job.status, "stop job");
        on_look(&job.status);
        match job.status {
            JobStatus::Success => return Ok(JobEnd::Succeeded),
            JobStatus::Failed => {
                return Err(GraphError::JobFailed {
                    target: target.clone(),
                    change: Change::Stop,
                    job_id: job_id.clone(),
                    reason: job
                        .fail_reason
                        .filter(|reason| !reason.is_empty())
                        .unwrap_or_else(|| "GES gave no reason".to_owned()),
                });
            }
            other => last = Some(other),
        }
    }
    Ok(last.map_or(JobEnd::NotChecked, JobEnd::StillRunning))
}
