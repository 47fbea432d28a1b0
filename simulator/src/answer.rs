//! How every answer with a JSON body is made, GES's, IAM's and a fault's alike: the
//! status, `Content-Type: application/json` and the body, whose length hyper sends;
//! and how a contract operation's generated response becomes one.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use ges_api::OperationResponse;
use ges_api::runtime::{self, Refusable};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

use crate::error_codes;

/// An answer with this status and JSON body.
pub(crate) fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.into(),
    )
        .into_response()
}

/// A documented answer, as the generated code renders it: its status, its body and
/// the headers the contract declares for it (sensitive ones marked so).
pub(crate) fn documented<R: OperationResponse>(answer: &R) -> Response {
    amended(answer, |body| body)
}

/// [`documented`], with the encoded body handed to `amend` first: for a service whose
/// answers carry more than the contract describes (IAM's, see `iam_routes`).
pub(crate) fn amended<R: OperationResponse>(
    answer: &R,
    amend: impl FnOnce(Vec<u8>) -> Vec<u8>,
) -> Response {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let encoded = answer
        .headers()
        .and_then(|headers| Ok((headers, answer.body()?)));
    let (headers, body) = match encoded {
        Ok(encoded) => encoded,
        Err(err) => {
            tracing::error!(%err, "could not encode an answer");
            return internal_error();
        }
    };
    let mut response = match body {
        Some(body) => json(status, amend(body)),
        None => status.into_response(),
    };
    response.headers_mut().extend(headers);
    response
}

/// An operation's answer, or a refusal (its status and error body) as the operation's
/// documented error answer; a status the contract does not document for it (429) is
/// answered as it is, outside the contract. `what` names the body in a log line.
pub(crate) fn answer_or_refusal<R>(
    outcome: Result<R, (StatusCode, R::ErrorBody)>,
    what: &'static str,
) -> Response
where
    R: OperationResponse + Refusable,
    R::ErrorBody: serde::Serialize + Clone,
{
    let (status, body) = match outcome {
        Ok(answer) => return documented(&answer),
        Err(refused) => refused,
    };
    if let Some(answer) = R::refusal(status, body.clone()) {
        return documented(&answer);
    }
    match runtime::encode_json(what, &body) {
        Ok(encoded) => json(status, encoded),
        Err(err) => {
            tracing::error!(%err, "could not encode {what}");
            internal_error()
        }
    }
}

/// The answer when the simulator cannot encode its own: written out, so that it cannot
/// fail in turn.
pub(crate) fn internal_error() -> Response {
    let body = format!(
        r#"{{"error_code":"{}","error_msg":"The simulator could not encode its answer."}}"#,
        error_codes::INTERNAL_ERROR
    );
    json(StatusCode::INTERNAL_SERVER_ERROR, body)
}
