//! Our own event shape (`{"graph_id": "G"}`, `"graph_ids"`, selectors, a reconcile), read
//! by the core ([`ges_client::run::event`]) wherever it sits in an AWS envelope: a direct
//! invoke and EventBridge Scheduler send it as the whole payload, an EventBridge event as
//! `detail`, a CloudEvent as `data`, an HTTP request as its body, a queue's message as its
//! body. This says which [`EventPart`] held it, around the core's [`ShapeError`].

use ges_client::run::event;
use serde_json::{Map, Value};

use super::error::{EventError, EventPart};
use super::request::RunRequest;

/// Whether a top-level object means the direct shape: it has one of its fields. An
/// object with none of them is no shape at all, and is refused as such.
pub(super) fn detect(object: &Map<String, Value>) -> bool {
    event::detect(object)
}

/// Reads the direct shape from `object`, which is `part` of the event.
pub(super) fn parse(
    object: &Map<String, Value>,
    part: EventPart,
) -> Result<RunRequest, EventError> {
    event::parse(object).map_err(|error| EventError::in_part(part, error))
}

#[cfg(test)]
mod tests;
