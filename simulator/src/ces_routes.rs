//! Cloud Eye's batch read, served: `POST /V1.0/{project_id}/batch-query-metric-data`,
//! read into the contract's generated `BatchListMetricDataBody` and answered through
//! `BatchListMetricDataResponse`, refusals included.
//!
//! Checked in this order, the first that fails answering:
//!
//! 1. the body is read, up to 512 KB, Cloud Eye's limit (`400`, `ces.0014`);
//! 2. authentication, as the GES routes check it (`401`, the gateway's `APIGW.0301`);
//! 3. the project: a valid ID (`400`, `ces.0003`) that the caller may act in, as for GES
//!    (`403`, `ces.0017`);
//! 4. a fault a test queued for [`crate::OperationKind::BatchListMetricData`];
//! 5. the body: the contract's JSON, 1 to 500 metrics of 1 to 4 dimensions each, a
//!    period and a filter Cloud Eye has, `from` before `to` (`400`, `ces.0014`).
//!
//! Then it answers every metric in the order asked. GES's request count
//! (`SYS.GES`, `ges004_request_count`, the one dimension `instance_id` naming a graph of
//! the path's project) carries the datapoints `cloud_eye` makes from the counts tests
//! set; any other metric is answered with no datapoints, as Cloud Eye answers a metric
//! it holds no data for. `from` is first moved forward past the 3,000-datapoint limit
//! and rounded down to the period, silently, as Cloud Eye does.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Request, State};
use axum::response::Response;
use ges_api::ces::{
    AnsweredDimension, BatchListMetricDataBody, BatchListMetricDataResponse,
    BatchListMetricDataResult, BatchMetricData, CesError, CesErrorMessage, MetricInfo,
};

use ges_api::ces::{
    GES_NAMESPACE, GRAPH_DIMENSION, MAX_BODY_BYTES, MAX_METRICS, MINUTE_MS, REQUEST_COUNT_METRIC,
};
use ges_api::types::{GraphId, ProjectId};
use http::StatusCode;
use time::OffsetDateTime;

use crate::answer;
use crate::cloud_eye;
use crate::error_codes;
use crate::fault::{self, Fault, Injected};
use crate::journal::{Authentication, Handled, OperationKind};
use crate::shared::Shared;

/// The most dimensions a metric has (SDK `MetricInfo.dimensions`).
const MAX_DIMENSIONS: usize = 4;

/// A refusal, before it is rendered as the operation's error answer.
#[derive(Debug)]
struct Refused {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refused {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error_codes::CES_BAD_BODY, message)
    }

    /// Cloud Eye's v1 shape; the gateway's for the gateway's codes.
    fn body(&self) -> CesError {
        if self.code.starts_with("APIGW.") {
            return CesError {
                message: None,
                error_code: Some(self.code.to_owned()),
                error_msg: Some(self.message.clone()),
            };
        }
        CesError {
            message: Some(CesErrorMessage {
                code: Some(self.code.to_owned()),
                details: Some(self.message.clone()),
            }),
            error_code: None,
            error_msg: None,
        }
    }
}

/// `POST /V1.0/{project_id}/batch-query-metric-data`.
pub(crate) async fn batch_list_metric_data(
    State(shared): State<Arc<Shared>>,
    request: Request,
) -> Response {
    let mut handled = Handled {
        operation: Some(OperationKind::BatchListMetricData),
        ..Handled::default()
    };
    let mut delivery = None;
    let outcome = read(&shared, request, &mut handled, &mut delivery).await;
    let response = answer::answer_or_refusal(
        outcome
            .map(BatchListMetricDataResponse::Ok)
            .map_err(|refused| (refused.status, refused.body())),
        "a Cloud Eye error body",
    );
    fault::sent(response, delivery, handled).await
}

/// Checks 1 to 4 of the module docs, then the read.
async fn read(
    shared: &Shared,
    request: Request,
    handled: &mut Handled,
    delivery: &mut Option<Fault>,
) -> Result<BatchListMetricDataResult, Refused> {
    let (mut parts, body) = request.into_parts();
    let raw_project = Path::<HashMap<String, String>>::from_request_parts(&mut parts, &())
        .await
        .ok()
        .and_then(|Path(mut params)| params.remove("project_id"))
        .unwrap_or_default();
    handled.target.project_id = raw_project.parse().ok();
    let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
        .await
        .map_err(|_| {
            Refused::bad_body(format!(
                "The request body could not be read, or is larger than {MAX_BODY_BYTES} bytes."
            ))
        })?;
    // Read before any check, so that the journal counts the metrics of a refused call.
    let asked = serde_json::from_slice::<BatchListMetricDataBody>(&body);
    handled.target.metrics = asked.as_ref().ok().map(|asked| asked.metrics.len());

    let (scheme, scope) = match shared.authenticate(&parts, &body) {
        Ok(authenticated) => authenticated,
        Err(refusal) => {
            handled.authentication = refusal.authentication();
            return Err(Refused::new(
                StatusCode::UNAUTHORIZED,
                error_codes::AUTHENTICATION_FAILED,
                refusal.message,
            ));
        }
    };
    handled.authentication = Authentication::Accepted(scheme);
    let project_id: ProjectId = raw_project.parse().map_err(|err| {
        Refused::new(
            StatusCode::BAD_REQUEST,
            error_codes::CES_BAD_PROJECT,
            format!("The path parameter project_id is invalid: {err}."),
        )
    })?;
    shared
        .admit(&parts, scheme, scope.as_ref(), &project_id)
        .map_err(|message| {
            Refused::new(StatusCode::FORBIDDEN, error_codes::CES_FORBIDDEN, message)
        })?;

    let fault = shared.take_fault(OperationKind::BatchListMetricData, None);
    let refuse = |injected| {
        let (status, code) = match injected {
            Injected::InternalServerError => (
                StatusCode::INTERNAL_SERVER_ERROR,
                error_codes::CES_INTERNAL_ERROR,
            ),
            Injected::ServiceUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                error_codes::CES_SERVICE_UNAVAILABLE,
            ),
            Injected::Throttled => (StatusCode::TOO_MANY_REQUESTS, error_codes::THROTTLED),
        };
        Refused::new(
            status,
            code,
            "Injected fault: the simulator was asked to fail this BatchListMetricData call.",
        )
    };
    let operate = || {
        let asked = asked
            .map_err(|err| Refused::bad_body(format!("The request body is invalid: {err}.")))?;
        operate(shared, &project_id, &asked)
    };
    fault::carry_out(fault, delivery, operate, refuse).await
}

/// Check 5 of the module docs, then the read itself.
fn operate(
    shared: &Shared,
    project_id: &ProjectId,
    asked: &BatchListMetricDataBody,
) -> Result<BatchListMetricDataResult, Refused> {
    if asked.metrics.is_empty() || asked.metrics.len() > MAX_METRICS {
        return Err(Refused::bad_body(format!(
            "metrics must hold 1 to {MAX_METRICS} metrics, not {}.",
            asked.metrics.len()
        )));
    }
    if let Some(metric) = asked
        .metrics
        .iter()
        .find(|metric| metric.dimensions.is_empty() || metric.dimensions.len() > MAX_DIMENSIONS)
    {
        return Err(Refused::bad_body(format!(
            "A metric must have 1 to {MAX_DIMENSIONS} dimensions, not {}.",
            metric.dimensions.len()
        )));
    }
    let Some(interval) = cloud_eye::interval_ms(&asked.period) else {
        return Err(Refused::bad_body(
            "period must be one of 1, 300, 1200, 3600, 14400 and 86400.",
        ));
    };
    if !ges_api::ces::Filter::KNOWN.contains(&asked.filter) {
        return Err(Refused::bad_body(
            "filter must be one of average, variance, min, max and sum.",
        ));
    }
    if asked.from >= asked.to {
        return Err(Refused::bad_body("from must be less than to."));
    }
    let from = cloud_eye::effective_from(asked.from, asked.to, interval, asked.metrics.len());
    let now_ms = unix_ms(shared.clock.date());
    // The world first, then the counts: the lock order every holder of both keeps.
    let world = shared.world();
    let counts = shared.cloud_eye();
    let metrics = asked
        .metrics
        .iter()
        .map(|metric| {
            let graph = ges_graph(metric);
            let datapoints = match &graph {
                Some(graph) => {
                    cloud_eye::datapoints(from, asked.to, interval, now_ms, &asked.filter, |at| {
                        let ran = world.reported_throughout(
                            project_id,
                            graph,
                            date(at),
                            date(at + MINUTE_MS),
                        );
                        match ran {
                            Some(true) => counts.reading(graph, at),
                            _ => None,
                        }
                    })
                }
                None => Vec::new(),
            };
            BatchMetricData {
                namespace: Some(metric.namespace.as_str().to_owned()),
                metric_name: metric.metric_name.as_str().to_owned(),
                dimensions: Some(
                    metric
                        .dimensions
                        .iter()
                        .map(|dimension| AnsweredDimension {
                            name: Some(dimension.name.as_str().to_owned()),
                            value: Some(dimension.value.as_str().to_owned()),
                        })
                        .collect(),
                ),
                datapoints,
                unit: graph.map(|_| "count".to_owned()),
            }
        })
        .collect();
    Ok(BatchListMetricDataResult {
        metrics: Some(metrics),
    })
}

/// The graph a metric is GES's request count of, if it is.
fn ges_graph(metric: &MetricInfo) -> Option<GraphId> {
    if metric.namespace.as_str() != GES_NAMESPACE
        || metric.metric_name.as_str() != REQUEST_COUNT_METRIC
    {
        return None;
    }
    match metric.dimensions.as_slice() {
        [dimension] if dimension.name.as_str() == GRAPH_DIMENSION => {
            dimension.value.as_str().parse().ok()
        }
        _ => None,
    }
}

/// A date as UNIX time in ms.
fn unix_ms(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// UNIX time in ms as a date; the epoch for one no date holds.
fn date(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}
