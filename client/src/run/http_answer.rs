//! What an HTTP caller gets, whichever gateway it came through and whatever happened: the
//! status, headers and JSON body of a run's answer or of its failure ([`http_answer`]).
//! Each front door puts these into its gateway's response shape (API Gateway's, a
//! function URL's, FunctionGraph's APIG), so that every one answers alike.

use http::StatusCode;
use http::header::{ALLOW, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use serde::Serialize;

use super::report::{Answer, BatchAnswer, ErrorDetail};
use super::routes::METHOD;

/// Seconds an HTTP caller is told to wait before trying again when GES is unavailable.
const RETRY_AFTER_SECS: &str = "30";

/// How a request ended, for its HTTP answer.
#[derive(Debug)]
pub enum HttpOutcome<'a> {
    /// The run's answer.
    Answered(&'a Answer),
    /// A failure: its `error` object (whose code gives the status), and the batch of a
    /// partial failure, which goes beside it.
    Failed {
        /// What went wrong, with the request id it answers.
        detail: ErrorDetail,
        /// A partial failure's batch: every graph's report.
        batch: Option<&'a BatchAnswer>,
    },
}

/// An HTTP answer, before it takes a gateway's shape.
#[derive(Debug)]
pub struct HttpAnswer {
    /// 200, or the failure's [`super::ErrorType::http_status`].
    pub status: StatusCode,
    /// `Content-Type`, and `Retry-After` (503) or `Allow` (405).
    pub headers: HeaderMap,
    /// The answer's JSON, or `{"error": ...}`, or a partial failure's batch with its
    /// `error` beside it.
    pub body: String,
}

/// The body of an HTTP answer to a partial failure: the batch, with the `error` every
/// HTTP failure has beside it.
#[derive(Serialize)]
struct PartialFailureBody<'a> {
    #[serde(flatten)]
    batch: &'a BatchAnswer,
    error: ErrorDetail,
}

/// The answer to `outcome`.
pub fn http_answer(outcome: HttpOutcome<'_>) -> Result<HttpAnswer, serde_json::Error> {
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let (status, body) = match outcome {
        HttpOutcome::Answered(answer) => (StatusCode::OK, serde_json::to_string(answer)?),
        HttpOutcome::Failed { detail, batch } => {
            let status = detail.code().http_status();
            if status == StatusCode::SERVICE_UNAVAILABLE {
                headers.insert(RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECS));
            }
            if status == StatusCode::METHOD_NOT_ALLOWED {
                headers.insert(ALLOW, HeaderValue::from_static(METHOD));
            }
            let body = match batch {
                Some(batch) => serde_json::to_string(&PartialFailureBody {
                    batch,
                    error: detail,
                })?,
                None => serde_json::to_string(&serde_json::json!({ "error": detail }))?,
            };
            (status, body)
        }
    };
    Ok(HttpAnswer {
        status,
        headers,
        body,
    })
}
