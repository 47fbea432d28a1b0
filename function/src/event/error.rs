//! What can be wrong with an event: [`InvalidEvent`], its [`EventError`], and the
//! [`EventPart`] and [`Field`] its messages name, with the helpers that keep messages
//! short. A leaf: every reader of a shape uses it, and it uses none of them.

use std::fmt;

use ges_api::runtime::ConstraintViolation;
use ges_client::fleet::selector::{self, SelectorError};
use ges_client::input::{Excerpt, JsonKind};
use serde_json::{Map, Value};

use super::request::{HttpApi, MAX_GRAPHS_PER_EVENT, MessageId, Trigger};
use ges_client::run::ErrorType;
use ges_client::run::event::{self, ShapeError};
use ges_client::run::http_request::{BODY_ACCEPTED, HttpPlace, HttpRequestError};

/// An event that cannot be served, and the caller it came from when that much could be
/// told (an HTTP caller gets an HTTP answer even for a bad request): the core's
/// [`Refused`](ges_client::run::Refused), with this function's triggers and errors.
pub type InvalidEvent = ges_client::run::Refused<Trigger, EventError>;

/// The accepted shapes, in a few words, for the errors that cannot tell which was meant.
pub(super) const SHAPES: &str = "accepted: {\"graph_id\": \"G\"}, \"graph_ids\", \"selector\" or \
     \"reconcile\": true (direct, Scheduler), as an EventBridge \"detail\" or a CloudEvent's \
     \"data\", a \"Scheduled Event\", or HTTP POST /graphs/{graph_id}/stop, /fleet/stop or \
     /reconcile";

/// An HTTP refusal in the core's words, for the variants that keep their own names.
fn http(error: HttpRequestError) -> String {
    error.to_string()
}

fn method_not_allowed(method: &Excerpt) -> String {
    http(HttpRequestError::MethodNotAllowed {
        method: method.clone(),
    })
}

fn no_route(path: &Excerpt) -> String {
    http(HttpRequestError::NoRoute { path: path.clone() })
}

fn body_not_json(reason: &str) -> String {
    http(HttpRequestError::BodyNotJson {
        reason: reason.into(),
    })
}

fn body_not_an_object(found: &JsonKind) -> String {
    http(HttpRequestError::BodyNotAnObject { found: *found })
}

/// What is wrong with an event. Messages say which field and which shapes are accepted;
/// they never repeat a header or a huge value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The payload is not a JSON object.
    #[error("the event is {found}, not a JSON object; {SHAPES}")]
    NotAnObject {
        /// The JSON type received.
        found: JsonKind,
    },
    /// An object with none of the accepted shapes' marks.
    #[error("the event matches none of the accepted shapes ({fields}); {SHAPES}")]
    UnrecognizedShape {
        /// The first few of its fields.
        fields: FieldNames,
    },
    /// A field the shape does not define: refused, so that a typo cannot go unnoticed.
    #[error("unknown field {field} in {part}; it accepts {accepted}")]
    UnknownField {
        /// Where the field is.
        part: EventPart,
        /// The field's name, cut.
        field: Excerpt,
        /// The fields that part accepts.
        accepted: &'static str,
    },
    /// A field of the wrong JSON type, or an empty string where one is required.
    #[error("{field} in {part} must be {expected}, not {found}")]
    WrongType {
        /// Where the field is.
        part: EventPart,
        /// The field.
        field: Field,
        /// What it must be, such as "a boolean".
        expected: &'static str,
        /// What it is.
        found: JsonKind,
    },
    /// A field the shape requires is absent (or `null`).
    #[error("{part} has no {field}, which it requires")]
    MissingField {
        /// Where the field should be.
        part: EventPart,
        /// The field.
        field: Field,
    },
    /// More than one of `graph_id`, `graph_ids`, `selector` and `selectors`: which one
    /// was meant cannot be told.
    #[error("{part} has both \"{first}\" and \"{second}\": give one of them")]
    ConflictingGraphFields {
        /// Where.
        part: EventPart,
        /// The first of the fields given.
        first: &'static str,
        /// Another.
        second: &'static str,
    },
    /// None of `graph_id`, `graph_ids`, `selector` and `selectors`.
    #[error(
        "{part} names no graph: give \"graph_id\": \"G\", \"graph_ids\": [\"G1\", ...] or \
         \"selector\": {{\"name\": \"dev-*\", \"tags\": {{\"env\": \"dev\"}}}}, with optional \
         \"project_id\", \"wait\", \"dry_run\" and \"max_graphs\""
    )]
    NoGraph {
        /// Where.
        part: EventPart,
    },
    /// `graph_ids` is an empty list.
    #[error("\"graph_ids\" in {part} is empty: name at least one graph")]
    EmptyGraphList {
        /// Where.
        part: EventPart,
    },
    /// `graph_ids` lists more than [`MAX_GRAPHS_PER_EVENT`] entries.
    #[error(
        "\"graph_ids\" in {part} lists {count} graphs; one event may name at most \
         {MAX_GRAPHS_PER_EVENT}: split it"
    )]
    TooManyGraphs {
        /// Where.
        part: EventPart,
        /// How many entries the list has.
        count: usize,
    },
    /// A selector that cannot be read.
    #[error("{field} in {part} {error}")]
    InvalidSelector {
        /// Where.
        part: EventPart,
        /// Which field (and which entry of `selectors`).
        field: Field,
        /// What is wrong. Boxed, as [`EventError::InvalidId`]'s violation.
        error: Box<SelectorError>,
    },
    /// `selectors` is empty, or lists more than [`selector::MAX_SELECTORS`].
    #[error(
        "\"selectors\" in {part} lists {count} selectors; give 1 to {}",
        selector::MAX_SELECTORS
    )]
    SelectorCount {
        /// Where.
        part: EventPart,
        /// How many entries it has.
        count: usize,
    },
    /// `max_graphs` that is not a whole number from 1 to [`MAX_GRAPHS_PER_EVENT`].
    #[error(
        "\"max_graphs\" in {part} must be a whole number from 1 to {MAX_GRAPHS_PER_EVENT}; \
         split a larger fleet over several selectors or events"
    )]
    InvalidMaxGraphs {
        /// Where.
        part: EventPart,
    },
    /// `max_graphs` without selectors, where it would mean nothing.
    #[error("\"max_graphs\" in {part} applies to selectors only; the graphs named are all stopped")]
    MaxGraphsWithoutSelector {
        /// Where.
        part: EventPart,
    },
    /// `reconcile` other than `true`.
    #[error(
        "\"reconcile\" in {part} must be true, not {found}: leave it out to stop the graphs \
         the event names"
    )]
    ReconcileNotTrue {
        /// Where.
        part: EventPart,
        /// What it is.
        found: JsonKind,
    },
    /// A field that does not go with `reconcile`.
    #[error(
        "\"{field}\" in {part} does not go with \"reconcile\": a reconcile stops or starts \
         each scheduled graph as its schedule says; narrow it with \"selector\" or \
         \"selectors\", and leave out \"graph_id\", \"graph_ids\" and \"wait\""
    )]
    NotWithReconcile {
        /// Where.
        part: EventPart,
        /// The field.
        field: &'static str,
    },
    /// `at` without `reconcile`, where it would mean nothing.
    #[error(
        "\"at\" in {part} applies to a reconcile only: add \"reconcile\": true, or leave \
         \"at\" out (a stop happens now)"
    )]
    AtWithoutReconcile {
        /// Where.
        part: EventPart,
    },
    /// `at` that is not an RFC 3339 time.
    #[error(
        "\"at\" in {part} is {value}, not an RFC 3339 time with its offset, such as \
         2026-12-04T20:00:00+01:00 or 2026-12-04T19:00:00Z ({reason})"
    )]
    InvalidAt {
        /// Where.
        part: EventPart,
        /// The value, cut.
        value: Excerpt,
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// A graph or project id that breaks the id rules.
    #[error("{field} in {part}: {violation}")]
    InvalidId {
        /// Where.
        part: EventPart,
        /// Which field (and which entry of a list).
        field: Field,
        /// The rule it breaks; its message already cuts the value. Boxed: errors are
        /// rare, and a small error keeps every `Result` small.
        violation: Box<ConstraintViolation>,
    },
    /// A CloudEvent of another version of the spec.
    #[error("the CloudEvent's \"specversion\" is {found}; only \"1.0\" is supported")]
    UnsupportedSpecVersion {
        /// The version received, cut.
        found: Excerpt,
    },
    /// A CloudEvent that carries binary data.
    #[error(
        "the CloudEvent carries \"data_base64\"; send the graphs as JSON in \"data\" \
         (datacontenttype application/json)"
    )]
    BinaryCloudEventData,
    /// A CloudEvent whose data is declared to be something other than JSON.
    #[error(
        "the CloudEvent's \"datacontenttype\" is {found}; \"data\" must be JSON \
         (application/json, or a +json type)"
    )]
    UnsupportedContentType {
        /// The content type received, cut.
        found: Excerpt,
    },
    /// An AWS envelope that does not deserialize as its `aws_lambda_events` type.
    #[error("{part} is malformed at {at}: {reason}")]
    MalformedEnvelope {
        /// Which envelope.
        part: EventPart,
        /// Where in it, as a path such as `requestContext.http.method`, cut.
        at: Excerpt,
        /// Why, cut.
        reason: Box<str>,
    },
    /// `Records` is an empty list.
    #[error("the event's \"Records\" is empty: an SQS or SNS event carries at least one record")]
    NoRecords,
    /// Records of a source other than SQS and SNS (S3, DynamoDB, ...).
    #[error(
        "the event's records come from {}; accepted: \"aws:sqs\" (Amazon SQS) and \"aws:sns\" \
         (Amazon SNS), each message carrying one of the events the function accepts",
        .found.as_ref().map_or_else(|| "no named event source".to_owned(), |found| found.to_string())
    )]
    UnsupportedRecords {
        /// The first record's event source, cut.
        found: Option<Excerpt>,
    },
    /// A record whose event source is not its event's.
    #[error(
        "\"Records\"[{index}] of {part} comes from another event source: every record of one \
         event comes from the same queue or topic"
    )]
    MixedRecords {
        /// The event.
        part: EventPart,
        /// The record's index, from 0.
        index: usize,
    },
    /// An SNS event with other than one record.
    #[error("the SNS event carries {count} records; SNS delivers one notification per invocation")]
    SnsRecordCount {
        /// How many it carries.
        count: usize,
    },
    /// An SNS message that is not a notification (a subscription's confirmation).
    #[error(
        "{part} is of type {found}, not \"Notification\": only a notification carries an event"
    )]
    NotANotification {
        /// Where.
        part: EventPart,
        /// Its `Type`, cut.
        found: Excerpt,
    },
    /// A message without a usable id, which a failure could not name.
    #[error(
        "{field} in {part} is no message id: SQS and SNS give each message one, 1 to {} \
         characters without control characters",
        MessageId::MAX_CHARS
    )]
    InvalidMessageId {
        /// Where.
        part: EventPart,
        /// Which record's.
        field: Field,
    },
    /// A message whose body (or SNS message) is not JSON.
    #[error(
        "{part} is not JSON ({reason}); it must be one of the events the function accepts, \
         such as {{\"graph_id\": \"G\"}}"
    )]
    MessageNotJson {
        /// Where.
        part: EventPart,
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// A message that carries an HTTP request.
    #[error(
        "{part} is an HTTP request (API Gateway or a function URL); a queue's or topic's \
         message carries the event itself, such as {{\"graph_id\": \"G\"}}, an EventBridge \
         event or a CloudEvent"
    )]
    HttpInMessage {
        /// Where.
        part: EventPart,
    },
    /// A message that carries a batch of records.
    #[error("{part} is itself a batch of records; a message carries one event")]
    RecordsInMessage {
        /// Where.
        part: EventPart,
    },
    /// An SNS notification inside a message that may not be one.
    #[error(
        "{part} is itself an SNS notification; only an SQS message's body may be one (raw \
         message delivery off), and the notification's message carries the event"
    )]
    NotificationInMessage {
        /// Where.
        part: EventPart,
    },
    /// An HTTP method other than POST on a route. Said in the core's words, as every
    /// HTTP refusal below.
    #[error("{}", method_not_allowed(.method))]
    MethodNotAllowed {
        /// The method received, cut.
        method: Excerpt,
    },
    /// An HTTP path that is no route.
    #[error("{}", no_route(.path))]
    NoRoute {
        /// The path received, cut.
        path: Excerpt,
    },
    /// An HTTP body marked base64 that does not decode.
    #[error("{}", http(HttpRequestError::BodyNotBase64))]
    BodyNotBase64,
    /// An HTTP body that is not JSON.
    #[error("{}", body_not_json(.reason))]
    BodyNotJson {
        /// The parser's complaint, cut.
        reason: Box<str>,
    },
    /// JSON that gives a key twice, has more after its value, or (a whole payload) is not
    /// JSON: which of two keys counts is not for us to guess, so nothing is sent.
    #[error("{part} {error}")]
    Json {
        /// Where: the payload, a message, a body.
        part: EventPart,
        /// What is wrong, and where in it.
        error: ges_client::input::json::JsonError,
    },
    /// Our event shape refused for a reason the variants above do not name.
    #[error("{error} in {part}")]
    Shape {
        /// Where.
        part: EventPart,
        /// What is wrong. Boxed, as [`EventError::InvalidId`]'s violation.
        error: Box<ShapeError>,
    },
    /// An HTTP request refused for a reason the variants above do not name.
    #[error(transparent)]
    Http(HttpRequestError),
    /// An HTTP body that is JSON but not an object.
    #[error("{}", body_not_an_object(.found))]
    BodyNotAnObject {
        /// The JSON type received.
        found: JsonKind,
    },
}

impl EventError {
    /// The core's refusal of our event shape, in the part of the envelope that held it.
    pub(super) fn in_part(part: EventPart, error: ShapeError) -> Self {
        match error {
            ShapeError::UnknownField { field } => Self::UnknownField {
                part,
                field,
                accepted: event::ACCEPTED,
            },
            ShapeError::WrongType {
                field,
                expected,
                found,
            } => Self::WrongType {
                part,
                field,
                expected,
                found,
            },
            ShapeError::ConflictingGraphFields { first, second } => Self::ConflictingGraphFields {
                part,
                first,
                second,
            },
            ShapeError::NoGraph => Self::NoGraph { part },
            ShapeError::EmptyGraphList => Self::EmptyGraphList { part },
            ShapeError::TooManyGraphs { count } => Self::TooManyGraphs { part, count },
            ShapeError::InvalidSelector { field, error } => {
                Self::InvalidSelector { part, field, error }
            }
            ShapeError::SelectorCount { count } => Self::SelectorCount { part, count },
            ShapeError::InvalidMaxGraphs => Self::InvalidMaxGraphs { part },
            ShapeError::MaxGraphsWithoutSelector => Self::MaxGraphsWithoutSelector { part },
            ShapeError::ReconcileNotTrue { found } => Self::ReconcileNotTrue { part, found },
            ShapeError::NotWithReconcile { field } => Self::NotWithReconcile { part, field },
            ShapeError::AtWithoutReconcile => Self::AtWithoutReconcile { part },
            ShapeError::InvalidAt { value, reason } => Self::InvalidAt {
                part,
                value,
                reason,
            },
            ShapeError::InvalidId { field, violation } => Self::InvalidId {
                part,
                field,
                violation,
            },
            // ShapeError is non_exhaustive: a refusal the core adds later is still said,
            // in its own words, as a field of this part.
            other => Self::Shape {
                part,
                error: Box::new(other),
            },
        }
    }

    /// The core's refusal of an HTTP request, in this function's words: the same
    /// variants as every other event's refusal, the path and body as the parts named.
    pub(super) fn from_http(error: HttpRequestError) -> Self {
        match error {
            HttpRequestError::MethodNotAllowed { method } => Self::MethodNotAllowed { method },
            HttpRequestError::NoRoute { path } => Self::NoRoute { path },
            HttpRequestError::BodyNotBase64 => Self::BodyNotBase64,
            HttpRequestError::BodyNotJson { reason } => Self::BodyNotJson { reason },
            HttpRequestError::BodyJson(error) => Self::Json {
                part: EventPart::HttpBody,
                error,
            },
            HttpRequestError::BodyNotAnObject { found } => Self::BodyNotAnObject { found },
            HttpRequestError::UnknownBodyField { field } => Self::UnknownField {
                part: EventPart::HttpBody,
                field,
                accepted: BODY_ACCEPTED,
            },
            HttpRequestError::Shape {
                place: HttpPlace::Path,
                error,
            } => Self::in_part(EventPart::HttpPath, *error),
            HttpRequestError::Shape {
                place: HttpPlace::Body,
                error,
            } => Self::in_part(EventPart::HttpBody, *error),
            // Non-exhaustive: a refusal the core adds later is the event's.
            other => Self::Http(other),
        }
    }

    /// The Lambda error type: [`ErrorType::RouteNotFound`] for a path that is no route,
    /// [`ErrorType::MethodNotAllowed`] for a method other than POST, else
    /// [`ErrorType::InvalidEvent`].
    pub fn error_type(&self) -> ErrorType {
        match self {
            Self::MethodNotAllowed { .. } => ErrorType::MethodNotAllowed,
            Self::NoRoute { .. } => ErrorType::RouteNotFound,
            Self::Http(error) => error.error_type(),
            _ => ErrorType::InvalidEvent,
        }
    }

    /// The HTTP status an HTTP caller gets for this error: 400 for a bad id or body,
    /// 404 for a path that is no route, 405 for a method other than POST.
    pub fn http_status(&self) -> ::http::StatusCode {
        self.error_type().http_status()
    }
}

/// A part of an event, for messages: where a field is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventPart {
    /// The invocation's payload, whatever its shape.
    Payload,
    /// The direct shape, at the top level.
    Direct,
    /// An EventBridge envelope.
    EventBridge,
    /// An EventBridge envelope's `detail`.
    EventBridgeDetail,
    /// A CloudEvent.
    CloudEvent,
    /// A CloudEvent's `data`.
    CloudEventData,
    /// An HTTP request's envelope, as the front end delivered it.
    HttpRequest(HttpApi),
    /// An HTTP request's path (or path parameters).
    HttpPath,
    /// An HTTP request's body.
    HttpBody,
    /// A batch's `Records`.
    Records,
    /// An SQS event.
    Sqs,
    /// One message of an SQS event.
    SqsMessage,
    /// An SQS message's body.
    SqsBody,
    /// An SNS event.
    Sns,
    /// The SNS notification in an SQS message's body.
    SnsNotification,
    /// An SNS notification's message.
    SnsMessage,
}

impl fmt::Display for EventPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Payload | Self::Direct => "the event",
            Self::EventBridge => "the EventBridge event",
            Self::EventBridgeDetail => "the EventBridge event's \"detail\"",
            Self::CloudEvent => "the CloudEvent",
            Self::CloudEventData => "the CloudEvent's \"data\"",
            Self::HttpRequest(HttpApi::RestApi) => "the API Gateway REST API request",
            Self::HttpRequest(HttpApi::HttpApi) => "the API Gateway HTTP API request",
            Self::HttpRequest(HttpApi::FunctionUrl) => "the function URL request",
            Self::HttpPath => "the request path",
            Self::HttpBody => "the request body",
            Self::Records => "the event's \"Records\"",
            Self::Sqs => "the SQS event",
            Self::SqsMessage => "the SQS message",
            Self::SqsBody => "the SQS message's body",
            Self::Sns => "the SNS event",
            Self::SnsNotification => "the SNS notification in the SQS message's body",
            Self::SnsMessage => "the SNS notification's \"Message\"",
        })
    }
}

/// A field, for messages: the core's, which says where in our shape a field is.
pub use ges_client::run::Field;

/// The first few field names of an object, for [`EventError::UnrecognizedShape`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldNames {
    shown: Vec<Excerpt>,
    more: usize,
}

impl FieldNames {
    /// How many names are shown, and how long each may be: the whole stays short.
    const SHOWN: usize = 3;
    const NAME_LIMIT: usize = 24;

    pub(super) fn of(object: &Map<String, Value>) -> Self {
        let shown = object
            .keys()
            .take(Self::SHOWN)
            .map(|name| Excerpt::with_limit(name, Self::NAME_LIMIT))
            .collect();
        Self {
            shown,
            more: object.len().saturating_sub(Self::SHOWN),
        }
    }
}

impl fmt::Display for FieldNames {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.shown.is_empty() {
            return f.write_str("it has no fields");
        }
        f.write_str("its fields: ")?;
        for (i, name) in self.shown.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{name}")?;
        }
        if self.more > 0 {
            write!(f, " and {} more", self.more)?;
        }
        Ok(())
    }
}

pub(super) use ges_client::input::brief;

/// How much of a parser's complaint a message repeats: the core's bound.
pub(super) use ges_client::run::event::REASON_LIMIT;
