//! Every way the function is invoked, turned into one [`Invocation`]: the shape is
//! detected from the payload, checked once here, and nothing downstream sees raw JSON.
//!
//! | trigger | shape | graphs |
//! |---|---|---|
//! | direct invoke, EventBridge Scheduler (ScheduleV2) | `{"graph_id"}` or `{"graph_ids"}` | as named |
//! | classic EventBridge schedule rule | `"detail-type": "Scheduled Event"`, empty `detail` | configured |
//! | EventBridge custom event | envelope, `detail` in the direct shape | from `detail` |
//! | CloudEvents 1.0, structured JSON | `specversion`, `type`, `source`, `id`, `data` | from `data` |
//! | API Gateway REST (v1), HTTP API (v2), function URL | `POST /graphs/{id}/stop` | from the path |
//!
//! Detection looks at which keys the top-level object has, first match wins:
//!
//! 1. `requestContext` with `version: "2.0"`, `httpMethod` or `rawPath`: an HTTP request
//!    (`http.rs`); a function URL when `requestContext.domainName` is a
//!    `<id>.lambda-url.<region>.on.aws` host.
//! 2. `specversion`: a CloudEvent (`cloudevents.rs`).
//! 3. `detail-type`: an EventBridge envelope (`eventbridge.rs`).
//! 4. any of the direct shape's fields: the direct shape (`direct.rs`).
//! 5. anything else: refused, listing the accepted shapes.
//!
//! Every message here is short and safe to return to a caller: identifiers, field names
//! and paths are cut to about 80 characters and escaped ([`Excerpt`]), and HTTP headers
//! and cookies are dropped before an envelope is read, so no message can repeat them.
//!
//! What the readers share sits in leaf modules that use none of them: `request.rs` (what
//! an event asks for), `error.rs` (what can be wrong with it) and `envelope.rs` (reading
//! an AWS envelope). This file declares the modules, re-exports the public types and
//! dispatches; no reader uses it.

mod cloudevents;
mod direct;
mod envelope;
mod error;
mod eventbridge;
mod http;
mod request;

use serde_json::Value;

pub use crate::graphs::Graphs;
pub use error::{EventError, EventPart, Field, FieldNames, InvalidEvent};
pub use ges_client::input::{Excerpt, JsonKind};
pub use ges_client::selector::{self, Selector, SelectorError};
pub use request::{HttpApi, Invocation, MAX_GRAPHS_PER_EVENT, StopRequest, Trigger};

/// Reads an invocation payload.
pub fn parse(payload: &Value) -> Result<Invocation, InvalidEvent> {
    let Value::Object(object) = payload else {
        return Err(InvalidEvent::new(
            None,
            EventError::NotAnObject {
                found: JsonKind::of(payload),
            },
        ));
    };
    if let Some(front_end) = http::detect(object) {
        return http::parse(front_end, object);
    }
    if cloudevents::detect(object) {
        return cloudevents::parse(object);
    }
    if eventbridge::detect(object) {
        return eventbridge::parse(payload, object);
    }
    if direct::detect(object) {
        return direct::parse(object, EventPart::Direct)
            .map(|request| Invocation {
                trigger: Trigger::Direct,
                request,
            })
            .map_err(|error| InvalidEvent::new(Some(Trigger::Direct), error));
    }
    Err(InvalidEvent::new(
        None,
        EventError::UnrecognizedShape {
            fields: FieldNames::of(object),
        },
    ))
}

#[cfg(test)]
mod tests;
