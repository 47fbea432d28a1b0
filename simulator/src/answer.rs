//! How every answer with a JSON body is made, GES's, IAM's and a fault's alike: the
//! status, `Content-Type: application/json` and the body, whose length hyper sends.

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

/// An answer with this status and JSON body.
pub(crate) fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body.into(),
    )
        .into_response()
}
