//! What the function answers, at the runtime API's two paths: [`Reply::Response`] at
//! `.../invocation/response/{request_id}`, [`Reply::Error`] at `.../invocation/error/
//! {request_id}` with `{"errorType", "errorMessage"}` (the body of Huawei's own example,
//! "Custom Runtime", functiongraph_01_0406). An APIG caller always gets a response, in
//! the shape FunctionGraph passes on to APIG (`statusCode`, `headers`, `body`,
//! `isBase64Encoded`: "What If Error Code 500 Is Reported When Functions that Use APIG
//! Triggers Return Strings?", functiongraph_03_0290), with the core's statuses and bodies
//! ([`ges_client::run::http_answer`]), the Lambda function's own; every other caller gets
//! the run's answer, or the error whose `errorType` names the failure.

use ges_client::run::{self, Answer, ErrorDetail, ErrorType, HttpOutcome, RunError};
use serde::Serialize;
use serde_json::{Map, Value};

/// An invocation's answer, for the runtime API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The answer's JSON, for the response path.
    Response(String),
    /// A failure, for the error path.
    Error {
        /// What a caller or an alarm filters on.
        error_type: ErrorType,
        /// What went wrong, in words.
        message: String,
    },
}

impl Reply {
    /// The body to post: the answer, or `{"errorType", "errorMessage"}`.
    pub fn body(&self) -> String {
        match self {
            Self::Response(body) => body.clone(),
            Self::Error {
                error_type,
                message,
            } => serde_json::json!({
                "errorType": error_type.name(),
                "errorMessage": message,
            })
            .to_string(),
        }
    }

    /// An error of this type, in these words.
    pub fn error(error_type: ErrorType, message: impl Into<String>) -> Self {
        Self::Error {
            error_type,
            message: message.into(),
        }
    }
}

/// A failure, before it takes its caller's form.
#[derive(Debug)]
pub struct Failure {
    /// Its type.
    pub error_type: ErrorType,
    /// Its message.
    pub message: String,
    /// The `error` object an APIG caller gets.
    pub detail: ErrorDetail,
    /// The run's error, when a run failed: a partial failure's batch goes beside its
    /// `error`.
    pub run: Option<RunError>,
}

impl Failure {
    /// A failure the run had no part in (a bad event, missing credentials).
    pub fn new(error_type: ErrorType, message: String) -> Self {
        Self {
            detail: ErrorDetail::new(error_type, message.clone()),
            error_type,
            message,
            run: None,
        }
    }

    /// A run's failure.
    pub fn of_run(error: RunError) -> Self {
        Self {
            error_type: error.kind(),
            message: error.to_string(),
            detail: error.detail(),
            run: Some(error),
        }
    }
}

/// APIG's answer shape.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ApigResponse {
    status_code: u16,
    headers: Map<String, Value>,
    body: String,
    is_base64_encoded: bool,
}

/// The reply to an APIG caller: an HTTP answer, whatever happened, naming the request.
pub fn apig(result: Result<&Answer, Failure>, request_id: &str) -> Reply {
    let answer = match result {
        Ok(answer) => run::http_answer(HttpOutcome::Answered(answer)),
        Err(failure) => {
            let batch = match &failure.run {
                Some(RunError::PartialFailure(batch)) => Some(batch.as_ref()),
                _ => None,
            };
            run::http_answer(HttpOutcome::Failed {
                detail: failure.detail.with_request_id(request_id),
                batch,
            })
        }
    };
    let encoded = answer.and_then(|answer| {
        let headers = answer
            .headers
            .iter()
            .filter_map(|(name, value)| {
                let value = value.to_str().ok()?;
                Some((name.as_str().to_owned(), Value::String(value.to_owned())))
            })
            .collect();
        serde_json::to_string(&ApigResponse {
            status_code: answer.status.as_u16(),
            headers,
            body: answer.body,
            is_base64_encoded: false,
        })
    });
    match encoded {
        Ok(body) => Reply::Response(body),
        Err(error) => encoding_failed(&error),
    }
}

/// The reply to any other caller: the answer's JSON, or the error.
pub fn plain(result: Result<&Answer, Failure>) -> Reply {
    match result {
        Ok(answer) => match serde_json::to_string(answer) {
            Ok(body) => Reply::Response(body),
            Err(error) => encoding_failed(&error),
        },
        Err(failure) => Reply::Error {
            error_type: failure.error_type,
            message: failure.message,
        },
    }
}

fn encoding_failed(error: &serde_json::Error) -> Reply {
    Reply::error(
        ErrorType::InternalError,
        format!("could not encode the answer as JSON: {error}"),
    )
}
