//! Amazon SNS notifications, read through a lean view of `aws_lambda_events::sns::SnsEvent`
//! (the fields read, typed as there: `envelope.rs`): the one record's
//! `Sns.Message` is one event, any shape the function accepts but HTTP.
//!
//! SNS invokes a function asynchronously, one notification per invocation, so the event
//! is run and answered as if it had been delivered alone; a failed run is a Lambda
//! error, which Lambda's retries of asynchronous invocations and the function's
//! on-failure destination (or dead-letter queue) see, as they do for EventBridge.

use ges_client::input::Excerpt;
use serde::Deserialize;
use serde_json::Value;

use super::error::{EventError, EventPart, Field, InvalidEvent};
use super::payload::Message;
use super::request::MessageId;
use super::single;

/// The `EventSource` of an SNS record.
pub(super) const EVENT_SOURCE: &str = "aws:sns";

/// Reads an SNS event.
pub(super) fn parse(payload: &Value) -> Result<Message, InvalidEvent> {
    read(payload).map_err(|error| InvalidEvent::new(None, error))
}

/// `aws_lambda_events::sns::SnsEvent`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SnsEvent {
    records: Vec<SnsRecord>,
}

/// `aws_lambda_events::sns::SnsRecord`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SnsRecord {
    sns: SnsMessage,
}

/// `aws_lambda_events::sns::SnsMessage`, the fields read.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SnsMessage {
    #[serde(rename = "Type")]
    sns_message_type: String,
    message_id: String,
    message: String,
}

fn read(payload: &Value) -> Result<Message, EventError> {
    let event: SnsEvent = super::envelope::read(payload, EventPart::Sns)?;
    message(event.records)
}

/// The message of the one record.
fn message(records: Vec<SnsRecord>) -> Result<Message, EventError> {
    let [record] =
        <[SnsRecord; 1]>::try_from(records).map_err(|records| EventError::SnsRecordCount {
            count: records.len(),
        })?;
    let notification = record.sns;
    if notification.sns_message_type != single::NOTIFICATION {
        return Err(EventError::NotANotification {
            part: EventPart::Sns,
            found: Excerpt::of(&notification.sns_message_type),
        });
    }
    let id = MessageId::new(&notification.message_id).ok_or(EventError::InvalidMessageId {
        part: EventPart::Sns,
        field: Field::Entry("Records", 0),
    })?;
    let event = single::json(&notification.message, EventPart::SnsMessage)
        .and_then(|message| single::carried(&message, EventPart::SnsMessage));
    Ok(Message { id, event })
}

#[cfg(test)]
mod tests;
