//! Amazon SQS batches, read through a lean view of `aws_lambda_events::sqs::SqsEvent`
//! (the fields read, typed as there: `envelope.rs`): each record's `body`
//! is one event of its own, any shape the function accepts but HTTP, or an SNS
//! notification carrying one (a queue subscribed to a topic, raw message delivery off).
//!
//! The envelope is read as a whole: when it does not fit (a record without a usable
//! `messageId`, which no failure could name), the invocation fails and SQS delivers the
//! batch again. A body that cannot be read fails its message alone ([`Message::event`]).
//!
//! A queue is FIFO when its ARN ends in `.fifo`; a message with a `MessageGroupId`
//! attribute comes from one too.

use std::collections::HashMap;

use ges_client::input::Excerpt;
use serde::Deserialize;
use serde_json::Value;

use super::error::{EventError, EventPart, Field, InvalidEvent};
use super::payload::{Message, Queue};
use super::request::{Invocation, MessageId};
use super::single;

/// The `eventSource` of an SQS record.
pub(super) const EVENT_SOURCE: &str = "aws:sqs";

/// Reads an SQS event.
pub(super) fn parse(payload: &Value) -> Result<Queue, InvalidEvent> {
    read(payload).map_err(|error| InvalidEvent::new(None, error))
}

/// `aws_lambda_events::sqs::SqsEvent`, the fields read.
#[derive(Debug, Deserialize)]
struct SqsEvent {
    #[serde(rename = "Records")]
    records: Vec<SqsMessage>,
}

/// `aws_lambda_events::sqs::SqsMessage`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SqsMessage {
    #[serde(default)]
    message_id: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(deserialize_with = "super::envelope::nullish")]
    #[serde(default)]
    attributes: HashMap<String, String>,
    #[serde(default)]
    #[serde(rename = "eventSourceARN")]
    event_source_arn: Option<String>,
    #[serde(default)]
    event_source: Option<String>,
}

fn read(payload: &Value) -> Result<Queue, EventError> {
    let event: SqsEvent = super::envelope::read(payload, EventPart::Sqs)?;
    queue(event.records)
}

/// The batch its records make.
fn queue(records: Vec<SqsMessage>) -> Result<Queue, EventError> {
    if records.is_empty() {
        return Err(EventError::NoRecords);
    }
    let fifo = records.iter().any(is_fifo);
    let messages = records
        .into_iter()
        .enumerate()
        .map(|(index, record)| {
            if record.event_source.as_deref() != Some(EVENT_SOURCE) {
                return Err(EventError::MixedRecords {
                    part: EventPart::Sqs,
                    index,
                });
            }
            let id = record
                .message_id
                .as_deref()
                .and_then(MessageId::new)
                .ok_or(EventError::InvalidMessageId {
                    part: EventPart::Sqs,
                    field: Field::Entry("Records", index),
                })?;
            Ok(Message {
                id,
                event: body(record.body.as_deref()),
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(Queue { fifo, messages })
}

fn is_fifo(record: &SqsMessage) -> bool {
    record
        .event_source_arn
        .as_deref()
        .is_some_and(|arn| arn.ends_with(".fifo"))
        || record.attributes.contains_key("MessageGroupId")
}

/// The event a message's body carries.
fn body(body: Option<&str>) -> Result<Invocation, InvalidEvent> {
    let Some(text) = body else {
        return Err(InvalidEvent::new(
            None,
            EventError::MissingField {
                part: EventPart::SqsMessage,
                field: Field::Named("body"),
            },
        ));
    };
    let value = single::json(text, EventPart::SqsBody)?;
    match &value {
        Value::Object(object) if single::is_notification(object) => notification(&value),
        _ => single::carried(&value, EventPart::SqsBody),
    }
}

/// An SNS notification as SNS delivers it to a queue. Not `aws_lambda_events`'
/// `SnsMessage`, which requires `Signature`, `SignatureVersion` and `SigningCertURL`:
/// a FIFO topic with content-based deduplication leaves them out of what it delivers to
/// its queues. Only what decides whether it carries an event is read; the rest is
/// ignored, as `SnsMessage` ignores unknown fields.
#[derive(Deserialize)]
struct QueuedNotification {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "Message")]
    message: String,
}

/// The event an SNS notification in a body carries in its `Message`.
fn notification(value: &Value) -> Result<Invocation, InvalidEvent> {
    let refuse = |error| InvalidEvent::new(None, error);
    let notification: QueuedNotification =
        super::envelope::read(value, EventPart::SnsNotification).map_err(refuse)?;
    if notification.kind != single::NOTIFICATION {
        return Err(refuse(EventError::NotANotification {
            part: EventPart::SnsNotification,
            found: Excerpt::of(&notification.kind),
        }));
    }
    let message = single::json(&notification.message, EventPart::SnsMessage)?;
    single::carried(&message, EventPart::SnsMessage)
}

#[cfg(test)]
mod tests;
