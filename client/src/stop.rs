//! Stopping one graph, and its dry run: the call, and what its answer means for the user.

use ges_api::types::{ErrorCode, GraphStatus, ShowGraphRequest, StopGraphRequest};
use tokio::time::Instant;

use crate::client::{GesClient, Reply};
use crate::graph_error::{GraphError, call};
use crate::report::{Change, GraphReport, GraphTarget, Outcome};

/// The error code GES answers a stop with when the graph is not running (`GES.7001`).
pub const NOT_RUNNING: ErrorCode = ErrorCode::GraphNotRunning;

/// Asks GES to stop one graph; neither an attempt nor a retry runs past `deadline`
/// (with none, the client's timeouts bound it).
pub async fn stop_graph(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    let request = StopGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
    };
    let Reply {
        response,
        request_id,
        attempts,
        ..
    } = call(client, target, Change::Stop, &request, deadline).await?;
    match response.into_result() {
        Ok(result) => match result.job_id {
            Some(job_id) => Ok(GraphReport {
                job_id: Some(job_id),
                attempts,
                ..GraphReport::new(target, Outcome::Stopping, request_id)
            }),
            None => Err(GraphError::NoJobId {
                target: target.clone(),
                change: Change::Stop,
                request_id,
                attempts,
            }),
        },
        Err((400, body))
            if body.error_code.as_deref().map(ErrorCode::from) == Some(NOT_RUNNING) =>
        {
            Ok(GraphReport {
                attempts,
                // An earlier attempt reached GES and its answer was lost: that attempt most
                // likely stopped the graph, and its job id went with the answer. Said, so
                // that nobody reads "already stopped" as "stopped by someone else".
                reason: (attempts.unanswered() > 0).then(|| {
                    format!(
                        "GES answered {NOT_RUNNING} (not running) to a retried stop: the first \
                     attempt probably stopped it; its job id was lost"
                    )
                }),
                ..GraphReport::new(target, Outcome::AlreadyStopped, request_id)
            })
        }
        Err((status, body)) => Err(GraphError::refused(
            target,
            Change::Stop,
            status,
            &body,
            request_id,
            attempts,
        )),
    }
}

/// A dry run of [`stop_graph`]: looks the graph up and says what a stop would do,
/// without stopping anything (a graph that is not running would answer `GES.7001`).
/// Neither an attempt nor a retry runs past `deadline`.
pub async fn preview_stop(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    let request = ShowGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
    };
    let Reply {
        response,
        request_id,
        attempts,
        ..
    } = call(client, target, Change::Stop, &request, deadline).await?;
    match response.into_result() {
        Ok(result) => {
            let outcome = match result.graph.status {
                GraphStatus::Running => Outcome::WouldStop,
                _ => Outcome::AlreadyStopped,
            };
            Ok(GraphReport {
                graph_status: Some(result.graph.status),
                attempts,
                ..GraphReport::new(target, outcome, request_id)
            })
        }
        Err((status, body)) => Err(GraphError::refused(
            target,
            Change::Stop,
            status,
            &body,
            request_id,
            attempts,
        )),
    }
}
