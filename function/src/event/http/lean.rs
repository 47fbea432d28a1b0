//! The three HTTP envelopes as lean views of their `aws_lambda_events` types
//! (`ApiGatewayProxyRequest`, `ApiGatewayV2httpRequest`, `LambdaFunctionUrlRequest`):
//! the fields the reader uses, typed, renamed and defaulted as there, under the same
//! names, which serde's messages repeat (`envelope.rs` says why). The `http`
//! descriptions of format 2.0 are `aws_lambda_events`' own small types.

use std::collections::HashMap;

use aws_lambda_events::apigw::ApiGatewayV2httpRequestContextHttpDescription;
use aws_lambda_events::lambda_function_urls::LambdaFunctionUrlRequestContextHttpDescription;
use http::Method;
use serde::{Deserialize, Deserializer};

use super::super::envelope::nullish;

/// A REST API's proxy integration (format 1.0), the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiGatewayProxyRequest {
    #[serde(default)]
    pub(super) path: Option<String>,
    #[serde(deserialize_with = "method")]
    pub(super) http_method: Method,
    #[serde(deserialize_with = "nullish")]
    #[serde(default)]
    pub(super) path_parameters: HashMap<String, String>,
    pub(super) request_context: ApiGatewayProxyRequestContext,
    #[serde(default)]
    pub(super) body: Option<String>,
    #[serde(default, deserialize_with = "nullish")]
    pub(super) is_base64_encoded: bool,
}

/// `ApiGatewayProxyRequestContext`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiGatewayProxyRequestContext {
    #[serde(default)]
    pub(super) path: Option<String>,
}

/// `ApiGatewayV2httpRequest` (an HTTP API, format 2.0), the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiGatewayV2httpRequest {
    #[serde(default, alias = "path")]
    pub(super) raw_path: Option<String>,
    #[serde(deserialize_with = "nullish")]
    #[serde(default)]
    pub(super) path_parameters: HashMap<String, String>,
    pub(super) request_context: ApiGatewayV2httpRequestContext,
    pub(super) body: Option<String>,
    #[serde(default)]
    pub(super) is_base64_encoded: bool,
}

/// `ApiGatewayV2httpRequestContext`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ApiGatewayV2httpRequestContext {
    pub(super) http: ApiGatewayV2httpRequestContextHttpDescription,
}

/// `LambdaFunctionUrlRequest`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LambdaFunctionUrlRequest {
    #[serde(default)]
    pub(super) raw_path: Option<String>,
    pub(super) request_context: LambdaFunctionUrlRequestContext,
    pub(super) body: Option<String>,
    pub(super) is_base64_encoded: bool,
}

/// `LambdaFunctionUrlRequestContext`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct LambdaFunctionUrlRequestContext {
    pub(super) http: LambdaFunctionUrlRequestContextHttpDescription,
}

/// A REST API's `httpMethod`, read as `aws_lambda_events` reads it (its private
/// `custom_serde::http_method`): empty means GET, anything else must be a method. The
/// tests hold it to `ApiGatewayProxyRequest` for any string.
fn method<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Method, D::Error> {
    struct Visitor;
    impl serde::de::Visitor<'_> for Visitor {
        type Value = Method;

        fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            formatter.write_str("valid method name")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Method, E> {
            if text.is_empty() {
                return Ok(Method::GET);
            }
            text.parse()
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(text), &self))
        }
    }
    deserializer.deserialize_str(Visitor)
}
