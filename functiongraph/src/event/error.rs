//! What can be wrong with a FunctionGraph event: [`InvalidEvent`], its [`EventError`], and
//! the [`EventPart`] of FunctionGraph's envelope each message names. A leaf: every reader
//! of a shape uses it, and it uses none of them. Refusals of our own shape are the core's
//! [`ShapeError`]s, said with the part that held it; an APIG request's are the core's
//! [`HttpRequestError`]s, as on the Lambda function.

use std::fmt;

use ges_client::input::json::JsonError;
use ges_client::input::{Excerpt, JsonKind};
use ges_client::run::{ErrorType, HttpRequestError, ShapeError};

use super::request::Trigger;

/// The accepted shapes, in a few words, for the errors that cannot tell which was meant.
const SHAPES: &str = "accepted: a FunctionGraph timer event (\"trigger_type\": \"TIMER\"), an \
     APIG request (\"httpMethod\", \"requestContext\"), an SMN event (\"record\"), or our own \
     event such as {\"graph_id\": \"G\"}";

/// An event that cannot be served, and the caller it came from when that much could be
/// told (an APIG caller gets an HTTP answer even for a bad request): the core's
/// [`Refused`](ges_client::run::Refused), with this function's triggers and errors.
pub type InvalidEvent = ges_client::run::Refused<Trigger, EventError>;

/// What is wrong with an event. Messages say which part of the envelope and which field;
/// they repeat no header and no long value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The event is larger than the function reads.
    #[error("the event is larger than {limit} bytes; nothing was read of it")]
    TooLarge {
        /// The bound.
        limit: usize,
    },
    /// JSON that is not JSON, gives a key twice, or has more after its value.
    #[error("{part} {error}")]
    Json {
        /// Where: the event, a timer's `user_event`, an SMN message.
        part: EventPart,
        /// What is wrong, and where in it.
        error: JsonError,
    },
    /// Something other than an object where one is needed.
    #[error("{part} is {found}, not a JSON object")]
    NotAnObject {
        /// Where.
        part: EventPart,
        /// What it is.
        found: JsonKind,
    },
    /// An object of none of the accepted shapes.
    #[error("the event matches none of the accepted shapes; {SHAPES}")]
    UnrecognizedShape,
    /// A field the envelope needs is absent.
    #[error("{part} has no \"{field}\", which it requires")]
    MissingField {
        /// Where.
        part: EventPart,
        /// The field.
        field: &'static str,
    },
    /// A field of the wrong JSON type.
    #[error("\"{field}\" in {part} must be {expected}, not {found}")]
    WrongType {
        /// Where.
        part: EventPart,
        /// The field.
        field: &'static str,
        /// What it must be.
        expected: &'static str,
        /// What it is.
        found: JsonKind,
    },
    /// A trigger event of a kind the function does not serve.
    #[error(
        "\"trigger_type\" in the event is {found}; the function serves \"TIMER\" events, APIG \
         requests, SMN messages and its own events"
    )]
    UnsupportedTrigger {
        /// What it is, cut.
        found: Excerpt,
    },
    /// A timer's `time` that is not an RFC 3339 time.
    #[error("\"time\" in {part} is {value}, not an RFC 3339 time with its offset ({reason})")]
    InvalidTime {
        /// Where.
        part: EventPart,
        /// The value, cut.
        value: Excerpt,
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// An SMN event with no record, or more than the function runs in one invocation.
    #[error("the SMN event carries {count} records; give 1 to {max}")]
    RecordCount {
        /// How many.
        count: usize,
        /// The most.
        max: usize,
    },
    /// An SMN record that says it comes from elsewhere.
    #[error("{part} has \"event_source\" {found}, not \"smn\"")]
    NotSmn {
        /// Which record.
        part: EventPart,
        /// What it says, cut.
        found: Excerpt,
    },
    /// Our event shape, refused by the core.
    #[error("{error} in {part}")]
    Shape {
        /// Where: the event, a timer's `user_event`, an SMN message.
        part: EventPart,
        /// What is wrong. Boxed: a rare error need not make every `Result` large.
        error: Box<ShapeError>,
    },
    /// An APIG request refused by the core's routes.
    #[error(transparent)]
    Http(HttpRequestError),
}

impl EventError {
    /// The error type: the core's route and method refusals for an APIG request, else
    /// [`ErrorType::InvalidEvent`].
    pub fn error_type(&self) -> ErrorType {
        match self {
            Self::Http(error) => error.error_type(),
            _ => ErrorType::InvalidEvent,
        }
    }
}

/// A part of FunctionGraph's envelope, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventPart {
    /// The invocation's event, whatever its shape.
    Event,
    /// A timer event.
    Timer,
    /// A timer event's `user_event`, which holds our event.
    UserEvent,
    /// An APIG request's envelope.
    Apig,
    /// An SMN event.
    Smn,
    /// One record of an SMN event, by index from 0.
    SmnRecord(usize),
    /// The `smn` object of a record.
    SmnNotification(usize),
    /// The `smn.message` of a record, which holds our event.
    SmnMessage(usize),
}

impl fmt::Display for EventPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Event => f.write_str("the event"),
            Self::Timer => f.write_str("the timer event"),
            Self::UserEvent => f.write_str("the timer event's \"user_event\""),
            Self::Apig => f.write_str("the APIG request"),
            Self::Smn => f.write_str("the SMN event"),
            Self::SmnRecord(index) => write!(f, "\"record\"[{index}] of the SMN event"),
            Self::SmnNotification(index) => {
                write!(f, "\"record\"[{index}].\"smn\" of the SMN event")
            }
            Self::SmnMessage(index) => {
                write!(
                    f,
                    "\"record\"[{index}].\"smn\".\"message\" of the SMN event"
                )
            }
        }
    }
}
