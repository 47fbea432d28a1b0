//! Sending a change to one graph, and its dry run: one path for a stop, a start and the
//! look-up that previews a stop, parametrised by the [`Change`]. Each builds its
//! request, sends it through [`call`] (retries, deadline, the failure as a
//! [`GraphError`]), and reads GES's answer here, in one place: a job started, no job,
//! the graph's status for a preview, `GES.7001` for a stop, or a refusal.

use ges_api::types::{
    ErrorBody, ErrorCode, Graph, GraphStatus, JobId, ShowGraphRequest, StartGraphRequest,
    StopGraphRequest,
};
use tokio::time::Instant;

use crate::ges::client::GesClient;
use crate::ges::error::{GraphError, call};
use crate::ges::report::{Change, GraphReport, GraphTarget, Outcome};
use crate::transport::retry::Attempts;

/// The error code GES answers a stop with when the graph is not running (`GES.7001`).
pub const NOT_RUNNING: ErrorCode = ErrorCode::GraphNotRunning;

/// Asks GES to stop one graph; neither an attempt nor a retry runs past `deadline`
/// (with none, the client's timeouts bound it).
pub async fn stop_graph(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    send_change(client, target, Change::Stop, false, deadline).await
}

/// Asks GES to start one graph from its own data (no backup named); neither an attempt
/// nor a retry runs past `deadline`. GES refuses a graph that is not stopped: callers
/// start only graphs a listing showed stopped (`900`), and a refusal, from a graph that
/// somebody started in between, is an error that names the graph.
pub async fn start_graph(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    send_change(client, target, Change::Start, false, deadline).await
}

/// A dry run of [`stop_graph`]: looks the graph up and says what a stop would do,
/// without stopping anything (a graph that is not running would answer `GES.7001`).
/// Neither an attempt nor a retry runs past `deadline`.
pub async fn preview_stop(
    client: &GesClient,
    target: &GraphTarget,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    send_change(client, target, Change::Stop, true, deadline).await
}

/// What GES answered that a change reads: a job's id (or none) for the change itself,
/// the graph for its preview, or a refusal's status and body.
type Answer = Result<Answered, (u16, ErrorBody)>;

enum Answered {
    Job(Option<JobId>),
    Graph(Graph),
}

/// Sends `change` to one graph, or in a `dry_run` the look-up that previews it, and
/// reads the answer; neither an attempt nor a retry runs past `deadline`.
pub(crate) async fn send_change(
    client: &GesClient,
    target: &GraphTarget,
    change: Change,
    dry_run: bool,
    deadline: Option<Instant>,
) -> Result<GraphReport, GraphError> {
    let project_id = target.project_id.clone();
    let graph_id = target.graph_id.clone();
    let (answer, request_id, attempts) = if dry_run {
        let request = ShowGraphRequest {
            project_id,
            graph_id,
        };
        let reply = call(client, target, change, &request, deadline).await?;
        let answer = reply
            .response
            .into_result()
            .map(|shown| Answered::Graph(shown.graph));
        (answer, reply.request_id, reply.attempts)
    } else {
        match change {
            Change::Stop => {
                let request = StopGraphRequest {
                    project_id,
                    graph_id,
                };
                let reply = call(client, target, change, &request, deadline).await?;
                let answer = reply
                    .response
                    .into_result()
                    .map(|result| Answered::Job(result.job_id));
                (answer, reply.request_id, reply.attempts)
            }
            Change::Start => {
                let request = StartGraphRequest {
                    project_id,
                    graph_id,
                    body: None,
                };
                let reply = call(client, target, change, &request, deadline).await?;
                let answer = reply
                    .response
                    .into_result()
                    .map(|result| Answered::Job(result.job_id));
                (answer, reply.request_id, reply.attempts)
            }
        }
    };
    read_answer(target, change, answer, request_id, attempts)
}

/// What an answer means for the user.
fn read_answer(
    target: &GraphTarget,
    change: Change,
    answer: Answer,
    request_id: Option<String>,
    attempts: Attempts,
) -> Result<GraphReport, GraphError> {
    match answer {
        Ok(Answered::Job(Some(job_id))) => Ok(GraphReport {
            job_id: Some(job_id),
            attempts,
            ..GraphReport::new(target, underway(change), request_id)
        }),
        Ok(Answered::Job(None)) => Err(GraphError::NoJobId {
            target: target.clone(),
            change,
            request_id,
            attempts,
        }),
        Ok(Answered::Graph(graph)) => {
            let outcome = preview(change, &graph.status);
            Ok(GraphReport {
                graph_status: Some(graph.status),
                attempts,
                ..GraphReport::new(target, outcome, request_id)
            })
        }
        Err((400, body))
            if change == Change::Stop
                && body.error_code.as_deref().map(ErrorCode::from) == Some(NOT_RUNNING) =>
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
            target, change, status, &body, request_id, attempts,
        )),
    }
}

/// The outcome of a change GES accepted: its job runs.
fn underway(change: Change) -> Outcome {
    match change {
        Change::Stop => Outcome::Stopping,
        Change::Start => Outcome::Starting,
    }
}

/// What the change would do to a graph in `status`: stop a running one, start a
/// stopped one; any other is already where the change would take it, or a status GES
/// would refuse the change in.
fn preview(change: Change, status: &GraphStatus) -> Outcome {
    match (change, status) {
        (Change::Stop, GraphStatus::Running) => Outcome::WouldStop,
        (Change::Stop, _) => Outcome::AlreadyStopped,
        (Change::Start, GraphStatus::Stopped) => Outcome::WouldStart,
        (Change::Start, GraphStatus::Running) => Outcome::AlreadyRunning,
        (Change::Start, _) => Outcome::Unchanged,
    }
}
