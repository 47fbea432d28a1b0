//! Reading an AWS envelope as its `aws_lambda_events` type, with a short message when
//! it does not fit. A leaf below the readers of the EventBridge and HTTP shapes.

use ges_client::input::Excerpt;
use serde_json::Value;

use super::error::{EventError, EventPart, REASON_LIMIT, brief};

/// Reads an AWS envelope as its `aws_lambda_events` type; a failure says where (a path
/// such as `requestContext.http.method`) and why, both cut.
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
