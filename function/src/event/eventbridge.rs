//! EventBridge (and CloudWatch Events) envelopes, read as
//! `aws_lambda_events::eventbridge::EventBridgeEvent`.
//!
//! A classic rule on a schedule delivers `"detail-type": "Scheduled Event"` from
//! `"source": "aws.events"` with an empty `detail`: it names no graph and means the
//! configured set. Any other envelope (and a scheduled one whose `detail` is not empty)
//! names its graphs in `detail`, in the direct shape.
//!
//! EventBridge Scheduler and rules with a constant input deliver their input as is, with
//! no envelope: that is the direct shape, read by [`super::direct`].

use aws_lambda_events::eventbridge::EventBridgeEvent;
use ges_client::input::JsonKind;
use serde_json::{Map, Value};

use super::direct;
use super::error::{EventError, EventPart, Field, InvalidEvent};
use super::request::{Invocation, RunRequest, Trigger};

/// The `detail-type` and `source` of a classic scheduled rule's event.
const SCHEDULED_DETAIL_TYPE: &str = "Scheduled Event";
const SCHEDULED_SOURCE: &str = "aws.events";

/// Whether a top-level object is an EventBridge envelope: it has `detail-type`, which no
/// other accepted shape has.
pub(super) fn detect(object: &Map<String, Value>) -> bool {
    object.contains_key("detail-type")
}

/// Reads an EventBridge envelope.
pub(super) fn parse(
    payload: &Value,
    object: &Map<String, Value>,
) -> Result<Invocation, InvalidEvent> {
    let refuse = |error| InvalidEvent::new(raw_trigger(object), error);
    let event: EventBridgeEvent<Value> =
        super::envelope::read(payload, EventPart::EventBridge).map_err(refuse)?;
    if is_schedule(&event.detail_type, &event.source) && is_empty(&event.detail) {
        return Ok(Invocation {
            trigger: Trigger::ScheduledEvent,
            request: RunRequest {
                graphs: None,
                project_id: None,
                wait: false,
                dry_run: false,
                max_graphs: None,
                credentials: None,
            },
        });
    }
    let trigger = Trigger::EventBridge {
        detail_type: event.detail_type,
        source: event.source,
    };
    let request = match &event.detail {
        Value::Object(detail) => direct::parse(detail, EventPart::EventBridgeDetail),
        other => Err(EventError::WrongType {
            part: EventPart::EventBridge,
            field: Field::Named("detail"),
            expected: "an object",
            found: JsonKind::of(other),
        }),
    };
    match request {
        Ok(request) => Ok(Invocation { trigger, request }),
        Err(error) => Err(InvalidEvent::new(Some(trigger), error)),
    }
}

fn is_schedule(detail_type: &str, source: &str) -> bool {
    detail_type == SCHEDULED_DETAIL_TYPE && source == SCHEDULED_SOURCE
}

/// A scheduled rule's `detail` is `{}`; absent or `null` means the same.
fn is_empty(detail: &Value) -> bool {
    match detail {
        Value::Null => true,
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

/// The trigger of an envelope that did not deserialize, from its raw fields when they
/// are strings: the error still goes to the right caller.
fn raw_trigger(object: &Map<String, Value>) -> Option<Trigger> {
    let detail_type = object.get("detail-type")?.as_str()?;
    let source = object.get("source")?.as_str()?;
    let detail_empty = object.get("detail").is_none_or(is_empty);
    Some(if is_schedule(detail_type, source) && detail_empty {
        Trigger::ScheduledEvent
    } else {
        Trigger::EventBridge {
            detail_type: detail_type.to_owned(),
            source: source.to_owned(),
        }
    })
}

#[cfg(test)]
mod tests;
