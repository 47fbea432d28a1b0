//! Reading the fields of FunctionGraph's envelopes by hand, so that each refusal names
//! its field and its part ([`EventPart`]). A leaf below the readers of each shape.

use ges_client::input::JsonKind;
use serde_json::{Map, Value};

use super::error::{EventError, EventPart};

/// `value` as an object, or a refusal naming `part`.
pub(super) fn object(value: &Value, part: EventPart) -> Result<&Map<String, Value>, EventError> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(EventError::NotAnObject {
            part,
            found: JsonKind::of(other),
        }),
    }
}

/// A string field that must be there.
pub(super) fn string<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
    part: EventPart,
) -> Result<&'a str, EventError> {
    optional_string(object, field, part)?.ok_or(EventError::MissingField { part, field })
}

/// A string field that may be absent or `null`.
pub(super) fn optional_string<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
    part: EventPart,
) -> Result<Option<&'a str>, EventError> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(wrong(field, part, "a string", other)),
    }
}

/// A field that must be there, of any type.
pub(super) fn required<'a>(
    object: &'a Map<String, Value>,
    field: &'static str,
    part: EventPart,
) -> Result<&'a Value, EventError> {
    object
        .get(field)
        .ok_or(EventError::MissingField { part, field })
}

/// A refusal of `found` where `field` must be `expected`.
pub(super) fn wrong(
    field: &'static str,
    part: EventPart,
    expected: &'static str,
    found: &Value,
) -> EventError {
    EventError::WrongType {
        part,
        field,
        expected,
        found: JsonKind::of(found),
    }
}

/// Our event, held as JSON text in a string field (a timer's `user_event`, an SMN
/// message): read strictly, as any payload, then as our shape by the caller.
pub(super) fn carried(text: &str, part: EventPart) -> Result<Map<String, Value>, EventError> {
    let value =
        ges_client::input::json::parse(text).map_err(|error| EventError::Json { part, error })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(EventError::NotAnObject {
            part,
            found: JsonKind::of(&other),
        }),
    }
}
