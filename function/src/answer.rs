//! What the function answers, in the form each AWS caller understands: the run's answer
//! (or a Lambda error whose type names the failure) for events, an API Gateway or
//! function URL response for HTTP callers, whatever happened, and `batchItemFailures`
//! for an SQS batch. The answer itself, and its statuses, are the core's
//! ([`ges_client::run`]).

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use aws_lambda_events::lambda_function_urls::LambdaFunctionUrlResponse;
use aws_lambda_events::sqs::SqsBatchResponse;
use ges_client::run::{self, Answer, ErrorDetail, ErrorType, HttpOutcome, RunError};
use http::StatusCode;
use http::header::HeaderMap;
use lambda_runtime::{Context, Diagnostic};
use serde_json::Value;

use crate::event::{HttpApi, InvalidEvent, MessageId, Trigger};

/// An invocation that reached no outcome. Its Lambda error type is [`FunctionError::kind`];
/// HTTP callers get its [`ErrorType::http_status`] instead.
#[derive(Debug, thiserror::Error)]
pub enum FunctionError {
    /// The event matches no accepted shape, or holds a bad value.
    #[error(transparent)]
    InvalidEvent(InvalidEvent),
    /// The run reached no outcome, or not for every graph.
    #[error(transparent)]
    Run(#[from] RunError),
    /// The answer could not be encoded.
    #[error("could not encode the answer as JSON: {0}")]
    Encode(#[from] serde_json::Error),
}

impl FunctionError {
    /// The Lambda error type, which a dead-letter queue or an alarm can filter on; its
    /// HTTP status is what an HTTP caller gets.
    pub fn kind(&self) -> ErrorType {
        match self {
            Self::InvalidEvent(invalid) => invalid.error.error_type(),
            Self::Run(error) => error.kind(),
            Self::Encode(_) => ErrorType::InternalError,
        }
    }

    /// The error in a sentence, for a log line: a partial failure's sum rather than its
    /// whole answer, which its own `summary` line has already counted.
    pub fn brief(&self) -> String {
        match self {
            Self::Run(error) => error.brief(),
            other => other.to_string(),
        }
    }

    /// The HTTP status for an HTTP caller: its kind's.
    pub fn http_status(&self) -> StatusCode {
        self.kind().http_status()
    }
}

impl From<FunctionError> for Diagnostic {
    fn from(error: FunctionError) -> Self {
        Diagnostic {
            error_type: error.kind().name().to_owned(),
            error_message: error.to_string(),
        }
    }
}

/// The `error` object of an HTTP error body: the run's, or the event's, with the
/// invocation's request id.
fn detail(error: &FunctionError, context: &Context) -> ErrorDetail {
    match error {
        FunctionError::Run(run) => run.detail(),
        other => ErrorDetail::new(other.kind(), other.to_string()),
    }
    .with_request_id(&context.request_id)
}

/// The answer for the caller: HTTP callers get a response whatever happened (the core's
/// status, headers and body, [`run::http_answer`]); other callers get the report, or the
/// error for the runtime to report.
pub fn render(
    trigger: Option<&Trigger>,
    result: Result<Answer, FunctionError>,
    context: &Context,
) -> Result<Value, FunctionError> {
    let Some(Trigger::Http(api)) = trigger else {
        return Ok(serde_json::to_value(result?)?);
    };
    let answer = match &result {
        Ok(answer) => run::http_answer(HttpOutcome::Answered(answer))?,
        Err(error) => run::http_answer(HttpOutcome::Failed {
            detail: detail(error, context),
            batch: match error {
                FunctionError::Run(RunError::PartialFailure(batch)) => Some(batch),
                _ => None,
            },
        })?,
    };
    http_response(*api, answer.status, answer.headers, answer.body)
}

/// The answer to an SQS batch, for an event source mapping with
/// `ReportBatchItemFailures`: `{"batchItemFailures": [{"itemIdentifier": id}, ...]}`, the
/// messages to deliver again, exactly the failed ones (none: the whole batch is done).
/// Never a Lambda error, which would have SQS deliver every message again.
pub fn batch_item_failures(failed: &[MessageId]) -> Result<Value, FunctionError> {
    let mut response = SqsBatchResponse::default();
    response.set_failures(failed.iter().map(MessageId::as_str));
    Ok(serde_json::to_value(response)?)
}

fn http_response(
    api: HttpApi,
    status: StatusCode,
    headers: HeaderMap,
    body: String,
) -> Result<Value, FunctionError> {
    let status = i64::from(status.as_u16());
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
