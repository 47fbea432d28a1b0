//! FunctionGraph's custom runtime, its state: the invocations a test queued
//! ([`crate::RunningSimulator::invoke_function`]) and not yet handed out, those handed
//! out and waiting for the function's answer, the ones finished (answered or timed
//! out, so that a second answer is refused), and the agency access keys handed out.
//! `function_runtime_routes` serves the runtime API over it.
//!
//! An invocation's timeout runs from the moment it is queued, not from the moment the
//! function fetches it: a function that never asks still lets the test go on. When it
//! passes, the invocation leaves the queue (a function that asks later never sees it)
//! or stops waiting for its answer, and a later answer is refused.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;

/// The largest answer (or error report) a function may post, in bytes: FunctionGraph's
/// default for `RUNTIME_MAX_RESP_BODY_SIZE`, 6,291,456 bytes, from "Configuring
/// Environment Variables", predefined variables
/// (<https://support.huaweicloud.com/intl/zh-cn/my-kualalumpur-1-usermanual-functiongraph/functiongraph_01_0154.html>).
/// A larger body is refused with `413` and leaves the invocation waiting.
pub const RUNTIME_MAX_RESP_BODY_SIZE: usize = 6_291_456;

/// How long a `GET /v1/runtime/invocation/request` waits for an invocation before it
/// answers `503` (the function is expected to ask again). Huawei does not say whether
/// its runtime API long-polls or answers at once; a bounded wait keeps every
/// connection short-lived. A function's client must wait longer than this for that
/// `GET`: a call it gave up on is still waiting here (the simulator cannot tell), and
/// takes the next invocation if one comes within the wait, which then times out
/// unanswered. Short, so that a function that died while asking holds no invocation
/// hostage for long.
pub const RUNTIME_LONG_POLL: Duration = Duration::from_secs(5);

/// An invocation's timeout unless [`FunctionInvocation::timeout`] says otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How many finished invocations are remembered, so that a second answer to one is
/// refused as such; an older one is refused as unknown.
const REMEMBERED: usize = 4096;

/// An invocation for the function, as [`crate::RunningSimulator::invoke_function`]
/// queues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionInvocation {
    /// The event, sent as the body of the function's `GET`.
    pub event: Vec<u8>,
    /// Whether the function has an agency: then the invocation carries fresh temporary
    /// credentials (`X-CFF-Access-Key`, `X-CFF-Secret-Key`, `X-CFF-Security-Token`) and
    /// a token (`X-CFF-Auth-Token`); otherwise none of these headers.
    pub agency: bool,
    /// How long, from the moment it is queued, the invocation waits to be fetched and
    /// answered before it ends as [`FunctionOutcome::TimedOut`].
    pub timeout: Duration,
}

impl FunctionInvocation {
    /// An invocation with this event, for a function with an agency, timing out after
    /// 30 s.
    pub fn new(event: impl Into<Vec<u8>>) -> Self {
        Self {
            event: event.into(),
            agency: true,
            timeout: DEFAULT_TIMEOUT,
        }
    }

    /// The same, for a function without an agency: no credential headers.
    pub fn without_agency(mut self) -> Self {
        self.agency = false;
        self
    }

    /// The same, timing out after `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// How an invocation ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionOutcome {
    /// The function posted this body to `/v1/runtime/invocation/response/{request_id}`.
    Answered {
        /// The invocation's `X-Cff-Request-Id`.
        request_id: String,
        /// The body, as it came.
        body: Vec<u8>,
    },
    /// The function posted this body to `/v1/runtime/invocation/error/{request_id}`.
    Failed {
        /// The invocation's `X-Cff-Request-Id`.
        request_id: String,
        /// The body, as it came.
        body: Vec<u8>,
    },
    /// The invocation's timeout passed before the function answered (or fetched it).
    TimedOut {
        /// The invocation's `X-Cff-Request-Id` (the function may never have seen it).
        request_id: String,
    },
}

impl FunctionOutcome {
    /// The invocation's request ID, whichever way it ended.
    pub fn request_id(&self) -> &str {
        match self {
            Self::Answered { request_id, .. }
            | Self::Failed { request_id, .. }
            | Self::TimedOut { request_id } => request_id,
        }
    }
}

/// Which of the runtime API's two answer paths a function posted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerPath {
    /// `/v1/runtime/invocation/response/{request_id}`.
    Response,
    /// `/v1/runtime/invocation/error/{request_id}`.
    Error,
}

/// Why an answer was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerRefusal {
    /// No invocation with this ID was handed out (or it was forgotten).
    Unknown,
    /// The invocation was answered already.
    AlreadyAnswered,
    /// The invocation's timeout passed.
    TimedOut,
}

/// What a function's `GET` found.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// An invocation, now waiting for its answer.
    Invocation(HandedOut),
    /// Nothing came within the wait.
    Nothing,
    /// The simulator is shutting down.
    Closing,
}

/// An invocation handed to the function.
#[derive(Debug)]
pub(crate) struct HandedOut {
    pub(crate) request_id: String,
    pub(crate) event: Vec<u8>,
    pub(crate) agency: bool,
}

/// An invocation not yet handed out.
struct Queued {
    request_id: String,
    event: Vec<u8>,
    agency: bool,
    reply: oneshot::Sender<FunctionOutcome>,
}

/// How a finished invocation ended, as far as a late answer cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finished {
    Answered,
    TimedOut,
}

#[derive(Default)]
struct Invocations {
    queued: VecDeque<Queued>,
    /// Handed out, waiting for an answer: the channel of each, with its event and
    /// agency kept to put it back if it cannot be handed out after all.
    pending: HashMap<String, (oneshot::Sender<FunctionOutcome>, Vec<u8>, bool)>,
    /// The latest [`REMEMBERED`] finished, oldest first.
    finished: VecDeque<(String, Finished)>,
    access_keys: Vec<String>,
}

impl Invocations {
    fn finish(&mut self, request_id: String, how: Finished) {
        if self.finished.len() == REMEMBERED {
            self.finished.pop_front();
        }
        self.finished.push_back((request_id, how));
    }
}

/// The runtime's state. `Debug` shows counts only: events may hold anything.
#[derive(Default)]
pub(crate) struct FunctionRuntime {
    invocations: Mutex<Invocations>,
    /// Wakes every waiting `GET` when an invocation is queued or the simulator closes.
    arrived: Notify,
    closing: AtomicBool,
}

impl fmt::Debug for FunctionRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let invocations = self.invocations();
        f.debug_struct("FunctionRuntime")
            .field("queued", &invocations.queued.len())
            .field("pending", &invocations.pending.len())
            .field("finished", &invocations.finished.len())
            .field("access_keys", &invocations.access_keys)
            .finish_non_exhaustive()
    }
}

impl FunctionRuntime {
    /// The state, locked. No lock is held across an `await`, and no code that holds it
    /// panics, so a poisoned lock still holds consistent data.
    fn invocations(&self) -> MutexGuard<'_, Invocations> {
        self.invocations
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues an invocation under `request_id` and waits until it is answered, reported
    /// failed, or its timeout passes.
    pub(crate) async fn invoke(
        &self,
        request_id: String,
        invocation: FunctionInvocation,
    ) -> FunctionOutcome {
        let (reply, mut outcome) = oneshot::channel();
        self.invocations().queued.push_back(Queued {
            request_id: request_id.clone(),
            event: invocation.event,
            agency: invocation.agency,
            reply,
        });
        self.arrived.notify_waiters();
        let timed_out = || FunctionOutcome::TimedOut {
            request_id: request_id.clone(),
        };
        match tokio::time::timeout(invocation.timeout, &mut outcome).await {
            Ok(answered) => answered.unwrap_or_else(|_| timed_out()),
            Err(_) => {
                if self.time_out(&request_id) {
                    timed_out()
                } else {
                    // Answered between the timeout and the lock: the answer stands.
                    outcome.try_recv().unwrap_or_else(|_| timed_out())
                }
            }
        }
    }

    /// Ends an invocation that timed out, queued or handed out; `false` if it was
    /// answered meanwhile.
    fn time_out(&self, request_id: &str) -> bool {
        let mut invocations = self.invocations();
        let queued = invocations
            .queued
            .iter()
            .position(|queued| queued.request_id == request_id);
        let removed = match queued {
            Some(index) => invocations.queued.remove(index).is_some(),
            None => invocations.pending.remove(request_id).is_some(),
        };
        if removed {
            invocations.finish(request_id.to_owned(), Finished::TimedOut);
        }
        removed
    }

    /// Waits up to `window` for an invocation and hands out the oldest; it then waits
    /// for its answer.
    pub(crate) async fn fetch(&self, window: Duration) -> Fetched {
        let deadline = Instant::now() + window;
        // Each turn ends with an arrival (or a close), or at the deadline: bounded.
        loop {
            // Registered before the queue is looked at, so that an invocation queued
            // in between still wakes this call.
            let arrived = self.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            if self.closing.load(Ordering::SeqCst) {
                return Fetched::Closing;
            }
            if let Some(handed) = self.hand_out() {
                return Fetched::Invocation(handed);
            }
            tokio::select! {
                () = &mut arrived => {}
                () = tokio::time::sleep_until(deadline) => return Fetched::Nothing,
            }
        }
    }

    fn hand_out(&self) -> Option<HandedOut> {
        let mut invocations = self.invocations();
        let queued = invocations.queued.pop_front()?;
        invocations.pending.insert(
            queued.request_id.clone(),
            (queued.reply, queued.event.clone(), queued.agency),
        );
        Some(HandedOut {
            request_id: queued.request_id,
            event: queued.event,
            agency: queued.agency,
        })
    }

    /// Puts an invocation that could not be handed out after all back at the head of
    /// the queue.
    pub(crate) fn put_back(&self, request_id: &str) {
        let mut invocations = self.invocations();
        if let Some((reply, event, agency)) = invocations.pending.remove(request_id) {
            invocations.queued.push_front(Queued {
                request_id: request_id.to_owned(),
                event,
                agency,
                reply,
            });
        }
        drop(invocations);
        self.arrived.notify_waiters();
    }

    /// Records the function's answer to an invocation handed out and not finished.
    pub(crate) fn answer(
        &self,
        request_id: &str,
        path: AnswerPath,
        body: Vec<u8>,
    ) -> Result<(), AnswerRefusal> {
        let mut invocations = self.invocations();
        let Some((reply, _, _)) = invocations.pending.remove(request_id) else {
            return Err(
                match invocations
                    .finished
                    .iter()
                    .find(|(finished, _)| finished == request_id)
                {
                    Some((_, Finished::Answered)) => AnswerRefusal::AlreadyAnswered,
                    Some((_, Finished::TimedOut)) => AnswerRefusal::TimedOut,
                    None => AnswerRefusal::Unknown,
                },
            );
        };
        invocations.finish(request_id.to_owned(), Finished::Answered);
        let request_id = request_id.to_owned();
        let outcome = match path {
            AnswerPath::Response => FunctionOutcome::Answered { request_id, body },
            AnswerPath::Error => FunctionOutcome::Failed { request_id, body },
        };
        // The test may have stopped waiting (dropped its call): the answer still counts.
        let _ = reply.send(outcome);
        Ok(())
    }

    /// Notes an agency access key handed out.
    pub(crate) fn note_access_key(&self, access_key: String) {
        self.invocations().access_keys.push(access_key);
    }

    /// The agency access keys handed out, in order.
    pub(crate) fn access_keys(&self) -> Vec<String> {
        self.invocations().access_keys.clone()
    }

    /// Ends every waiting `GET` and every later one at once, so that a shutdown is not
    /// held up by a long poll.
    pub(crate) fn close(&self) {
        self.closing.store(true, Ordering::SeqCst);
        self.arrived.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn invocations_are_handed_out_in_order_and_answered_once() {
        let runtime = std::sync::Arc::new(FunctionRuntime::default());
        let first = tokio::spawn({
            let runtime = runtime.clone();
            async move {
                runtime
                    .invoke("a".into(), FunctionInvocation::new("1".as_bytes()))
                    .await
            }
        });
        let fetched = runtime.fetch(Duration::from_secs(5)).await;
        let Fetched::Invocation(handed) = fetched else {
            panic!("{fetched:?}");
        };
        assert_eq!(
            (handed.request_id.as_str(), &handed.event[..]),
            ("a", &b"1"[..])
        );
        assert_eq!(
            runtime.answer("b", AnswerPath::Response, Vec::new()),
            Err(AnswerRefusal::Unknown)
        );
        assert_eq!(
            runtime.answer("a", AnswerPath::Error, b"no".to_vec()),
            Ok(())
        );
        assert_eq!(
            runtime.answer("a", AnswerPath::Response, Vec::new()),
            Err(AnswerRefusal::AlreadyAnswered)
        );
        assert_eq!(
            first.await.unwrap(),
            FunctionOutcome::Failed {
                request_id: "a".into(),
                body: b"no".to_vec()
            }
        );
    }

    #[tokio::test]
    async fn an_invocation_put_back_is_handed_out_again_first() {
        let runtime = FunctionRuntime::default();
        let first = runtime.invoke("a".into(), FunctionInvocation::new("1").without_agency());
        let second = runtime.invoke("b".into(), FunctionInvocation::new("2"));
        let function = async {
            let Fetched::Invocation(handed) = runtime.fetch(Duration::ZERO).await else {
                panic!("nothing handed out");
            };
            runtime.put_back(&handed.request_id);
            assert_eq!(
                runtime.answer("a", AnswerPath::Response, Vec::new()),
                Err(AnswerRefusal::Unknown)
            );
            for expected in ["a", "b"] {
                let Fetched::Invocation(handed) = runtime.fetch(Duration::ZERO).await else {
                    panic!("nothing handed out");
                };
                assert_eq!(handed.request_id, expected);
                assert_eq!(handed.agency, expected == "b");
                runtime
                    .answer(expected, AnswerPath::Response, handed.event)
                    .unwrap();
            }
        };
        // Biased: both invocations are queued before the function asks.
        let (first, second, ()) = tokio::join!(biased; first, second, function);
        assert_eq!(first.request_id(), "a");
        assert_eq!(second.request_id(), "b");
    }

    #[tokio::test]
    async fn a_timed_out_invocation_leaves_the_queue_and_is_refused_later() {
        let runtime = FunctionRuntime::default();
        let outcome = runtime
            .invoke(
                "late".into(),
                FunctionInvocation::new("{}").timeout(Duration::ZERO),
            )
            .await;
        assert_eq!(outcome.request_id(), "late");
        assert!(matches!(outcome, FunctionOutcome::TimedOut { .. }));
        assert!(matches!(
            runtime.fetch(Duration::ZERO).await,
            Fetched::Nothing
        ));
        assert_eq!(
            runtime.answer("late", AnswerPath::Response, Vec::new()),
            Err(AnswerRefusal::TimedOut)
        );
        runtime.close();
        assert!(matches!(
            runtime.fetch(Duration::from_secs(5)).await,
            Fetched::Closing
        ));
    }
}
