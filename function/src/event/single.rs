//! One event, whatever its shape: the detection and dispatch of `mod.rs`'s table, and the
//! rules for an event that a message carries (an SQS body, an SNS message). A sibling of
//! the readers, so that the queue and topic readers can read what their messages carry
//! without reaching back into `mod.rs`.

use ges_client::input::JsonKind;
use ges_client::input::json::JsonError;
use serde_json::{Map, Value};

use super::error::{EventError, EventPart, FieldNames, InvalidEvent, REASON_LIMIT, brief};
use super::request::{Invocation, Trigger};
use super::{cloudevents, direct, eventbridge, http};

/// Reads one event: detection looks at which keys the top-level object has, first match
/// wins (HTTP, CloudEvent, EventBridge, direct).
pub(super) fn parse(payload: &Value) -> Result<Invocation, InvalidEvent> {
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

/// The `Type` of an SNS notification, the only SNS message that carries an event.
pub(super) const NOTIFICATION: &str = "Notification";

/// Whether an object is an SNS notification as SNS delivers it to a queue (raw message
/// delivery off): it has `TopicArn`, which no other accepted shape has.
pub(super) fn is_notification(object: &Map<String, Value>) -> bool {
    object.contains_key("TopicArn")
}

/// The JSON text a message carries, read strictly; `part` says whose it is.
pub(super) fn json(text: &str, part: EventPart) -> Result<Value, InvalidEvent> {
    ges_client::input::json::parse(text).map_err(|error| {
        InvalidEvent::new(
            None,
            match error {
                JsonError::Syntax { message, .. } => EventError::MessageNotJson {
                    part,
                    reason: brief(&message, REASON_LIMIT),
                },
                error => EventError::Json { part, error },
            },
        )
    })
}

/// Reads the event a message carries (`part`): any shape [`parse`] reads but HTTP, which
/// only a gateway sends and whose answer no queue or topic would deliver; and no batch of
/// records or SNS notification inside it (the one notification an SQS body may be is
/// unwrapped by its reader before this).
pub(super) fn carried(value: &Value, part: EventPart) -> Result<Invocation, InvalidEvent> {
    if let Value::Object(object) = value {
        let refused = if object.contains_key("Records") {
            Some(EventError::RecordsInMessage { part })
        } else if is_notification(object) {
            Some(EventError::NotificationInMessage { part })
        } else if http::detect(object).is_some() {
            Some(EventError::HttpInMessage { part })
        } else {
            None
        };
        if let Some(error) = refused {
            return Err(InvalidEvent::new(None, error));
        }
    }
    parse(value)
}
