//! When a failed call to GES is tried again, and how long to pause first.
//!
//! A stop is idempotent (a repeated stop answers `GES.7001`, which is already an
//! outcome), and so are the look-ups, so every operation may be retried. What is
//! retried: a connection that could not be made or broke, an answer that did not come
//! in time, and `429`, `500`, `502`, `503`, `504`. What is not: `400`, `401`, `403`,
//! `404` and anything else GES answered on purpose, and an answer too large to read.
//!
//! The pause before retry `n` (from 1) is drawn uniformly from
//! `0..=min(max_backoff, base_backoff * 2^(n-1))` ("full jitter", so that many
//! functions failing at once do not retry in step), or is what the answer's
//! `Retry-After` asks for when it asks for more. Neither a pause nor an attempt starts
//! when it could not end before the deadline, and a `Retry-After` longer than
//! [`RetryPolicy::max_pause`] ends the retries: the caller then reports the last
//! failure, with the number of attempts made.
//!
//! Retries also draw on a [`RetryBudget`] shared by every call of a run (one Lambda
//! invocation, one command), as smithy's retry token bucket does: without it, 64
//! stops at once against a failing GES, 10 attempts each, would send 640 calls. A first
//! attempt never waits for the budget; only retries do.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use http::HeaderMap;
use tokio::time::Instant;

/// The number of attempts unless `GES_MAX_ATTEMPTS` says otherwise.
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The most attempts `GES_MAX_ATTEMPTS` may ask for.
pub(crate) const MAX_ATTEMPTS_LIMIT: u32 = 10;
/// The least time an attempt is started with: less than this before the deadline and
/// an answer could not arrive, nor a failure be reported, in time.
// Public only for the tests (`test-support` re-exports it); the crate's own otherwise.
#[cfg_attr(not(feature = "test-support"), allow(unreachable_pub))]
pub const MIN_ATTEMPT_TIME: Duration = Duration::from_millis(200);

/// How failed calls are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times one call is sent at most, the first included (at least 1).
    pub max_attempts: u32,
    /// The ceiling of the first pause; each later pause's ceiling doubles.
    pub base_backoff: Duration,
    /// The largest ceiling of a pause.
    pub max_backoff: Duration,
    /// The longest pause a `Retry-After` may ask for; longer ends the retries.
    pub max_pause: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts, pauses of at most 200 ms then 400 ms (up to 5 s), and a
    /// `Retry-After` of up to 20 s honoured: a stop takes well under a second, and a
    /// nightly schedule would rather report a failing GES than wait for it for long.
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_pause: Duration::from_secs(20),
        }
    }
}

/// How a call's attempts went, as an error or a reply reports them: the requests sent,
/// and what a reader of the failure needs to know about them. Kept beside the result,
/// as smithy's `SdkError` keeps its metadata beside the error's kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Attempts {
    sent: u32,
    token_resends: u32,
    unanswered: u32,
    budget_spent: bool,
}

impl Attempts {
    /// One request, sent once.
    pub const ONE: Self = Self {
        sent: 1,
        token_resends: 0,
        unanswered: 0,
        budget_spent: false,
    };

    /// `sent` requests, nothing more known about them.
    pub fn sent_times(sent: u32) -> Self {
        Self {
            sent,
            ..Self::default()
        }
    }

    /// Every request sent, the first, the retries and the re-sends with a fresh IAM
    /// token included (0 when the request never went out, or the number is not known).
    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// The attempts charged against `GES_MAX_ATTEMPTS`: a re-send with a fresh IAM
    /// token after a `401` is not one of them.
    pub fn charged(&self) -> u32 {
        self.sent - self.token_resends
    }

    /// How many were re-sent with a fresh IAM token after GES refused a cached one.
    pub fn token_resends(&self) -> u32 {
        self.token_resends
    }

    /// How many got no answer (the connection broke, or the answer did not come in
    /// time): GES may have carried those out all the same.
    pub fn unanswered(&self) -> u32 {
        self.unanswered
    }

    /// Whether at most one request was sent: what an answer need not mention.
    pub fn at_most_one(&self) -> bool {
        self.sent <= 1
    }

    /// Whether the retries ended because the run's retry budget was spent.
    pub fn budget_spent(&self) -> bool {
        self.budget_spent
    }

    pub(crate) fn record_sent(&mut self, token_resend: bool) {
        self.sent += 1;
        if token_resend {
            self.token_resends += 1;
        }
    }

    pub(crate) fn record_unanswered(&mut self) {
        self.unanswered += 1;
    }

    pub(crate) fn record_budget_spent(&mut self) {
        self.budget_spent = true;
    }
}

/// As messages say it: "1 attempt", "3 attempts", with what else a reader should know.
impl std::fmt::Display for Attempts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.sent {
            1 => f.write_str("1 attempt")?,
            n => write!(f, "{n} attempts")?,
        }
        match self.token_resends {
            0 => {}
            1 => f.write_str(", one a re-send with a fresh IAM token")?,
            n => write!(f, ", {n} of them re-sends with a fresh IAM token")?,
        }
        if self.budget_spent {
            f.write_str(
                "; not tried again: this run's retry budget was spent on other failing calls",
            )?;
        }
        Ok(())
    }
}

/// As the number of requests sent: what a log field or a JSON answer wants.
impl serde::Serialize for Attempts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.sent)
    }
}

/// Why a call may or may not be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Final: an answer GES gave on purpose, or a failure a retry cannot mend.
    Final,
    /// Worth another attempt, after at least this long if the answer said so.
    Retry {
        /// What `Retry-After` asked for.
        retry_after: Option<Duration>,
        /// Whether no answer came at all (a timeout, a broken connection): a retry then
        /// costs the budget more, as GES may be too sick to answer.
        unanswered: bool,
    },
}

/// Whether an answer with this status code is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// The verdict on an answer: its status and, when it is retried, its `Retry-After`.
pub(crate) fn verdict_on_answer(status: u16, headers: &HeaderMap, now: SystemTime) -> Verdict {
    if !retryable_status(status) {
        return Verdict::Final;
    }
    Verdict::Retry {
        unanswered: false,
        retry_after: headers
            .get(http::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| retry_after(value, now)),
    }
}

/// Reads a `Retry-After` value: a whole number of seconds, or an HTTP date (a date in
/// the past means now). Anything else is ignored, as if it were absent.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|byte| byte.is_ascii_digit()) {
        // Too many digits to fit is "very long", which ends the retries.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What to do after failed attempt number `attempts` (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Pause this long, then send again.
    RetryAfter(Duration),
    /// Stop here and report the failure.
    GiveUp(GiveUp),
}

/// Why the retries ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveUp {
    /// The failure is not one a retry mends.
    Final,
    /// Every attempt allowed was made.
    OutOfAttempts,
    /// The next attempt could not end before the deadline.
    Deadline,
    /// GES asked to wait longer than [`RetryPolicy::max_pause`].
    TooLongRetryAfter(Duration),
    /// The run's [`RetryBudget`] had too little left for another retry.
    BudgetSpent,
}

impl RetryPolicy {
    /// The ceiling of the pause before retry `retry` (from 1).
    pub fn backoff_ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(30);
        self.base_backoff
            .saturating_mul(1u32 << doublings)
            .min(self.max_backoff)
    }

    /// The pause before retry `retry` (from 1): uniform in `0..=ceiling`.
    pub fn jittered_backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(fastrand::u64(0..=millis))
    }

    /// Decides what follows failed attempt number `attempts` (from 1), given the
    /// verdict on it, the time now and the deadline, if any.
    pub fn next(
        &self,
        attempts: u32,
        verdict: Verdict,
        now: Instant,
        deadline: Option<Instant>,
    ) -> Next {
        let Verdict::Retry { retry_after, .. } = verdict else {
            return Next::GiveUp(GiveUp::Final);
        };
        if attempts >= self.max_attempts {
            return Next::GiveUp(GiveUp::OutOfAttempts);
        }
        if let Some(asked) = retry_after.filter(|asked| *asked > self.max_pause) {
            return Next::GiveUp(GiveUp::TooLongRetryAfter(asked));
        }
        let backoff = self.jittered_backoff(attempts);
        let pause = retry_after.map_or(backoff, |asked| asked.max(backoff));
        match deadline {
            Some(deadline) if now + pause + MIN_ATTEMPT_TIME > deadline => {
                Next::GiveUp(GiveUp::Deadline)
            }
            _ => Next::RetryAfter(pause),
        }
    }
}

/// One call's attempts, as IAM's and STS's calls make them (GES's own go through the
/// client, which also charges the run's [`RetryBudget`]): `attempt` sends attempt
/// number `n` (from 1) and gives its result, `verdict` says whether that result is worth
/// another, and the policy decides, never past `deadline`, where `timed_out(n)` is the
/// error. Gives the last result. `call` names the call in the log lines.
pub(crate) async fn drive<T, E: std::fmt::Display, F: Future<Output = Result<T, E>>>(
    policy: RetryPolicy,
    call: &'static str,
    deadline: Option<Instant>,
    mut attempt: impl FnMut(u32) -> F,
    verdict: impl Fn(&Result<T, E>) -> Verdict,
    timed_out: impl Fn(u32) -> E,
    describe: impl Fn(&T) -> String,
) -> Result<T, E> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let sent = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, attempt(attempts))
                .await
                .unwrap_or_else(|_| Err(timed_out(attempts))),
            None => attempt(attempts).await,
        };
        match policy.next(attempts, verdict(&sent), Instant::now(), deadline) {
            Next::RetryAfter(pause) => {
                tracing::info!(
                    call,
                    attempt = attempts,
                    pause_ms = pause.as_secs_f64() * 1e3,
                    failure = %match &sent {
                        Ok(answer) => describe(answer),
                        Err(error) => error.to_string(),
                    },
                    "call failed; trying again"
                );
                tokio::time::sleep(pause).await;
            }
            Next::GiveUp(why) => {
                if why != GiveUp::Final {
                    tracing::warn!(call, attempts, reason = ?why, "call failed; not trying again");
                }
                return sent;
            }
        }
    }
}

/// The retries one run may make, as a token bucket (smithy's standard retry strategy,
/// with its numbers): it starts full with [`RetryBudget::CAPACITY`] tokens; a retry
/// takes [`RetryBudget::RETRY_COST`] (or [`RetryBudget::UNANSWERED_COST`] after a timeout or a broken
/// connection); a call that got its answer at once gives back
/// [`RetryBudget::SUCCESS_REFUND`], one that got it after retries gives back what its
/// last retry took. When fewer tokens are left than a retry costs, the failure is
/// reported without retrying.
///
/// Sizing. 500 tokens are 100 retries after a throttled or failing answer, 50 after
/// timeouts:
/// - one graph failing on every attempt, at the most `GES_MAX_ATTEMPTS` allows (10),
///   spends at most 9 x 10 = 90 tokens: it gets all its attempts, whatever they fail with;
/// - a batch where a tenth of the graphs is throttled: the others' first attempts never
///   wait for the budget, and each answer refunds; 10 graphs of 100 throttled three
///   times each spend 10 x 3 x 5 = 150 tokens, well within;
/// - 64 graphs at once against a GES that fails every call, 10 attempts each, send at
///   most 64 + 500 / 5 = 164 calls instead of 640.
// Public only for the tests (`test-support` re-exports it); the crate's own otherwise.
#[cfg_attr(not(feature = "test-support"), allow(unreachable_pub))]
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
}

#[cfg_attr(not(feature = "test-support"), allow(unreachable_pub))]
impl RetryBudget {
    /// The tokens a run starts with, and the most it holds.
    pub const CAPACITY: u32 = 500;
    /// What a retry after a throttled or failing answer takes.
    pub const RETRY_COST: u32 = 5;
    /// What a retry after a timeout or a broken connection takes.
    pub const UNANSWERED_COST: u32 = 10;
    /// What a call answered at its first attempt gives back.
    pub const SUCCESS_REFUND: u32 = 1;

    /// A full budget, for one run.
    pub fn new() -> Self {
        Self {
            tokens: AtomicU32::new(Self::CAPACITY),
        }
    }

    /// The tokens left: for tests only.
    #[cfg(any(test, feature = "test-support"))]
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// What a retry after this verdict costs.
    pub fn cost(verdict: Verdict) -> u32 {
        match verdict {
            Verdict::Retry {
                unanswered: true, ..
            } => Self::UNANSWERED_COST,
            _ => Self::RETRY_COST,
        }
    }

    /// Takes `cost` tokens for a retry, or none and `false` when fewer are left.
    pub fn withdraw(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .is_ok()
    }

    /// Gives `amount` tokens back, up to the capacity.
    pub fn refund(&self, amount: u32) {
        // The closure always returns Some: the update cannot fail.
        let _ = self
            .tokens
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                Some(left.saturating_add(amount).min(Self::CAPACITY))
            });
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRY: Verdict = Verdict::Retry {
        retry_after: None,
        unanswered: false,
    };

    #[test]
    fn only_failures_a_retry_can_mend_are_retried() {
        for status in [429, 500, 502, 503, 504] {
            assert!(retryable_status(status), "{status}");
        }
        for status in [200, 202, 400, 401, 403, 404, 409, 501, 505] {
            assert!(!retryable_status(status), "{status}");
        }
    }

    #[test]
    fn backoff_doubles_up_to_its_ceiling_and_jitter_stays_below_it() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff_ceiling(1), Duration::from_millis(200));
        assert_eq!(policy.backoff_ceiling(2), Duration::from_millis(400));
        assert_eq!(policy.backoff_ceiling(5), Duration::from_millis(3200));
        assert_eq!(policy.backoff_ceiling(6), Duration::from_secs(5));
        assert_eq!(policy.backoff_ceiling(u32::MAX), Duration::from_secs(5));
        for retry in 1..10 {
            for _ in 0..100 {
                assert!(policy.jittered_backoff(retry) <= policy.backoff_ceiling(retry));
            }
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        // RFC 9110's example date is 784111777; ten seconds later:
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:47 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:27 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(
            retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
        for junk in ["", "-1", "1.5", "soon", "\u{0}"] {
            assert_eq!(retry_after(junk, now), None, "{junk:?}");
        }
    }

    #[test]
    fn attempts_are_bounded() {
        let policy = RetryPolicy::default();
        let now = Instant::now();
        assert!(matches!(
            policy.next(1, RETRY, now, None),
            Next::RetryAfter(_)
        ));
        assert!(matches!(
            policy.next(2, RETRY, now, None),
            Next::RetryAfter(_)
        ));
        assert_eq!(
            policy.next(3, RETRY, now, None),
            Next::GiveUp(GiveUp::OutOfAttempts)
        );
        assert_eq!(
            policy.next(1, Verdict::Final, now, None),
            Next::GiveUp(GiveUp::Final)
        );
    }

    proptest::proptest! {
        #[test]
        fn no_pause_ends_past_the_deadline_nor_past_the_attempts(
            attempts in 1u32..20,
            max_attempts in 1u32..=MAX_ATTEMPTS_LIMIT,
            retry_after_ms in proptest::option::of(0u64..100_000),
            left_ms in proptest::option::of(0u64..30_000),
            value in ".{0,40}",
        ) {
            let policy = RetryPolicy { max_attempts, ..RetryPolicy::default() };
            let now = Instant::now();
            let deadline = left_ms.map(|ms| now + Duration::from_millis(ms));
            let verdict = Verdict::Retry {
                retry_after: retry_after_ms.map(Duration::from_millis),
                unanswered: false,
            };
            if let Next::RetryAfter(pause) = policy.next(attempts, verdict, now, deadline) {
                proptest::prop_assert!(attempts < max_attempts);
                proptest::prop_assert!(pause <= policy.max_pause.max(policy.max_backoff));
                if let Some(deadline) = deadline {
                    proptest::prop_assert!(now + pause + MIN_ATTEMPT_TIME <= deadline);
                }
                if let Some(asked) = retry_after_ms {
                    proptest::prop_assert!(pause >= Duration::from_millis(asked));
                }
            }
            // Any header value: no panic.
            let _ = retry_after(&value, SystemTime::now());
        }
    }

    #[test]
    fn retry_after_is_honoured_but_not_past_max_pause_or_the_deadline() {
        let policy = RetryPolicy::default();
        let now = Instant::now();
        let asked = |secs| Verdict::Retry {
            retry_after: Some(Duration::from_secs(secs)),
            unanswered: false,
        };
        assert_eq!(
            policy.next(1, asked(3), now, None),
            Next::RetryAfter(Duration::from_secs(3))
        );
        assert_eq!(
            policy.next(1, asked(60), now, None),
            Next::GiveUp(GiveUp::TooLongRetryAfter(Duration::from_secs(60)))
        );
        assert_eq!(
            policy.next(1, asked(3), now, Some(now + Duration::from_secs(3))),
            Next::GiveUp(GiveUp::Deadline)
        );
        assert_eq!(
            policy.next(1, asked(3), now, Some(now + Duration::from_secs(4))),
            Next::RetryAfter(Duration::from_secs(3))
        );
        // Too close to the deadline for even an unpaused attempt.
        assert_eq!(
            policy.next(1, RETRY, now, Some(now + Duration::from_millis(100))),
            Next::GiveUp(GiveUp::Deadline)
        );
    }

    #[test]
    fn the_budget_lets_one_failing_call_make_every_attempt() {
        let budget = RetryBudget::new();
        let unanswered = Verdict::Retry {
            retry_after: None,
            unanswered: true,
        };
        // The most attempts allowed, each retry at the highest cost.
        for _ in 1..MAX_ATTEMPTS_LIMIT {
            assert!(budget.withdraw(RetryBudget::cost(unanswered)));
        }
        assert!(budget.available() >= RetryBudget::CAPACITY / 2);
    }

    #[test]
    fn the_budget_runs_out_and_refunds_refill_it_up_to_its_capacity() {
        let budget = RetryBudget::new();
        let retries = std::iter::repeat_with(|| budget.withdraw(RetryBudget::cost(RETRY)))
            .take_while(|granted| *granted)
            .count();
        assert_eq!(
            retries,
            (RetryBudget::CAPACITY / RetryBudget::RETRY_COST) as usize
        );
        assert_eq!(budget.available(), 0);
        assert!(!budget.withdraw(RetryBudget::RETRY_COST));
        budget.refund(RetryBudget::RETRY_COST);
        assert!(budget.withdraw(RetryBudget::RETRY_COST));
        for _ in 0..1000 {
            budget.refund(RetryBudget::SUCCESS_REFUND);
        }
        assert_eq!(budget.available(), RetryBudget::CAPACITY);
    }

    #[test]
    fn attempts_say_what_a_reader_needs() {
        let mut attempts = Attempts::ONE;
        assert_eq!(attempts.to_string(), "1 attempt");
        attempts.record_sent(true);
        assert_eq!(attempts.sent(), 2);
        assert_eq!(attempts.charged(), 1);
        assert_eq!(
            attempts.to_string(),
            "2 attempts, one a re-send with a fresh IAM token"
        );
        let mut spent = Attempts::sent_times(3);
        spent.record_budget_spent();
        assert!(spent.to_string().starts_with("3 attempts; not tried again"));
        assert!(spent.to_string().contains("retry budget"));
    }
}
