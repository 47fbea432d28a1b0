//! Reading graphs' request counts from one region's Cloud Eye, and why a read failed.
//!
//! One batch read (`BatchListMetricData`, `openapi/ces.yaml`) per as many graphs as a
//! request may carry for the window ([`Window::graphs_per_request`]), each graph's
//! metric GES's request count (`SYS.GES`, `ges004_request_count`, `instance_id` = the
//! graph's ID; GES user guide "Monitoring Clusters Using Cloud Eye") at the raw period,
//! summed a minute at a time. The calls go through the GES client's transport,
//! credentials, retries and retry budget, within the caller's deadline; answers are
//! decoded by the contract's generated types, within the client's size cap.

use std::collections::{HashMap, HashSet};

use ges_api::ces::{
    BatchListMetricDataBody, BatchListMetricDataRequest, BatchListMetricDataResult, CesError,
    Filter, GES_NAMESPACE, GRAPH_DIMENSION, MetricInfo, MetricsDimension, Period,
    REQUEST_COUNT_METRIC,
};
use ges_api::runtime::ConstraintViolation;
use ges_api::types::{GraphId, ProjectId};
use tokio::time::Instant;

use crate::config::Endpoint;
use crate::credentials::refusal::{Refusal, Service};
use crate::ges::client::{ClientError, ClientErrorKind, GesClient};
use crate::transport::retry::Attempts;
use crate::usage::counts::GraphUsage;
use crate::usage::window::Window;

/// The largest count a datapoint may carry and still be read exactly (2^53).
const MAX_COUNT: f64 = 9_007_199_254_740_992.0;

/// Reads each graph's request count for every minute of `window` from the Cloud Eye at
/// `endpoint`, for graphs of `project_id` (one region's), in as few requests as Cloud
/// Eye's limits allow, none of which it would shorten. A graph listed twice is read
/// once. Every graph asked gets a [`GraphUsage`], in the order asked; one Cloud Eye has
/// no datapoint for has none (its usage is not known). The first request that fails
/// fails the read: counts of some graphs only would read as others being idle.
pub async fn read_request_counts(
    client: &GesClient,
    endpoint: &Endpoint,
    project_id: &ProjectId,
    graphs: &[GraphId],
    window: Window,
    deadline: Option<Instant>,
) -> Result<Vec<GraphUsage>, UsageError> {
    let cloud_eye = client.with_endpoint(endpoint.clone());
    let failed = |kind| UsageError {
        endpoint: endpoint.to_string(),
        kind,
    };
    let project: ges_api::ces::ProjectId = project_id
        .as_str()
        .parse()
        .map_err(|source| failed(UsageErrorKind::Unaskable { source }))?;
    let mut seen = HashSet::new();
    let graphs: Vec<&GraphId> = graphs.iter().filter(|graph| seen.insert(*graph)).collect();
    let mut usages: Vec<GraphUsage> = graphs
        .iter()
        .map(|graph| GraphUsage::empty((*graph).clone(), window))
        .collect();
    let place: HashMap<&str, usize> = graphs
        .iter()
        .enumerate()
        .map(|(index, graph)| (graph.as_str(), index))
        .collect();
    for batch in graphs.chunks(window.graphs_per_request()) {
        let metrics = batch
            .iter()
            .map(|graph| request_count_metric(graph))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| failed(UsageErrorKind::Unaskable { source }))?;
        let request = BatchListMetricDataRequest {
            project_id: project.clone(),
            body: BatchListMetricDataBody {
                metrics,
                from: window.from_ms(),
                to: window.to_ms(),
                period: Period::Raw,
                filter: Filter::Sum,
            },
        };
        let reply = cloud_eye
            .execute_before(&request, deadline)
            .await
            .map_err(|source| failed(UsageErrorKind::Call { source }))?;
        let request_id = reply.request_id;
        match reply.response.into_result() {
            Ok(result) => absorb(result, window, &place, &mut usages).map_err(|what| {
                failed(UsageErrorKind::Answer {
                    what,
                    request_id: request_id.clone(),
                })
            })?,
            Err((status, body)) => {
                return Err(failed(UsageErrorKind::Refused(refusal(
                    status,
                    &body,
                    request_id,
                    &reply.attempts,
                ))));
            }
        }
        tracing::debug!(
            graphs = batch.len(),
            minutes = window.minutes(),
            "read request counts from Cloud Eye"
        );
    }
    Ok(usages)
}

/// Cloud Eye's refusal in the one refusal type: its code (Cloud Eye's v1 `message.code`,
/// else the API gateway's `error_code`) if plain, and never its message, as for every
/// service.
fn refusal(
    status: u16,
    body: &CesError,
    request_id: Option<String>,
    attempts: &Attempts,
) -> Refusal {
    let code = body
        .message
        .as_ref()
        .and_then(|message| message.code.as_deref())
        .or(body.error_code.as_deref());
    Refusal::new(
        Service::CloudEye,
        "POST /V1.0/{project_id}/batch-query-metric-data",
        status,
        code,
        request_id,
        "check that the credentials may read metrics (ces:metricData:list) in this project",
        attempts.sent(),
    )
}

/// GES's request count of one graph, as a batch read asks for it.
fn request_count_metric(graph: &GraphId) -> Result<MetricInfo, ConstraintViolation> {
    Ok(MetricInfo {
        namespace: GES_NAMESPACE.parse()?,
        metric_name: REQUEST_COUNT_METRIC.parse()?,
        dimensions: vec![MetricsDimension {
            name: GRAPH_DIMENSION.parse()?,
            value: graph.as_str().parse()?,
        }],
    })
}

/// Adds one answer's datapoints to the graphs they are about. A metric about a graph
/// not asked, and a datapoint outside the window (Cloud Eye may add some before it, as
/// it rounds `from` down), are passed over; a datapoint without a count, with a count
/// that is not a whole number of requests, or twice for one minute, makes the answer
/// unreadable.
fn absorb(
    result: BatchListMetricDataResult,
    window: Window,
    place: &HashMap<&str, usize>,
    usages: &mut [GraphUsage],
) -> Result<(), &'static str> {
    for metric in result.metrics.unwrap_or_default() {
        if metric
            .namespace
            .as_deref()
            .is_some_and(|ns| ns != GES_NAMESPACE)
            || metric.metric_name != REQUEST_COUNT_METRIC
        {
            continue;
        }
        let graph = metric.dimensions.as_deref().and_then(|dimensions| {
            dimensions
                .iter()
                .find(|d| d.name.as_deref() == Some(GRAPH_DIMENSION))
                .and_then(|d| d.value.as_deref())
        });
        let Some(usage) = graph
            .and_then(|graph| place.get(graph))
            .and_then(|index| usages.get_mut(*index))
        else {
            continue;
        };
        for point in metric.datapoints {
            let Some(minute) = window.minute_of(point.timestamp) else {
                continue;
            };
            let sum = point.sum.ok_or("a datapoint without its sum")?;
            if !(sum.is_finite() && sum >= 0.0 && sum.fract() == 0.0 && sum <= MAX_COUNT) {
                return Err("a request count that is not a whole number of requests");
            }
            // Checked above: a whole number within what f64 holds exactly.
            if !usage.record(minute, sum as u64) {
                return Err("two datapoints for one minute of one graph");
            }
        }
    }
    Ok(())
}

/// A read of request counts that did not give every graph's: which Cloud Eye, and why.
#[derive(Debug, thiserror::Error)]
#[error("reading request counts from Cloud Eye at {endpoint}: {kind}")]
pub struct UsageError {
    endpoint: String,
    #[source]
    kind: UsageErrorKind,
}

impl UsageError {
    /// Why the read failed.
    pub fn kind(&self) -> &UsageErrorKind {
        &self.kind
    }
}

/// Why a read of request counts failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UsageErrorKind {
    /// A project or graph ID that Cloud Eye's contract cannot carry.
    #[error("an ID Cloud Eye's request cannot carry: {source}")]
    Unaskable {
        /// The rule it breaks.
        source: ConstraintViolation,
    },
    /// Cloud Eye could not be reached, did not answer in time or within the deadline,
    /// was throttled past the retries, or answered outside its contract.
    #[error("{}", call_failure(source))]
    Call {
        /// The failed call.
        source: ClientError,
    },
    /// Cloud Eye refused the read.
    #[error("{0}")]
    Refused(Refusal),
    /// Cloud Eye answered, but not with counts ges-stop can read.
    #[error(
        "the answer holds {what} (request id {})",
        request_id.as_deref().unwrap_or("none")
    )]
    Answer {
        /// What is wrong with it.
        what: &'static str,
        /// The `X-Request-Id`.
        request_id: Option<String>,
    },
}

/// A failed call in Cloud Eye's words: the client's own messages speak of GES and its
/// variables.
fn call_failure(error: &ClientError) -> String {
    match error.kind() {
        ClientErrorKind::Transport { .. } => format!(
            "could not reach it after {}; check GES_CES_ENDPOINT (or HUAWEICLOUD_SDK_REGION) \
             and the network",
            error.attempts()
        ),
        ClientErrorKind::Timeout { .. } => format!(
            "it did not answer in time after {}; try again later, or raise \
             GES_REQUEST_TIMEOUT_SECS",
            error.attempts()
        ),
        ClientErrorKind::DeadlineExceeded => format!(
            "the deadline came before it answered, after {}",
            error.attempts()
        ),
        _ => error.to_string(),
    }
}
