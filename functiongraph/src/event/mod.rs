//! Every way FunctionGraph invokes the function, read into the core's run requests: the
//! shape is detected from the event, checked once here, and nothing downstream sees raw
//! JSON. The whole event is read strictly ([`ges_client::input::json`]): a key given
//! twice anywhere, or anything after the value, is refused, and nothing is sent.
//!
//! | trigger | shape | run |
//! |---|---|---|
//! | timer (`timer.rs`) | `"trigger_type": "TIMER"`, `time`, `user_event` (a string) | empty `user_event`: a reconcile at `time` where schedules are configured, else the configured graphs; else our event in it, a reconcile's `at` defaulting to `time` |
//! | APIG (`apig.rs`) | `httpMethod`, `requestContext`, `path`, `pathParameters`, `body`, `isBase64Encoded` | the core's routes (`POST /graphs/{graph_id}/stop`, ...) |
//! | SMN (`smn.rs`) | `record`: each `smn.message` our event | one run per record, in order |
//! | direct | our event (`{"graph_id": "G"}`, ...) | as named |
//!
//! Detection looks at which keys the top-level object has, first match wins:
//! `trigger_type` (a trigger's event: only `TIMER` is served), `httpMethod` with
//! `requestContext` (APIG), `record` (SMN), any of our shape's fields (direct).

mod apig;
mod error;
mod fields;
mod request;
mod smn;
mod timer;

use ges_client::input::JsonKind;
use ges_client::run::event;
use serde_json::Value;

pub use error::{EventError, EventPart, InvalidEvent};
pub use request::{Defaults, Invocation, Run, Trigger};
pub use smn::MAX_RECORDS;

/// Reads an invocation's event from its bytes, strictly.
pub fn read(bytes: &[u8], defaults: Defaults) -> Result<Invocation, InvalidEvent> {
    let value = ges_client::input::json::parse_slice(bytes).map_err(|error| {
        InvalidEvent::new(
            None,
            EventError::Json {
                part: EventPart::Event,
                error,
            },
        )
    })?;
    parse(&value, defaults)
}

/// Reads an event already parsed (strictly, by [`read`]).
pub fn parse(value: &Value, defaults: Defaults) -> Result<Invocation, InvalidEvent> {
    let Value::Object(object) = value else {
        return Err(InvalidEvent::new(
            None,
            EventError::NotAnObject {
                part: EventPart::Event,
                found: JsonKind::of(value),
            },
        ));
    };
    let (trigger, runs) = if object.contains_key("trigger_type") {
        (
            Trigger::Timer,
            timer::read(object, defaults).map(|run| vec![run]),
        )
    } else if object.contains_key("httpMethod") && object.contains_key("requestContext") {
        (
            Trigger::Apig,
            apig::read(object).map(|request| vec![Run::alone(request)]),
        )
    } else if object.contains_key("record") {
        (Trigger::Smn, smn::read(object))
    } else if event::detect(object) {
        (
            Trigger::Direct,
            event::parse(object)
                .map(|request| vec![Run::alone(request)])
                .map_err(|error| EventError::Shape {
                    part: EventPart::Event,
                    error: Box::new(error),
                }),
        )
    } else {
        return Err(InvalidEvent::new(None, EventError::UnrecognizedShape));
    };
    runs.map(|runs| Invocation { trigger, runs })
        .map_err(|error| InvalidEvent::new(Some(trigger), error))
}

#[cfg(test)]
mod tests;
