//! FunctionGraph's APIG trigger: an HTTP request through API Gateway, `{"httpMethod",
//! "path", "pathParameters", "body", "isBase64Encoded", "headers",
//! "queryStringParameters", "requestContext"}` (Huawei, "Using an APIG (Dedicated)
//! Trigger", functiongraph_01_0204; OTC's sample event). The method, path, path parameters
//! and body are read here and handed to the core's routes
//! ([`ges_client::run::http_request`]), the Lambda function's own: the same routes,
//! bodies and refusals. `headers` and `queryStringParameters` are never read: they may
//! carry credentials, and no route needs them, so no message can repeat them.

use std::collections::HashMap;

use ges_client::run::RunRequest;
use ges_client::run::http_request::{self, HttpRequest};
use serde_json::{Map, Value};

use super::error::{EventError, EventPart};
use super::fields::{object, optional_string, required, string, wrong};

/// Reads an APIG request into the run it asks for.
pub(super) fn read(envelope: &Map<String, Value>) -> Result<RunRequest, EventError> {
    let part = EventPart::Apig;
    object(required(envelope, "requestContext", part)?, part)?;
    let method = string(envelope, "httpMethod", part)?;
    let path = optional_string(envelope, "path", part)?;
    let parameters = match envelope.get("pathParameters") {
        None | Some(Value::Null) => HashMap::new(),
        Some(Value::Object(parameters)) => parameters
            .iter()
            .map(|(name, value)| match value {
                Value::String(value) => Ok((name.clone(), value.clone())),
                other => Err(wrong("pathParameters", part, "an object of strings", other)),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => return Err(wrong("pathParameters", part, "an object", other)),
    };
    let body = optional_string(envelope, "body", part)?;
    let body_is_base64 = match envelope.get("isBase64Encoded") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(flag)) => *flag,
        Some(other) => return Err(wrong("isBase64Encoded", part, "a boolean", other)),
    };
    http_request::read(&HttpRequest {
        method,
        path,
        parameters: &parameters,
        body,
        body_is_base64,
    })
    .map_err(EventError::Http)
}
