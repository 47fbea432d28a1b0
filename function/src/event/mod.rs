//! Every way the function is invoked, turned into one [`Invocation`] per event: the
//! shape is detected from the payload, checked once here, and nothing downstream sees raw
//! JSON. [`read`] reads a payload: one event ([`Payload::One`]), or a queue's batch or a
//! topic's notification whose messages each carry one ([`Payload::Queue`],
//! [`Payload::Topic`]); [`parse`] reads one event.
//!
//! | trigger | shape | graphs |
//! |---|---|---|
//! | direct invoke, EventBridge Scheduler (ScheduleV2) | `{"graph_id"}` or `{"graph_ids"}` | as named |
//! | classic EventBridge schedule rule | `"detail-type": "Scheduled Event"`, empty `detail` | configured |
//! | EventBridge custom event | envelope, `detail` in the direct shape | from `detail` |
//! | CloudEvents 1.0, structured JSON | `specversion`, `type`, `source`, `id`, `data` | from `data` |
//! | API Gateway REST (v1), HTTP API (v2), function URL | `POST /graphs/{id}/stop` | from the path |
//! | Amazon SQS | `Records` from `aws:sqs`, each `body` one event of the rows above but HTTP, or an SNS notification carrying one | from each body |
//! | Amazon SNS | one record from `aws:sns`, its `Sns.Message` one event of the rows above but HTTP | from the message |
//!
//! Detection looks at which keys the top-level object has, first match wins:
//!
//! 0. `Records` (in [`read`] only): an SQS batch (`sqs.rs`) or an SNS notification
//!    (`sns.rs`), by the first record's event source.
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
//! an event asks for, and a message's id), `payload.rs` (what a payload holds: one event or messages),
//! `error.rs` (what can be wrong with it) and `envelope.rs` (reading an AWS envelope).
//! `single.rs` detects and dispatches one event, for this file and for the queue's and
//! topic's readers. This file declares the modules, re-exports the public types and reads
//! payloads; no reader uses it.

mod cloudevents;
mod direct;
mod envelope;
mod error;
mod eventbridge;
mod http;
mod payload;
mod request;
mod single;
mod sns;
mod sqs;

use serde_json::Value;

pub use error::{EventError, EventPart, Field, FieldNames, InvalidEvent};
pub use ges_client::fleet::selector::{self, Selector, SelectorError};
pub use ges_client::input::{Excerpt, JsonKind};
pub use ges_client::run::Graphs;
pub use payload::{Message, Payload, Queue};
pub use request::{HttpApi, Invocation, MAX_GRAPHS_PER_EVENT, MessageId, RunRequest, Trigger};

/// Reads one event, of any shape in the table but the queue's and the topic's: what a
/// message carries, or a payload that is one event.
pub fn parse(payload: &Value) -> Result<Invocation, InvalidEvent> {
    single::parse(payload)
}

/// Reads an invocation payload from its text, strictly ([`ges_client::input::json`]): a key
/// given twice anywhere, envelope included, or anything after the value, is refused as
/// any bad event is. Then as [`read`].
pub fn read_text(text: &str) -> Result<Payload, InvalidEvent> {
    let payload = ges_client::input::json::parse(text).map_err(|error| {
        InvalidEvent::new(
            None,
            EventError::Json {
                part: EventPart::Payload,
                error,
            },
        )
    })?;
    read(&payload)
}

/// Reads an invocation payload: one event, an SQS batch or an SNS notification. A payload
/// with `Records` is a batch: its first record's `eventSource` (SQS) or `EventSource`
/// (SNS) says whose; any other source (S3, DynamoDB, ...) is refused.
pub fn read(payload: &Value) -> Result<Payload, InvalidEvent> {
    let Some(records) = payload.get("Records") else {
        return parse(payload).map(Payload::One);
    };
    let refuse = |error| Err(InvalidEvent::new(None, error));
    let Value::Array(records) = records else {
        return refuse(EventError::WrongType {
            part: EventPart::Records,
            field: Field::Named("Records"),
            expected: "an array of records",
            found: JsonKind::of(records),
        });
    };
    let Some(first) = records.first() else {
        return refuse(EventError::NoRecords);
    };
    let source = |key| first.get(key).and_then(Value::as_str);
    match (source("eventSource"), source("EventSource")) {
        (Some(sqs::EVENT_SOURCE), _) => sqs::parse(payload).map(Payload::Queue),
        (_, Some(sns::EVENT_SOURCE)) => sns::parse(payload).map(Payload::Topic),
        (lower, upper) => refuse(EventError::UnsupportedRecords {
            found: lower.or(upper).map(Excerpt::of),
        }),
    }
}

#[cfg(test)]
mod tests;
