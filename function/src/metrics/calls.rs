//! The GES calls of one invocation, timed, for the latency metrics.
//!
//! A run's stops and starts are polled within the invocation's task (the handler runs
//! them as a stream, not as spawned tasks), so a task-local list collects them without
//! threading a recorder through every stage of the run. Outside a recorded run (the
//! command line's `invoke`, the library's tests) timing a call records nothing.

use std::cell::RefCell;
use std::future::Future;
use std::time::{Duration, Instant};

use ges_client::report::Change;

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

/// Runs `run`, and returns its output with the calls [`timed`] within it.
pub async fn recorded<F: Future>(run: F) -> (F::Output, Vec<Call>) {
    CALLS
        .scope(RefCell::new(Vec::new()), async move {
            let output = run.await;
            let calls = CALLS.try_with(RefCell::take).unwrap_or_default();
            (output, calls)
        })
        .await
}

/// Awaits `call`, the sending of `change`, and records how long it took.
pub async fn timed<F: Future>(change: Change, call: F) -> F::Output {
    let started = Instant::now();
    let output = call.await;
    let took = started.elapsed();
    // Not in a recorded run: nobody to tell.
    let _ = CALLS.try_with(|calls| calls.borrow_mut().push(Call { change, took }));
    output
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn calls_within_the_run_are_recorded_in_order_and_others_are_not() {
        timed(Change::Stop, async {}).await;
        let ((), calls) = recorded(async {
            timed(Change::Stop, async {}).await;
            timed(Change::Start, tokio::time::sleep(Duration::from_millis(5))).await;
        })
        .await;
        let changes: Vec<Change> = calls.iter().map(|call| call.change).collect();
        assert_eq!(changes, [Change::Stop, Change::Start]);
        assert!(calls[1].took >= Duration::from_millis(5), "{calls:?}");
        let ((), none) = recorded(async {}).await;
        assert!(none.is_empty());
    }
}
