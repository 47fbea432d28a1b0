//! What an event asks for, once read: the [`Invocation`], its [`Trigger`] and the core's
//! [`RunRequest`]; and the [`MessageId`] of the queue's or topic's message that carried
//! it. A leaf: the readers of each shape build these, and it uses none of
//! them.

use std::fmt;

pub use ges_client::run::{MAX_GRAPHS_PER_EVENT, RunRequest};

/// What one invocation asks for, whatever shape it came in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// Who invoked the function, which decides the form of the answer.
    pub trigger: Trigger,
    /// What to stop, and how.
    pub request: RunRequest,
}

/// The kind of caller, detected from the payload's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trigger {
    /// A direct invoke, or EventBridge Scheduler, which delivers its `Input` as is.
    Direct,
    /// A classic EventBridge rule on a schedule: it names no graph.
    ScheduledEvent,
    /// An EventBridge event whose `detail` names the graphs.
    EventBridge {
        /// The envelope's `detail-type`.
        detail_type: String,
        /// The envelope's `source`.
        source: String,
    },
    /// A CloudEvents 1.0 event in structured JSON mode whose `data` names the graphs.
    CloudEvent {
        /// The event's `id`.
        id: String,
        /// The event's `source`.
        source: String,
        /// The event's `type`.
        event_type: String,
    },
    /// An HTTP request through a gateway: it gets an HTTP answer.
    Http(HttpApi),
}

/// Which HTTP front end delivered a request; each wants its own response shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpApi {
    /// API Gateway REST API, proxy integration (payload format 1.0).
    RestApi,
    /// API Gateway HTTP API (payload format 2.0).
    HttpApi,
    /// A Lambda function URL.
    FunctionUrl,
}

/// The id SQS or SNS gave a message: 1 to [`MessageId::MAX_CHARS`] characters, none of
/// them a control character. AWS's are UUIDs; the bound keeps a hand-made event from
/// flooding the log lines it is repeated in, and the answer echoes it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageId(String);

impl MessageId {
    /// The longest id accepted.
    pub const MAX_CHARS: usize = 128;

    /// The id, if `text` is one.
    pub(super) fn new(text: &str) -> Option<Self> {
        let chars = text.chars().count();
        ((1..=Self::MAX_CHARS).contains(&chars) && !text.chars().any(char::is_control))
            .then(|| Self(text.to_owned()))
    }

    /// The id as given.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
