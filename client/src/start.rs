//! Starting one graph: what a schedule whose period begins asks of a stopped graph.

use ges_api::types::StartGraphRequest;
use tokio::time::Instant;

use crate::client::{GesClient, Reply};
use crate::graph_error::{GraphError, call};
use crate::report::{Change, GraphReport, GraphTarget, Outcome};

/// Asks GES to start one graph from its own data (no backup named); neither an attempt
/// nor a retry runs past `deadline`. GES refuses a graph that is not stopped: callers
/// start only graphs a listing showed stopped (`900`), and a refusal, from a graph that
/// somebody started in between, is an error that names the graph.
pub async fn start_graph(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    let request = StartGraphRequest {
        project_id: target.project_id.clone(),
        graph_id: target.graph_id.clone(),
        body: None,
    };
    let Reply {
        response,
        request_id,
        attempts,
        ..
    } = call(client, target, Change::Start, &request, deadline).await?;
    match response.into_result() {
        Ok(result) => match result.job_id {
            Some(job_id) => Ok(GraphReport {
                job_id: Some(job_id),
                attempts,
                ..GraphReport::new(target, Outcome::Starting, request_id)
            }),
            None => Err(GraphError::NoJobId {
                target: target.clone(),
                change: Change::Start,
                request_id,
                attempts,
            }),
        },
        Err((status, body)) => Err(GraphError::refused(
            target,
            Change::Start,
            status,
            &body,
            request_id,
            attempts,
        )),
    }
}
