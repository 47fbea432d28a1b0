//! An HTTP request to a run, whichever gateway delivered it (API Gateway, a function URL,
//! FunctionGraph's APIG trigger): the method, path, path parameters and body a front door
//! has read from its envelope ([`HttpRequest`]), read into a [`RunRequest`] by the
//! routes of `routes.rs`, or refused with an [`HttpRequestError`] whose
//! [`HttpRequestError::error_type`] gives the status every front door answers with.
//!
//! On a one-graph route the body is optional: absent or empty means the defaults, else a
//! JSON object with `"wait"` and `"dry_run"` (base64-encoded when the gateway says so). On
//! `POST /fleet/stop` it is required and says which graphs, in our event shape. On `POST
//! /reconcile` it is optional: a reconcile's options (`at`, `dry_run`, selectors...). A
//! path that is no route is 404, a method other than POST on a route is 405, a bad id or
//! body is 400. Ids are not percent-decoded: `a%2Fb` is refused by the id rules like any
//! other bad id.

use std::collections::HashMap;
use std::fmt;

use base64::Engine as _;
use ges_api::types::{GraphId, ProjectId};
use serde_json::{Map, Value};

use super::event::{self, Field, REASON_LIMIT, ShapeError};
use super::request::{Graphs, RunRequest};
use super::routes::{METHOD, Route, route};
use super::status::ErrorType;
use crate::input::json::JsonError;
use crate::input::{Excerpt, JsonKind, brief};

/// The routes, for messages.
pub const ROUTES: &str = "POST /graphs/{graph_id}/stop, POST \
     /projects/{project_id}/graphs/{graph_id}/stop, POST /fleet/stop with the graphs in the body, \
     or POST /reconcile";

/// What a one-graph route's body may hold, for messages.
pub const BODY_ACCEPTED: &str = "\"wait\" and \"dry_run\" (the graph is named by the path; \
     POST /fleet/stop takes graphs and selectors in the body)";

/// The fields of a one-graph route's body.
const BODY_FIELDS: [&str; 2] = ["wait", "dry_run"];

/// What a front door read from its gateway's envelope. Headers are not among them: they
/// may carry credentials, and no route needs them.
#[derive(Debug, Clone, Copy)]
pub struct HttpRequest<'a> {
    /// The method, as sent.
    pub method: &'a str,
    /// The path, when the envelope gives one.
    pub path: Option<&'a str>,
    /// The path parameters of the gateway's route template (none: an empty map).
    pub parameters: &'a HashMap<String, String>,
    /// The body, when there is one.
    pub body: Option<&'a str>,
    /// Whether the gateway base64-encoded the body.
    pub body_is_base64: bool,
}

/// Where in an HTTP request our event shape was wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpPlace {
    /// The path (or the path parameters).
    Path,
    /// The body.
    Body,
}

impl fmt::Display for HttpPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Path => "the request path",
            Self::Body => "the request body",
        })
    }
}

/// Why an HTTP request asks for no run. Every message is short and repeats nothing but
/// cut excerpts of the method, path and field names.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HttpRequestError {
    /// A method other than POST on a route.
    #[error("method {method} is not allowed here: send {ROUTES}")]
    MethodNotAllowed {
        /// The method received, cut.
        method: Excerpt,
    },
    /// A path that is no route.
    #[error("no route for {path}: send {ROUTES}")]
    NoRoute {
        /// The path received, cut.
        path: Excerpt,
    },
    /// A body marked base64 that does not decode.
    #[error("the request body is marked \"isBase64Encoded\" but is not valid base64")]
    BodyNotBase64,
    /// A body that is not JSON.
    #[error("the request body is not JSON ({reason}); send {{\"wait\": true}}, or no body")]
    BodyNotJson {
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// A body that gives a key twice or has more after its value.
    #[error("the request body {0}")]
    BodyJson(JsonError),
    /// A body that is JSON but not an object.
    #[error("the request body must be a JSON object such as {{\"wait\": true}}, not {found}")]
    BodyNotAnObject {
        /// The JSON type received.
        found: JsonKind,
    },
    /// A one-graph route's body with a field other than `wait` and `dry_run`.
    #[error("unknown field {field} in the request body; it accepts {BODY_ACCEPTED}")]
    UnknownBodyField {
        /// The field's name, cut.
        field: Excerpt,
    },
    /// Our event shape refused, in the path or the body.
    #[error("{error} in {place}")]
    Shape {
        /// Where.
        place: HttpPlace,
        /// What is wrong. Boxed: a rare error need not make every `Result` large.
        error: Box<ShapeError>,
    },
}

impl HttpRequestError {
    /// [`ErrorType::RouteNotFound`] for a path that is no route,
    /// [`ErrorType::MethodNotAllowed`] for a method other than POST, else
    /// [`ErrorType::InvalidEvent`].
    pub fn error_type(&self) -> ErrorType {
        match self {
            Self::MethodNotAllowed { .. } => ErrorType::MethodNotAllowed,
            Self::NoRoute { .. } => ErrorType::RouteNotFound,
            _ => ErrorType::InvalidEvent,
        }
    }
}

/// The run `request` asks for.
pub fn read(request: &HttpRequest<'_>) -> Result<RunRequest, HttpRequestError> {
    let Some(route) = route(request.parameters, request.path) else {
        return Err(HttpRequestError::NoRoute {
            path: Excerpt::of(request.path.unwrap_or_default()),
        });
    };
    if request.method != METHOD {
        return Err(HttpRequestError::MethodNotAllowed {
            method: Excerpt::of(request.method),
        });
    }
    let mut body = body(request.body, request.body_is_base64)?;
    let in_body = |error| HttpRequestError::Shape {
        place: HttpPlace::Body,
        error: Box::new(error),
    };
    let route = match route {
        Route::Fleet => return event::parse(&body).map_err(in_body),
        Route::Reconcile => {
            // The route says what the run is; a body may say so again, or give only the
            // options.
            body.entry("reconcile").or_insert(Value::Bool(true));
            return event::parse(&body).map_err(in_body);
        }
        Route::Graph(route) => route,
    };
    if let Some(unknown) = body.keys().find(|key| !BODY_FIELDS.contains(&key.as_str())) {
        return Err(HttpRequestError::UnknownBodyField {
            field: Excerpt::of(unknown),
        });
    }
    let in_path = |field, violation| HttpRequestError::Shape {
        place: HttpPlace::Path,
        error: Box::new(ShapeError::InvalidId {
            field: Field::Named(field),
            violation: Box::new(violation),
        }),
    };
    let graph_id =
        GraphId::try_from(route.graph_id).map_err(|violation| in_path("graph_id", violation))?;
    let project_id = route
        .project_id
        .map(|id| ProjectId::try_from(id).map_err(|violation| in_path("project_id", violation)))
        .transpose()?;
    Ok(RunRequest {
        graphs: Some(Graphs::Named(vec![graph_id])),
        project_id,
        wait: event::flag(&body, "wait").map_err(in_body)?,
        dry_run: event::flag(&body, "dry_run").map_err(in_body)?,
        max_graphs: None,
        credentials: None,
    })
}

/// The body's fields, read strictly: none when there is no body or it is blank.
fn body(body: Option<&str>, is_base64: bool) -> Result<Map<String, Value>, HttpRequestError> {
    let Some(text) = body else {
        return Ok(Map::new());
    };
    let decoded;
    let bytes = if is_base64 {
        decoded = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| HttpRequestError::BodyNotBase64)?;
        decoded.as_slice()
    } else {
        text.as_bytes()
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let value = crate::input::json::parse_slice(bytes).map_err(|error| match error {
        JsonError::Syntax { message, .. } => HttpRequestError::BodyNotJson {
            reason: brief(&message, REASON_LIMIT),
        },
        error => HttpRequestError::BodyJson(error),
    })?;
    match value {
        Value::Object(fields) => Ok(fields),
        other => Err(HttpRequestError::BodyNotAnObject {
            found: JsonKind::of(&other),
        }),
    }
}
