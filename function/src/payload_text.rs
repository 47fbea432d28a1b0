//! The invocation's payload as the caller sent it, whole: [`PayloadText`], and the
//! [`WholePayload`] layer that hands it over.
//!
//! `lambda_runtime` parses the payload into the handler's type with serde_json, which
//! keeps the last of two equal keys, and without looking past the first value, so that
//! `{"graph_id": "g", "dry_run": true, "dry_run": false}` arrived as a real stop and
//! `{"graph_id": "g"} trailing` as a stop too. Even a `RawValue` stops at the end of the
//! first value. So this layer, outermost, wraps the body the Runtime API gave into one
//! JSON string before the runtime parses it: the handler receives the exact text, and
//! reads it with the strict reader ([`ges_client::input::json`]) like every other input.

use std::task::{Context, Poll};

use lambda_runtime::LambdaInvocation;
use lambda_runtime::tower::{Layer, Service};
use serde::Deserialize;

/// The payload's text, whole, as the caller sent it.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct PayloadText(String);

impl PayloadText {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Wraps each invocation's body into a JSON string, so that the handler's
/// [`PayloadText`] is the body itself. A body that is not UTF-8 (so not JSON) is passed
/// on as it is, and the runtime refuses it as before.
#[derive(Debug, Clone, Copy, Default)]
pub struct WholePayload;

impl<S> Layer<S> for WholePayload {
    type Service = WholePayloadService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        WholePayloadService { inner }
    }
}

/// The service [`WholePayload`] makes.
#[derive(Debug, Clone)]
pub struct WholePayloadService<S> {
    inner: S,
}

impl<S: Service<LambdaInvocation>> Service<LambdaInvocation> for WholePayloadService<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut invocation: LambdaInvocation) -> Self::Future {
        invocation.body = quoted(invocation.body);
        self.inner.call(invocation)
    }
}

/// `body` as a JSON string, when it is UTF-8.
fn quoted(body: bytes::Bytes) -> bytes::Bytes {
    match std::str::from_utf8(&body).map(serde_json::to_vec) {
        Ok(Ok(quoted)) => quoted.into(),
        _ => body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_handler_gets_the_body_exactly() {
        for body in [
            r#"{"graph_id":"g","dry_run":true,"dry_run":false}"#,
            "{\"graph_id\": \"g\"} trailing\n",
            "not json at all \u{1F600} \"\\",
            "",
        ] {
            let quoted = quoted(bytes::Bytes::from(body.to_owned()));
            let text: PayloadText = serde_json::from_slice(&quoted).unwrap();
            assert_eq!(text.as_str(), body);
        }
        let binary = bytes::Bytes::from_static(b"\xff\xfe");
        assert_eq!(quoted(binary.clone()), binary);
    }
}
