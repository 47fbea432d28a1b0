//! CloudEvents 1.0 in structured JSON mode (the spec's JSON event format): the context
//! attributes `specversion` ("1.0"), `id`, `source` and `type` are required non-empty
//! strings, and `data`, a JSON object, names the graphs in the direct shape.
//!
//! Binary data (`data_base64`) and a `datacontenttype` that does not declare JSON are
//! refused: the graphs are JSON. An attribute set to `null` counts as absent, as the
//! format says; extension attributes are allowed and ignored.

use ges_client::input::{Excerpt, JsonKind};
use serde_json::{Map, Value};

use super::direct;
use super::error::{EventError, EventPart, Field, InvalidEvent};
use super::request::{Invocation, Trigger};

/// Whether a top-level object is a CloudEvent: it has `specversion`, which no other
/// accepted shape has.
pub(super) fn detect(object: &Map<String, Value>) -> bool {
    object.contains_key("specversion")
}

/// Reads a CloudEvent.
pub(super) fn parse(object: &Map<String, Value>) -> Result<Invocation, InvalidEvent> {
    // The caller is known as soon as the attributes that name it are there, so that even
    // a refusal reports which event it was.
    let trigger = match (
        attribute(object, "id"),
        attribute(object, "source"),
        attribute(object, "type"),
    ) {
        (Ok(id), Ok(source), Ok(event_type)) => Some(Trigger::CloudEvent {
            id: id.to_owned(),
            source: source.to_owned(),
            event_type: event_type.to_owned(),
        }),
        _ => None,
    };
    let refuse = |error| InvalidEvent::new(trigger.clone(), error);

    let version = attribute(object, "specversion").map_err(refuse)?;
    if version != "1.0" {
        return Err(refuse(EventError::UnsupportedSpecVersion {
            found: Excerpt::of(version),
        }));
    }
    for name in ["id", "source", "type"] {
        attribute(object, name).map_err(refuse)?;
    }
    if present(object, "data_base64").is_some() {
        return Err(refuse(EventError::BinaryCloudEventData));
    }
    if let Some(value) = present(object, "datacontenttype") {
        let Some(content_type) = value.as_str() else {
            return Err(refuse(wrong_type("datacontenttype", "a string", value)));
        };
        if !is_json(content_type) {
            return Err(refuse(EventError::UnsupportedContentType {
                found: Excerpt::of(content_type),
            }));
        }
    }
    let request = match object.get("data") {
        None => Err(EventError::MissingField {
            part: EventPart::CloudEvent,
            field: Field::Named("data"),
        }),
        Some(Value::Object(data)) => direct::parse(data, EventPart::CloudEventData),
        Some(other) => Err(wrong_type(
            "data",
            "an object with \"graph_id\" or \"graph_ids\"",
            other,
        )),
    };
    match (request, trigger) {
        (Ok(request), Some(trigger)) => Ok(Invocation { trigger, request }),
        (Err(error), trigger) => Err(InvalidEvent::new(trigger, error)),
        // The attributes were checked above; this arm cannot be reached, and is an
        // error rather than a panic all the same.
        (Ok(_), None) => Err(InvalidEvent::new(
            None,
            EventError::MissingField {
                part: EventPart::CloudEvent,
                field: Field::Named("id"),
            },
        )),
    }
}

/// An attribute that is present and not `null`.
fn present<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

/// A required string attribute: present, a string, not empty.
fn attribute<'a>(
    object: &'a Map<String, Value>,
    name: &'static str,
) -> Result<&'a str, EventError> {
    match present(object, name) {
        None => Err(EventError::MissingField {
            part: EventPart::CloudEvent,
            field: Field::Named(name),
        }),
        Some(Value::String(text)) if text.is_empty() => Err(EventError::WrongType {
            part: EventPart::CloudEvent,
            field: Field::Named(name),
            expected: "a non-empty string",
            found: JsonKind::EmptyString,
        }),
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(wrong_type(name, "a string", other)),
    }
}

fn wrong_type(name: &'static str, expected: &'static str, found: &Value) -> EventError {
    EventError::WrongType {
        part: EventPart::CloudEvent,
        field: Field::Named(name),
        expected,
        found: JsonKind::of(found),
    }
}

/// Whether a media type declares JSON: its subtype is `json` or ends in `+json`
/// (`application/json`, `application/cloudevents+json`, `text/json; charset=utf-8`).
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some((kind, subtype)) => {
            !kind.is_empty() && (subtype == "json" || subtype.ends_with("+json"))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests;
