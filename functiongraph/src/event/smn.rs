//! FunctionGraph's SMN trigger: `{"record": [{"event_version", "smn": {"message",
//! "message_id", "topic_urn", "type", "subject", "timestamp", "message_attributes"},
//! "event_source": "smn", "event_subscription_urn"}]}` (Huawei SMN user guide, "Messages
//! Using Different Protocols", smn_ug_a3000). Each record's `smn.message` holds our event
//! (one message, one event). Every record is read before any is run, so that a bad one
//! sends nothing at all.

use ges_client::input::Excerpt;
use ges_client::run::event;
use serde_json::{Map, Value};

use super::error::{EventError, EventPart};
use super::fields::{carried, object, optional_string, required, string, wrong};
use super::request::Run;

/// The most records one invocation runs: SMN's samples carry one; the bound keeps a
/// hand-made event from asking for unbounded work.
pub const MAX_RECORDS: usize = 10;

/// The `event_source` of an SMN record.
const EVENT_SOURCE: &str = "smn";

/// Reads an SMN event into its runs, in order.
pub(super) fn read(envelope: &Map<String, Value>) -> Result<Vec<Run>, EventError> {
    let records = match required(envelope, "record", EventPart::Smn)? {
        Value::Array(records) => records,
        other => {
            return Err(wrong(
                "record",
                EventPart::Smn,
                "an array of records",
                other,
            ));
        }
    };
    if records.is_empty() || records.len() > MAX_RECORDS {
        return Err(EventError::RecordCount {
            count: records.len(),
            max: MAX_RECORDS,
        });
    }
    records
        .iter()
        .enumerate()
        .map(|(index, record)| self::record(index, record))
        .collect()
}

/// One record's run.
fn record(index: usize, record: &Value) -> Result<Run, EventError> {
    let part = EventPart::SmnRecord(index);
    let record = object(record, part)?;
    if let Some(source) = optional_string(record, "event_source", part)?
        && source != EVENT_SOURCE
    {
        return Err(EventError::NotSmn {
            part,
            found: Excerpt::of(source),
        });
    }
    let part = EventPart::SmnNotification(index);
    let smn = object(required(record, "smn", EventPart::SmnRecord(index))?, part)?;
    let message_id = optional_string(smn, "message_id", part)?.map(Excerpt::of);
    let part = EventPart::SmnMessage(index);
    let message = string(smn, "message", EventPart::SmnNotification(index))?;
    let request = event::parse(&carried(message, part)?).map_err(|error| EventError::Shape {
        part,
        error: Box::new(error),
    })?;
    Ok(Run {
        message_id,
        request,
    })
}
