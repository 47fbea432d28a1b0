//! Reading an AWS envelope, with a short message when it does not fit. A leaf below the
//! readers of the EventBridge, HTTP, SQS and SNS shapes.
//!
//! EventBridge envelopes are read as their `aws_lambda_events` type. The HTTP, SQS and
//! SNS envelopes are read through lean views of their `aws_lambda_events` types: only
//! the fields the function reads, each typed, renamed and defaulted as there, under
//! the same type names (serde's messages repeat them), so that serde's code for the
//! dozens of fields never read stays out of the binary (BENCHMARKS.md, "Binary size,
//! issue 19"). Each reader's tests hold its view to the full type: the same request
//! from every fixture, and the same answer or the same refusal when a field it reads
//! is set to values of every JSON kind or left out. A field the function does not read
//! is not checked.

use ges_client::input::Excerpt;
use serde_json::Value;

use super::error::{EventError, EventPart, REASON_LIMIT, brief};

/// Reads an AWS envelope as its `aws_lambda_events` type or its lean view; a failure
/// says where (a path such as `requestContext.http.method`) and why, both cut.
pub(super) fn read<T: serde::de::DeserializeOwned>(
    value: &Value,
    part: EventPart,
) -> Result<T, EventError> {
    serde_path_to_error::deserialize(value).map_err(|err| EventError::MalformedEnvelope {
        part,
        at: Excerpt::of(&err.path().to_string()),
        reason: brief(&err.inner().to_string(), REASON_LIMIT),
    })
}

/// `aws_lambda_events`' `deserialize_nullish`, which its types read maps and flags
/// with: `null` is the type's default.
pub(super) fn nullish<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    let value: Option<T> = serde::Deserialize::deserialize(deserializer)?;
    Ok(value.unwrap_or_default())
}

/// For the lean views' tests: `event` with the field at `pointer` set to each of a few
/// values of every JSON kind, or removed. A struct the view reads into stays an
/// object: emptied or replaced, the full type would miss fields the function does not
/// read; and as an array (serde's sequence form of a struct, which no AWS service
/// sends), each type reads it by position into fields of its own.
#[cfg(test)]
pub(super) fn variants(event: &Value, pointer: &str) -> Vec<Value> {
    use serde_json::json;

    let (parent, key) = pointer.rsplit_once('/').expect("a JSON pointer");
    let container = event.pointer(pointer).is_some_and(Value::is_object);
    let values = [
        json!(null),
        json!(true),
        json!(false),
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("POST"),
        json!("get"),
        json!("P OST"),
        json!("Notification"),
        json!("aws:sqs"),
        json!("arn:aws:sqs:us-east-2:123456789012:my-queue.fifo"),
        json!("/prod/graphs/g-1/stop"),
        json!([]),
        json!(["POST"]),
        json!({"graph_id": "g-1"}),
        json!({"MessageGroupId": 5}),
    ];
    let mut variants = Vec::new();
    for value in values.into_iter().map(Some).chain([None]) {
        if container
            && value
                .as_ref()
                .is_none_or(|value| value.is_object() || value.is_array())
        {
            continue;
        }
        let mut changed = event.clone();
        let Some(Value::Object(parent)) = changed.pointer_mut(parent) else {
            continue;
        };
        match value {
            Some(value) => parent.insert(key.to_owned(), value),
            None => parent.remove(key),
        };
        variants.push(changed);
    }
    variants
}
