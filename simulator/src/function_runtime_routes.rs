//! FunctionGraph's custom-runtime API, served on the simulator's own address, as
//! Huawei's "Custom Runtime" page gives it (FunctionGraph user guide,
//! functiongraph_01_0406:
//! <https://support.huaweicloud.com/intl/en-us/usermanual-functiongraph/functiongraph_01_0406.html>;
//! whole in Open Telekom Cloud's copy,
//! <https://docs.otc.t-systems.com/function-graph/umn/before_you_start/supported_programming_languages/custom_runtime.html>).
//! The page documents the three paths and the six headers of an invocation, nothing
//! else: every answer beyond those (statuses, error bodies, waits) is the simulator's
//! choice, said below. No call is authenticated: the API is the function's own, on
//! its host.
//!
//! - `GET /v1/runtime/invocation/request` waits up to [`crate::RUNTIME_LONG_POLL`]
//!   for an invocation ([`crate::RunningSimulator::invoke_function`]) and hands out the
//!   oldest: `200`, the event as the body (`Content-Type: application/json`), and
//!   `X-Cff-Request-Id` (a fresh version 4 UUID), `X-CFF-Invoke-Type: sync` (Huawei
//!   documents no value; timer and APIG triggers invoke synchronously, "Triggers:
//!   Overview", functiongraph_01_0399), and, when the invocation has an agency, `X-CFF-Access-Key`,
//!   `X-CFF-Secret-Key`, `X-CFF-Security-Token` (new temporary credentials for every
//!   invocation, issued into the store Huawei STS's credentials live in, so that GES,
//!   Cloud Eye and IAM accept calls signed with them and their `X-Security-Token` for
//!   [`AGENCY_CREDENTIALS_LIFETIME`] on the simulator's clock, or until
//!   [`crate::RunningSimulator::revoke_federated_credentials`]) and `X-CFF-Auth-Token`
//!   (a new IAM token scoped to the main project, accepted as an `X-Auth-Token` for
//!   IAM's token lifetime). Without an agency none of these four headers is sent. When
//!   nothing comes within the wait it answers `503` ([`error_codes::NO_INVOCATION`]):
//!   the page's own example treats any answer but `200` as "no invocation yet" and asks
//!   again; `503` (not `204`) so that a client that treats every 2xx as an invocation
//!   does not take it for one. The same `503` ends a wait at once when the simulator
//!   shuts down. A `GET` whose function gave up on it keeps waiting all the same (the
//!   server cannot tell: hyper keeps a half-closed connection, and a reqwest call that
//!   timed out keeps its connection open to read the answer), and may take the next
//!   invocation, which then times out: a function must not give up on this `GET`
//!   sooner than [`crate::RUNTIME_LONG_POLL`].
//! - `POST /v1/runtime/invocation/response/{request_id}` and `POST
//!   /v1/runtime/invocation/error/{request_id}` record the body (up to
//!   [`crate::RUNTIME_MAX_RESP_BODY_SIZE`] bytes; beyond, `413`
//!   [`error_codes::RESPONSE_TOO_LARGE`]) as the invocation's
//!   [`crate::FunctionOutcome::Answered`] or [`crate::FunctionOutcome::Failed`] and
//!   answer `200` with no body. A request ID never handed out gets `404`
//!   ([`error_codes::UNKNOWN_INVOCATION`]); one already answered or timed out, `409`
//!   ([`error_codes::INVOCATION_FINISHED`]). A refused post changes nothing: the
//!   invocation still waits for an answer, or stays as it ended.
//!
//! Refusals are `{"error_code", "error_msg"}`, as every other answer of the simulator.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use futures_util::StreamExt;
use http::header::CONTENT_TYPE;
use http::{HeaderName, HeaderValue, StatusCode};

use crate::answer;
use crate::error_codes;
use crate::function_runtime::{
    AnswerPath, AnswerRefusal, Fetched, HandedOut, RUNTIME_LONG_POLL, RUNTIME_MAX_RESP_BODY_SIZE,
};
use crate::journal::{Handled, OperationKind};
use crate::shared::Shared;

/// How long an agency's temporary credentials and token live: 24 hours, as
/// FunctionGraph's context SDK says of `getSecurityAccessKey()`,
/// `getSecuritySecretKey()`, `getSecurityToken()` and `getToken()` ("有效期24小时",
/// "开发事件函数: SDK接口",
/// <https://huaweicloud.com/guide/productsdesc-bms_a04f6be27b10db34faadd7dc0a8bb749support1>).
pub(crate) const AGENCY_CREDENTIALS_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

// The paths and Table 1's headers: `ges_api::functiongraph`, as the function reads them.
use ges_api::functiongraph::{
    ACCESS_KEY as HEADER_ACCESS_KEY, AUTH_TOKEN as HEADER_AUTH_TOKEN,
    INVOKE_TYPE as HEADER_INVOKE_TYPE, NEXT_INVOCATION_PATH as NEXT_INVOCATION,
    REQUEST_ID as HEADER_REQUEST_ID, SECRET_KEY as HEADER_SECRET_KEY,
    SECURITY_TOKEN as HEADER_SECURITY_TOKEN, error_path, response_path,
};

/// The simulator's `X-CFF-Invoke-Type`.
const INVOKE_TYPE: &str = "sync";

/// How much of an oversized answer is read before the connection is given up on.
const DRAINED: usize = 2 * RUNTIME_MAX_RESP_BODY_SIZE;

/// How much of a request ID a refusal repeats.
const ID_SHOWN: usize = 80;

/// The runtime API's three routes.
pub(crate) fn routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router
        .route(NEXT_INVOCATION, get(next_invocation))
        .route(&response_path("{request_id}"), post(response))
        .route(&error_path("{request_id}"), post(error))
}

/// `GET /v1/runtime/invocation/request`.
async fn next_invocation(State(shared): State<Arc<Shared>>) -> Response {
    let response = match shared.function_runtime.fetch(RUNTIME_LONG_POLL).await {
        Fetched::Invocation(handed) => hand_out(&shared, handed),
        Fetched::Nothing => refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            error_codes::NO_INVOCATION,
            format!(
                "No invocation came within {} s: ask again.",
                RUNTIME_LONG_POLL.as_secs()
            ),
        ),
        Fetched::Closing => refusal(
            StatusCode::SERVICE_UNAVAILABLE,
            error_codes::NO_INVOCATION,
            "The runtime is shutting down: no more invocations will come.".to_owned(),
        ),
    };
    handled(response, OperationKind::NextInvocation)
}

/// The answer that hands an invocation out, with fresh credentials when it has an
/// agency; `500` (the invocation back in the queue) if none can be made.
fn hand_out(shared: &Shared, handed: HandedOut) -> Response {
    let mut headers = vec![
        (HEADER_REQUEST_ID, handed.request_id.clone()),
        (HEADER_INVOKE_TYPE, INVOKE_TYPE.to_owned()),
    ];
    if handed.agency {
        let now = shared.clock.date();
        let expires = now
            .checked_add(
                time::Duration::try_from(AGENCY_CREDENTIALS_LIFETIME)
                    .unwrap_or(time::Duration::ZERO),
            )
            .unwrap_or(now);
        let Some(issued) = shared.federation.issue(expires) else {
            shared.function_runtime.put_back(&handed.request_id);
            return answer::internal_error();
        };
        let (token, _) = shared.iam.issue(shared.project_id.clone());
        headers.extend([
            (HEADER_ACCESS_KEY, issued.access_key.clone()),
            (HEADER_SECRET_KEY, issued.secret_key.clone()),
            (HEADER_SECURITY_TOKEN, issued.security_token.clone()),
            (HEADER_AUTH_TOKEN, token),
        ]);
    }
    let mut response = (StatusCode::OK, Body::from(handed.event)).into_response();
    let sent = response.headers_mut();
    sent.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    for (name, value) in headers {
        // Every value is made here of visible ASCII (a UUID, letters and digits,
        // base64, the IAM token's letters and hex).
        let Ok(mut value) = HeaderValue::try_from(value) else {
            shared.function_runtime.put_back(&handed.request_id);
            return answer::internal_error();
        };
        value.set_sensitive(name != HEADER_REQUEST_ID && name != HEADER_INVOKE_TYPE);
        sent.insert(HeaderName::from_static(name), value);
    }
    if let Some(access_key) = sent.get(HEADER_ACCESS_KEY).and_then(|v| v.to_str().ok()) {
        shared
            .function_runtime
            .note_access_key(access_key.to_owned());
    }
    response
}

/// `POST /v1/runtime/invocation/response/{request_id}`.
async fn response(
    State(shared): State<Arc<Shared>>,
    Path(request_id): Path<String>,
    request: Request,
) -> Response {
    let answer = record(&shared, &request_id, AnswerPath::Response, request).await;
    handled(answer, OperationKind::InvocationResponse)
}

/// `POST /v1/runtime/invocation/error/{request_id}`.
async fn error(
    State(shared): State<Arc<Shared>>,
    Path(request_id): Path<String>,
    request: Request,
) -> Response {
    let answer = record(&shared, &request_id, AnswerPath::Error, request).await;
    handled(answer, OperationKind::InvocationError)
}

/// Reads an answer's body and gives it to the invocation it names.
async fn record(shared: &Shared, request_id: &str, path: AnswerPath, request: Request) -> Response {
    let Some(body) = read_bounded(request.into_body()).await else {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            error_codes::RESPONSE_TOO_LARGE,
            format!(
                "The body could not be read, or is larger than {RUNTIME_MAX_RESP_BODY_SIZE} \
                 bytes (RUNTIME_MAX_RESP_BODY_SIZE); the invocation still waits for an answer."
            ),
        );
    };
    let shown: String = request_id.chars().take(ID_SHOWN).collect();
    match shared.function_runtime.answer(request_id, path, body) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(AnswerRefusal::Unknown) => refusal(
            StatusCode::NOT_FOUND,
            error_codes::UNKNOWN_INVOCATION,
            format!("No invocation {shown} was handed out: answer the X-Cff-Request-Id received."),
        ),
        Err(AnswerRefusal::AlreadyAnswered) => refusal(
            StatusCode::CONFLICT,
            error_codes::INVOCATION_FINISHED,
            format!("The invocation {shown} was answered already."),
        ),
        Err(AnswerRefusal::TimedOut) => refusal(
            StatusCode::CONFLICT,
            error_codes::INVOCATION_FINISHED,
            format!("The invocation {shown} timed out before this answer."),
        ),
    }
}

/// The body, if it holds at most [`RUNTIME_MAX_RESP_BODY_SIZE`] bytes. A larger one
/// is still read to its end (up to [`DRAINED`] bytes, and dropped) so that the client,
/// still sending, gets the `413` rather than a broken connection.
async fn read_bounded(body: Body) -> Option<Vec<u8>> {
    let mut chunks = body.into_data_stream();
    let mut kept = Vec::new();
    let mut seen = 0usize;
    // Bounded: each turn takes a chunk, and at most DRAINED bytes are taken.
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.ok()?;
        seen = seen.saturating_add(chunk.len());
        if seen > DRAINED {
            return None;
        }
        if seen <= RUNTIME_MAX_RESP_BODY_SIZE {
            kept.extend_from_slice(&chunk);
        }
    }
    (seen <= RUNTIME_MAX_RESP_BODY_SIZE).then_some(kept)
}

fn refusal(status: StatusCode, code: &str, message: String) -> Response {
    let body = serde_json::json!({ "error_code": code, "error_msg": message });
    answer::json(status, body.to_string())
}

/// Tells the journal which operation answered.
fn handled(mut response: Response, operation: OperationKind) -> Response {
    response.extensions_mut().insert(Handled {
        operation: Some(operation),
        ..Handled::default()
    });
    response
}
