//! What one invocation's payload holds, once read: one event, or messages that each
//! carry one ([`Payload`]). Below the queue's and the topic's readers, which build these;
//! it uses only the leaves `request.rs` and `error.rs`.

use super::error::InvalidEvent;
use super::request::{Invocation, MessageId};

/// What a payload holds.
#[derive(Debug)]
pub enum Payload {
    /// One event (direct, EventBridge, CloudEvent, HTTP): one run, answered in its
    /// caller's form.
    One(Invocation),
    /// An Amazon SQS batch: each message's body is an event of its own, run in order.
    Queue(Queue),
    /// An Amazon SNS notification: its message is the event.
    Topic(Message),
}

/// An SQS batch, as its event source mapping delivered it.
#[derive(Debug)]
pub struct Queue {
    /// Whether it comes from a FIFO queue (its ARN ends in `.fifo`, or a message has a
    /// `MessageGroupId`): its messages must be handled in order, so none may be
    /// handled after one that failed.
    pub fifo: bool,
    /// The messages, at least one, in the order SQS delivered them.
    pub messages: Vec<Message>,
}

/// One message of a queue or a topic, and the event it carries or why it carries none.
/// A message whose event cannot be read fails alone: the others are still run.
#[derive(Debug)]
pub struct Message {
    /// Its id: what the answer names when it failed, and what its log lines carry.
    pub id: MessageId,
    /// The event its body (or SNS message) carries.
    pub event: Result<Invocation, InvalidEvent>,
}
