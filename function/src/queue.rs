//! An SQS batch, run message by message: each message's event is one run, in the order
//! SQS delivered them, and the answer names the messages SQS must deliver again.
//!
//! A message fails when its event cannot be read (nothing is sent for it), when its run
//! fails as an invocation with that event alone would (a Lambda error: a graph failed,
//! GES or the selection refused, nothing configured), or when it is not started: the
//! invocation's deadline is near, or an earlier message of a FIFO batch failed, and a
//! FIFO queue's messages must be handled in order. Every failure is logged, under the
//! message's span (`message_id`), with why.

use std::time::Duration;

use tokio::time::Instant;
use tracing::Instrument;

use crate::event::{Invocation, Message, MessageId, Queue};

/// How long before the invocation's deadline no message is started. A run needs at least
/// one GES call, which the deadline would cut short and fail anyway; not starting it
/// leaves the time to answer, and the queue delivers the message again.
pub const START_MARGIN: Duration = Duration::from_secs(2);

/// Runs each message of `queue` in order with `run` (true when its run succeeded), none
/// started within [`START_MARGIN`] of `deadline` (when every call must be over), and
/// returns the ids of the messages that failed, in order.
pub async fn drain(
    queue: Queue,
    deadline: Option<Instant>,
    mut run: impl AsyncFnMut(Invocation) -> bool,
) -> Vec<MessageId> {
    let last_start = deadline.map(|at| at.checked_sub(START_MARGIN).unwrap_or(at));
    let count = queue.messages.len();
    let mut failed = Vec::new();
    for Message { id, event } in queue.messages {
        let span = tracing::info_span!("message", message_id = %id);
        let earlier_failed = queue.fifo && !failed.is_empty();
        let succeeded = async {
            if earlier_failed {
                tracing::warn!(
                    reason = "an earlier message of this FIFO batch failed, and a FIFO queue's \
                              messages are handled in order; the queue delivers it again",
                    "message not run"
                );
                return false;
            }
            if last_start.is_some_and(|last| Instant::now() >= last) {
                tracing::warn!(
                    reason = "the invocation's deadline is near; the queue delivers it again",
                    "message not run"
                );
                return false;
            }
            match event {
                Ok(invocation) => run(invocation).await,
                Err(invalid) => {
                    // Nothing was sent for it; the queue delivers it again until its
                    // redrive policy moves it to a dead-letter queue.
                    tracing::warn!(error = %invalid, "invalid message");
                    false
                }
            }
        }
        .instrument(span)
        .await;
        if !succeeded {
            failed.push(id);
        }
    }
    tracing::info!(
        messages = count,
        failed = failed.len(),
        fifo = queue.fifo,
        "queue batch"
    );
    failed
}
