//! The GES calls of one invocation, timed, for the latency metrics.
//!
//! The core's runner tells its [`Progress`] how long each stop and start took, from the
//! invocation's task (it runs them as a stream, not as spawned tasks), so a task-local
//! list collects them without threading a recorder through the run. Outside a recorded
//! run (the command line's `invoke`, the library's tests) a call is recorded nowhere.

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use ges_client::ges::Change;
use ges_client::run::Progress;

tokio::task_local! {
    static CALLS: RefCell<Vec<Call>>;
}

/// One change sent to GES and how long it took, retries included, whatever it answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// A stop or a start.
    pub change: Change,
    /// From the first attempt to the last answer.
    pub took: Duration,
}

/// Runs `run`, and returns its output with the calls [`Recorder`] was told of within it.
pub async fn recorded<F: Future>(run: F) -> (F::Output, Vec<Call>) {
    CALLS
        .scope(RefCell::new(Vec::new()), async move {
            let output = run.await;
            let calls = CALLS.try_with(RefCell::take).unwrap_or_default();
            (output, calls)
        })
        .await
}

/// Keeps each call the runner sent in the invocation's list, if it is [`recorded`].
#[derive(Debug, Default)]
pub struct Recorder;

impl Progress for Recorder {
    fn sent(&self, change: Change, took: Duration) {
        // Not in a recorded run: nobody to tell.
        let _ = CALLS.try_with(|calls| calls.borrow_mut().push(Call { change, took }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_within_the_run_are_recorded_in_order_and_others_are_not() {
        let recorder = Recorder;
        recorder.sent(Change::Stop, Duration::ZERO);
        let ((), calls) = recorded(async {
            recorder.sent(Change::Stop, Duration::ZERO);
            recorder.sent(Change::Start, Duration::from_millis(5));
        })
        .await;
        let changes: Vec<Change> = calls.iter().map(|call| call.change).collect();
        assert_eq!(changes, [Change::Stop, Change::Start]);
        assert_eq!(calls[1].took, Duration::from_millis(5), "{calls:?}");
        let ((), none) = recorded(async {}).await;
        assert!(none.is_empty());
    }
}
