//! What the function answers, in the form each caller understands: the report (or a
//! Lambda error whose type names the failure) for events, an HTTP response for
//! gateways, whatever happened.

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::lambda_function_urls::LambdaFunctionUrlResponse;
use http::header::{ALLOW, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use lambda_runtime::{Context, Diagnostic};
use serde::Serialize;
use serde_json::Value;

use crate::event::{HttpApi, InvalidEvent, Selector, Trigger};
use ges_client::fleet::SelectError;
use ges_client::stop::{GesError, StopError, StopOutcome, StopReport, StopTarget};

/// Seconds an HTTP caller is told to wait before trying again when GES is unavailable.
const RETRY_AFTER_SECS: &str = "30";

/// A successful answer.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// One graph: its report.
    Single(StopReport),
    /// Several graphs.
    Batch(BatchAnswer),
}

/// What happened to one graph of an invocation.
#[derive(Debug)]
pub struct GraphResult {
    /// The graph.
    pub target: StopTarget,
    /// Its report, or why there is none.
    pub outcome: Result<StopReport, StopError>,
}

/// The answer for several graphs, or for a fleet selection: one entry each, in the
/// order named (or listed), and the counts.
#[derive(Serialize)]
pub struct BatchAnswer {
    /// The selectors of a fleet run, as given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub selectors: Vec<Selector>,
    /// One entry per graph: a report, or the graph and its `error`.
    pub results: Vec<Value>,
    /// How many graphs ended how.
    pub summary: Summary,
}

/// Only the counts: the runtime logs an error's `Debug`, and a thousand results would
/// flood that line.
impl std::fmt::Debug for BatchAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BatchAnswer")
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

/// Counts per outcome; every key is always present, so that a log metric filter or a
/// dashboard need not guess.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Graphs named, or selected: the sum of the counts below.
    pub selected: usize,
    /// Stop jobs started.
    pub stopping: usize,
    /// Stop jobs that ended with success (with `wait`).
    pub stopped: usize,
    /// Graphs that were not running.
    pub already_stopped: usize,
    /// Graphs a fleet selection left alone (opted out, or in a status GES cannot stop).
    pub skipped: usize,
    /// Graphs a dry run would stop.
    pub would_stop: usize,
    /// Graphs that failed.
    pub failed: usize,
}

impl Summary {
    /// Counts the outcomes.
    pub fn of(results: &[GraphResult]) -> Self {
        let mut summary = Self {
            selected: results.len(),
            ..Self::default()
        };
        for result in results {
            *match &result.outcome {
                Ok(report) => match report.outcome {
                    StopOutcome::Stopping => &mut summary.stopping,
                    StopOutcome::Stopped => &mut summary.stopped,
                    StopOutcome::AlreadyStopped => &mut summary.already_stopped,
                    StopOutcome::Skipped => &mut summary.skipped,
                    StopOutcome::WouldStop => &mut summary.would_stop,
                },
                Err(_) => &mut summary.failed,
            } += 1;
        }
        summary
    }

    /// The one log line per invocation that says how it ended, each count a field of
    /// its own, so that a metric filter or a Logs Insights query can add them up.
    pub fn log(&self, dry_run: bool) {
        tracing::info!(
            selected = self.selected,
            stopping = self.stopping,
            stopped = self.stopped,
            already_stopped = self.already_stopped,
            skipped = self.skipped,
            would_stop = self.would_stop,
            failed = self.failed,
            dry_run,
            "summary"
        );
    }
}

impl BatchAnswer {
    /// Reports every graph and counts the outcomes.
    pub fn new(selectors: Vec<Selector>, results: Vec<GraphResult>, summary: Summary) -> Self {
        let results = results
            .into_iter()
            .map(|result| match result.outcome {
                Ok(report) => serde_json::to_value(&report).unwrap_or(Value::Null),
                Err(error) => serde_json::json!({
                    "graph_id": result.target.graph_id,
                    "project_id": result.target.project_id,
                    "error": ErrorDetail::of_stop(&error),
                }),
            })
            .collect();
        Self {
            selectors,
            results,
            summary,
        }
    }
}

/// An invocation that reached no outcome. Its Lambda error type is [`FunctionError::kind`];
/// HTTP callers get [`FunctionError::http_status`] instead.
#[derive(Debug, thiserror::Error)]
pub enum FunctionError {
    /// The event matches no accepted shape, or holds a bad value.
    #[error(transparent)]
    InvalidEvent(InvalidEvent),
    /// Neither the event nor the configuration names a project.
    #[error(
        "the event names no project_id and HUAWEICLOUD_SDK_PROJECT_ID is not set: name the \
         project in the event or configure it"
    )]
    NoProject,
    /// A classic scheduled event, with no graphs configured for it.
    #[error(
        "a scheduled event names no graph and GES_GRAPH_IDS is empty: set GES_GRAPH_IDS to the \
         graphs the schedule stops, or schedule an event that names them"
    )]
    NoGraphsConfigured,
    /// A graph or project outside the allow-lists; nothing was sent.
    #[error(
        "graph {} in project {} is not allowed by GES_ALLOWED_GRAPH_IDS / \
         GES_ALLOWED_PROJECT_IDS; nothing was stopped", target.graph_id, target.project_id
    )]
    NotAllowed {
        /// The first graph refused.
        target: StopTarget,
    },
    /// A fleet selection could not be made; nothing was stopped.
    #[error(transparent)]
    Select(SelectError),
    /// The one graph of the invocation failed.
    #[error(transparent)]
    Graph(StopError),
    /// Some graphs of several failed. The message is the whole answer as JSON, so that
    /// a dead-letter consumer can read it and the graphs that were stopped are reported
    /// too; a retry of the event is harmless.
    #[error("{}", serde_json::to_string(.0).unwrap_or_default())]
    PartialFailure(Box<BatchAnswer>),
    /// The answer could not be encoded.
    #[error("could not encode the answer as JSON: {0}")]
    Encode(#[from] serde_json::Error),
}

impl FunctionError {
    /// The Lambda error type, which a dead-letter queue or an alarm can filter on.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::InvalidEvent(invalid) => match invalid.error.http_status() {
                404 => "RouteNotFound",
                405 => "MethodNotAllowed",
                _ => "InvalidEvent",
            },
            Self::NoProject => "NoProject",
            Self::NoGraphsConfigured => "NoGraphsConfigured",
            Self::NotAllowed { .. } => "NotAllowed",
            Self::Select(error) => error.kind(),
            Self::Graph(error) => error.kind(),
            Self::PartialFailure(_) => "PartialFailure",
            Self::Encode(_) => "InternalError",
        }
    }

    /// The HTTP status for an HTTP caller.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::InvalidEvent(invalid) => invalid.error.http_status(),
            Self::NoProject | Self::NoGraphsConfigured => 400,
            Self::NotAllowed { .. } => 403,
            // By kind, so that the status and the Lambda error type cannot disagree.
            Self::Select(_) | Self::Graph(_) => match self.kind() {
                "NoProject" => 400,
                "NotAllowed" => 403,
                "GraphNotFound" | "ProjectNotFound" => 404,
                // The request is well formed, but asks for more than the caller said it
                // meant.
                "TooManyGraphs" => 422,
                "Rejected" => 409,
                "UpstreamUnavailable" => 503,
                "DeadlineExceeded" => 504,
                // GES refused our credentials or permissions, or answered outside the
                // contract: the caller's request was fine, the upstream was not.
                _ => 502,
            },
            Self::PartialFailure(_) => 502,
            Self::Encode(_) => 500,
        }
    }
}

impl From<FunctionError> for Diagnostic {
    fn from(error: FunctionError) -> Self {
        Diagnostic {
            error_type: error.kind().to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// The `error` object of an HTTP error body or of a failed graph in a batch.
#[derive(Debug, Serialize)]
struct ErrorDetail {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ges_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ges_request_id: Option<String>,
}

impl ErrorDetail {
    fn of_stop(error: &StopError) -> Self {
        Self::of_upstream(error.kind(), error.to_string(), error.ges())
    }

    fn of_upstream(code: &'static str, message: String, ges: Option<&GesError>) -> Self {
        Self {
            code,
            message,
            request_id: None,
            ges_code: ges.and_then(|ges| ges.code.clone()),
            ges_request_id: ges.and_then(|ges| ges.request_id.clone()),
        }
    }

    fn of_function(error: &FunctionError, context: &Context) -> Self {
        let base = match error {
            FunctionError::Graph(stop) => Self::of_stop(stop),
            FunctionError::Select(select) => {
                Self::of_upstream(select.kind(), select.to_string(), select.ges())
            }
            other => Self {
                code: other.kind(),
                message: other.to_string(),
                request_id: None,
                ges_code: None,
                ges_request_id: None,
            },
        };
        Self {
            request_id: Some(context.request_id.clone()).filter(|id| !id.is_empty()),
            ..base
        }
    }
}

/// The answer for the caller: HTTP callers get a response whatever happened; other
/// callers get the report, or the error for the runtime to report.
pub fn render(
    trigger: Option<&Trigger>,
    result: Result<Answer, FunctionError>,
    context: &Context,
) -> Result<Value, FunctionError> {
    let Some(Trigger::Http(api)) = trigger else {
        return Ok(serde_json::to_value(result?)?);
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let (status, body) = match result {
        Ok(answer) => (200, serde_json::to_string(&answer)?),
        Err(error) => {
            let status = error.http_status();
            if status == 503 {
                headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
            }
            if status == 405 {
                headers.insert(ALLOW, HeaderValue::from_static("POST"));
            }
            let detail = ErrorDetail::of_function(&error, context);
            (
                status,
                serde_json::to_string(&serde_json::json!({ "error": detail }))?,
            )
        }
    };
    http_response(*api, status, headers, body)
}

fn http_response(
    api: HttpApi,
    status: u16,
    headers: HeaderMap,
    body: String,
) -> Result<Value, FunctionError> {
    let status = i64::from(status);
    Ok(match api {
        HttpApi::RestApi => {
            let mut response = ApiGatewayProxyResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(Body::Text(body));
            serde_json::to_value(response)?
        }
        HttpApi::HttpApi => {
            let mut response = ApiGatewayV2httpResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(Body::Text(body));
            serde_json::to_value(response)?
        }
        HttpApi::FunctionUrl => {
            let mut response = LambdaFunctionUrlResponse::default();
            response.status_code = status;
            response.headers = headers;
            response.body = Some(body);
            serde_json::to_value(response)?
        }
    })
}
