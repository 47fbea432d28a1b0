//! HTTP requests through API Gateway REST APIs (proxy integration, payload format 1.0),
//! HTTP APIs (payload format 2.0) and Lambda function URLs, read through lean views of
//! `aws_lambda_events`' `ApiGatewayProxyRequest`, `ApiGatewayV2httpRequest` and
//! `LambdaFunctionUrlRequest` (`http/lean.rs`).
//!
//! Routes, and what the method, path and body ask (the core's,
//! [`ges_client::run::http_request`]): `POST /graphs/{graph_id}/stop` and
//! `POST /projects/{project_id}/graphs/{graph_id}/stop` for one graph, and `POST /fleet/stop`
//! whose body is the direct shape (`graph_ids`, or a fleet `selector`, and the options). The ids come from the path
//! parameters `graph_id` and `project_id` when the gateway's route template gives them;
//! else from the last segments of the raw path, so that a stage prefix (`/prod/...`) or a
//! custom domain's base path in front of the route changes nothing. Ids are not
//! percent-decoded: `a%2Fb` is refused by the id rules like any other bad id.
//!
//! On a one-graph route the body is optional: absent or empty means the defaults, else a
//! JSON object with `"wait"` and `"dry_run"` (base64-encoded when `isBase64Encoded` is
//! true). On `POST /fleet/stop` it is required and says which graphs. On `POST /reconcile`
//! it is optional: a reconcile's options (`at`, `dry_run`, selectors...), as the direct
//! shape has them.
//!
//! A path that is no route is 404, a method other than POST on a route is 405, a bad id
//! or body is 400. Headers, multi-value headers and cookies are dropped before the
//! envelope is read: they may hold credentials, and nothing here needs them, so no
//! message can repeat them and a malformed header cannot make a request fail.

use std::collections::HashMap;

use ges_client::run::http_request::{self, HttpRequest};
use serde_json::{Map, Value};

use super::error::{EventError, EventPart, Field, InvalidEvent};
use super::request::{HttpApi, Invocation, RunRequest, Trigger};
// What the tests build their expected requests with.
#[cfg(test)]
use ges_client::run::Graphs;

/// Envelope fields that are never read: they may carry credentials.
const DROPPED_FIELDS: [&str; 3] = ["headers", "multiValueHeaders", "cookies"];

/// Which HTTP front end sent `object`, if it is an HTTP request: it has `requestContext`
/// and either `version: "2.0"` or `rawPath` (payload format 2.0: an HTTP API or a
/// function URL) or `httpMethod` (payload format 1.0: a REST API, or an HTTP API
/// configured for 1.0, which also wants the 1.0 answer).
///
/// Format 2.0 comes from a function URL when `requestContext.domainName` is a
/// `<url-id>.lambda-url.<region>.on.aws` host: Lambda always sets it so, and an HTTP API
/// is never served from that domain. Otherwise (an `execute-api` host, a custom domain, or
/// none) it is an HTTP API. Both take the same answer, so a custom front end that
/// forwards function URL events with its own host loses nothing.
pub(super) fn detect(object: &Map<String, Value>) -> Option<HttpApi> {
    if !object.contains_key("requestContext") {
        return None;
    }
    let format_2 = object.get("version").and_then(Value::as_str) == Some("2.0");
    let has = |key| object.contains_key(key);
    if format_2 || (has("rawPath") && !has("httpMethod")) {
        let domain = object
            .get("requestContext")
            .and_then(|context| context.get("domainName"))
            .and_then(Value::as_str);
        return Some(match domain {
            Some(domain) if is_function_url_host(domain) => HttpApi::FunctionUrl,
            _ => HttpApi::HttpApi,
        });
    }
    has("httpMethod").then_some(HttpApi::RestApi)
}

/// Whether `host` is a function URL's: `<url-id>.lambda-url.<region>.on.aws`.
fn is_function_url_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    matches!(
        labels.as_slice(),
        [id, "lambda-url", region, "on", "aws"] if !id.is_empty() && !region.is_empty()
    )
}

/// Reads an HTTP request; any error still goes to the caller as an HTTP answer.
pub(super) fn parse(
    front_end: HttpApi,
    object: &Map<String, Value>,
) -> Result<Invocation, InvalidEvent> {
    let trigger = Trigger::Http(front_end);
    match read(front_end, object) {
        Ok(request) => Ok(Invocation { trigger, request }),
        Err(error) => Err(InvalidEvent::new(Some(trigger), error)),
    }
}

/// What is read from any of the three envelopes.
struct Request {
    method: String,
    path: Option<String>,
    parameters: HashMap<String, String>,
    body: Option<String>,
    body_is_base64: bool,
}

fn read(front_end: HttpApi, object: &Map<String, Value>) -> Result<RunRequest, EventError> {
    let request = envelope(front_end, object)?;
    http_request::read(&HttpRequest {
        method: &request.method,
        path: request.path.as_deref(),
        parameters: &request.parameters,
        body: request.body.as_deref(),
        body_is_base64: request.body_is_base64,
    })
    .map_err(EventError::from_http)
}

/// The envelope without [`DROPPED_FIELDS`], which may carry credentials and are never read.
fn without_dropped_fields(object: &Map<String, Value>) -> Value {
    Value::Object(
        object
            .iter()
            .filter(|(key, _)| !DROPPED_FIELDS.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}

/// Reads the envelope through its lean view, without the fields that may carry
/// credentials.
fn envelope(front_end: HttpApi, object: &Map<String, Value>) -> Result<Request, EventError> {
    let kept = without_dropped_fields(object);
    let part = EventPart::HttpRequest(front_end);
    Ok(match front_end {
        HttpApi::RestApi => {
            let request: lean::ApiGatewayProxyRequest = super::envelope::read(&kept, part)?;
            Request {
                method: request.http_method.as_str().to_owned(),
                path: request.path.or(request.request_context.path),
                parameters: request.path_parameters,
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
        HttpApi::HttpApi => {
            let request: lean::ApiGatewayV2httpRequest = super::envelope::read(&kept, part)?;
            let http = request.request_context.http;
            Request {
                method: http.method.as_str().to_owned(),
                path: request.raw_path.or(http.path),
                parameters: request.path_parameters,
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
        HttpApi::FunctionUrl => {
            let request: lean::LambdaFunctionUrlRequest = super::envelope::read(&kept, part)?;
            let http = request.request_context.http;
            Request {
                method: http.method.ok_or(EventError::MissingField {
                    part,
                    field: Field::Named("requestContext.http.method"),
                })?,
                path: request.raw_path.or(http.path),
                // Function URLs have no route templates, so no path parameters.
                parameters: HashMap::new(),
                body: request.body,
                body_is_base64: request.is_base64_encoded,
            }
        }
    })
}

mod lean;

#[cfg(test)]
mod tests;
