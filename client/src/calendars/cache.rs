//! The calendars a warm process has read: for each URL, the last good copy (parsed)
//! and when it was fetched, and the last failure; what a run gets for a URL, fetched
//! again or not.

use std::fmt::Display;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

use super::address::CalendarUrl;
use super::error::{FetchError, PARSE_ERROR_CHARS};
use super::fetch::fetch;
use crate::transport::Transport;

/// The most calendar URLs one process keeps.
pub const MAX_CALENDAR_URLS: usize = 64;
/// How long after a failed fetch a URL is not tried again: a host that is down must not
/// cost every run (every few minutes) its retries and its deadline.
pub const RETRY_AFTER_FAILURE: SignedDuration = SignedDuration::from_secs(5 * 60);

/// How long a good copy serves before it is fetched again
/// (`GES_CALENDAR_REFRESH_HOURS`): whole hours, 1 to [`CalendarRefresh::MAX_HOURS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CalendarRefresh(u16);

impl CalendarRefresh {
    /// Unless configured: a day. Holiday calendars change a few times a year.
    pub const DEFAULT_HOURS: u16 = 24;
    /// The longest: 30 days.
    pub const MAX_HOURS: u16 = 720;

    /// `hours`, if it is 1 to [`Self::MAX_HOURS`].
    pub fn from_hours(hours: u16) -> Option<Self> {
        (1..=Self::MAX_HOURS)
            .contains(&hours)
            .then_some(Self(hours))
    }

    /// The period in hours.
    pub fn hours(self) -> u16 {
        self.0
    }

    fn period(self) -> SignedDuration {
        SignedDuration::from_hours(i64::from(self.0))
    }
}

impl Default for CalendarRefresh {
    fn default() -> Self {
        Self(Self::DEFAULT_HOURS)
    }
}

/// What a run gets for a calendar URL.
#[derive(Debug)]
pub enum Fetched<T> {
    /// A copy fetched within the refresh period (just now, or by an earlier run).
    Fresh(Arc<T>),
    /// The refresh failed (now, or less than [`RETRY_AFTER_FAILURE`] ago): the last
    /// good copy serves.
    Stale {
        /// The last good copy.
        copy: Arc<T>,
        /// When it was fetched.
        fetched_at: Timestamp,
        /// Why the refresh failed.
        error: FetchError,
    },
    /// No good copy: the calendar has never been had since the process started.
    Unavailable(FetchError),
}

/// The calendars of one warm process (a Lambda or FunctionGraph function's, held in
/// its handler's state; the command line's, for one command), parsed into `T`: at most
/// [`MAX_CALENDAR_URLS`] URLs, each with its last good copy. A copy lives as long as
/// the process: a cold start fetches again.
///
/// - A URL is fetched by the first run that asks for it (never at start-up), and again
///   by the first run that asks for it once its copy is older than the
///   [`CalendarRefresh`] period.
/// - A fetch that fails, or a document that does not parse, leaves the last good copy
///   in place: [`Fetched::Stale`] serves it with the failure; with no good copy,
///   [`Fetched::Unavailable`]. Either way the URL is not tried again for
///   [`RETRY_AFTER_FAILURE`] (5 minutes): the runs in between get the same answer at
///   once.
/// - Two runs at once never fetch one URL twice: the second waits for the first's
///   fetch (never past its own deadline) and takes its result.
pub struct CalendarFetcher<T> {
    refresh: CalendarRefresh,
    entries: Mutex<Vec<(CalendarUrl, Arc<Entry<T>>)>>,
}

impl<T> std::fmt::Debug for CalendarFetcher<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CalendarFetcher")
            .field("refresh_hours", &self.refresh.hours())
            .field("urls", &lock(&self.entries).len())
            .finish()
    }
}

/// One URL's copy and failure, and the lock its fetch holds.
struct Entry<T> {
    fetching: tokio::sync::Mutex<()>,
    state: Mutex<State<T>>,
}

struct State<T> {
    good: Option<(Arc<T>, Timestamp)>,
    failed: Option<(Timestamp, FetchError)>,
}

impl<T> State<T> {
    /// The answer without a fetch, if there is one: a copy within the refresh period,
    /// or the last failure within [`RETRY_AFTER_FAILURE`]. Ages are taken either way
    /// (`now` before a copy's time by more than the period is as stale as after it),
    /// so that a clock set back does not keep a copy, nor a failure, forever.
    fn settled(&self, now: Timestamp, refresh: CalendarRefresh) -> Option<Fetched<T>> {
        let within = |at: Timestamp, period: SignedDuration| now.duration_since(at).abs() < period;
        if let Some((copy, _)) = self
            .good
            .as_ref()
            .filter(|(_, fetched_at)| within(*fetched_at, refresh.period()))
        {
            return Some(Fetched::Fresh(Arc::clone(copy)));
        }
        match &self.failed {
            Some((at, error)) if within(*at, RETRY_AFTER_FAILURE) => {
                Some(self.failure(error.clone()))
            }
            _ => None,
        }
    }

    /// The answer when the calendar could not be had: the last good copy, else none.
    fn failure(&self, error: FetchError) -> Fetched<T> {
        match &self.good {
            Some((copy, fetched_at)) => Fetched::Stale {
                copy: Arc::clone(copy),
                fetched_at: *fetched_at,
                error,
            },
            None => Fetched::Unavailable(error),
        }
    }
}

impl<T> CalendarFetcher<T> {
    /// An empty cache whose copies serve for `refresh`.
    pub fn new(refresh: CalendarRefresh) -> Self {
        Self {
            refresh,
            entries: Mutex::new(Vec::new()),
        }
    }

    /// The calendar at `url`, parsed by `parse`: the copy this process holds if it is
    /// within the refresh period, else fetched now through `transport` (its client and
    /// retry policy; never past `deadline`); see [`CalendarFetcher`]. `now` is the wall
    /// clock (not the instant a run is evaluated at), which copies are dated by.
    pub async fn get<E: Display>(
        &self,
        transport: &Transport,
        url: &CalendarUrl,
        deadline: Option<Instant>,
        now: Timestamp,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Fetched<T> {
        let answer = match self.entry(url) {
            Ok(entry) => {
                self.answer(&entry, transport, url, deadline, now, parse)
                    .await
            }
            Err(error) => Fetched::Unavailable(error),
        };
        match &answer {
            Fetched::Fresh(_) => {}
            Fetched::Stale {
                fetched_at, error, ..
            } => tracing::warn!(
                calendar = %url,
                %fetched_at,
                %error,
                "calendar not refreshed; its last good copy serves"
            ),
            Fetched::Unavailable(error) => tracing::warn!(
                calendar = %url,
                %error,
                "calendar unavailable: no good copy"
            ),
        }
        answer
    }

    async fn answer<E: Display>(
        &self,
        entry: &Entry<T>,
        transport: &Transport,
        url: &CalendarUrl,
        deadline: Option<Instant>,
        now: Timestamp,
        parse: impl Fn(&str) -> Result<T, E>,
    ) -> Fetched<T> {
        if let Some(settled) = lock(&entry.state).settled(now, self.refresh) {
            return settled;
        }
        let fetching = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, entry.fetching.lock()).await,
            None => Ok(entry.fetching.lock().await),
        };
        let Ok(_fetching) = fetching else {
            let error = FetchError::Deadline {
                url: url.clone(),
                attempts: 0,
            };
            return lock(&entry.state).failure(error);
        };
        // Another run may have fetched it while this one waited.
        if let Some(settled) = lock(&entry.state).settled(now, self.refresh) {
            return settled;
        }
        let parsed = fetch(transport, url, deadline).await.and_then(|document| {
            parse(&document.text).map_err(|error| FetchError::Unparsable {
                url: url.clone(),
                why: error.to_string().chars().take(PARSE_ERROR_CHARS).collect(),
            })
        });
        let mut state = lock(&entry.state);
        match parsed {
            Ok(parsed) => {
                let copy = Arc::new(parsed);
                state.good = Some((Arc::clone(&copy), now));
                state.failed = None;
                Fetched::Fresh(copy)
            }
            Err(error) => {
                state.failed = Some((now, error.clone()));
                state.failure(error)
            }
        }
    }

    /// The entry of `url`, made if it is new and there is room.
    fn entry(&self, url: &CalendarUrl) -> Result<Arc<Entry<T>>, FetchError> {
        let mut entries = lock(&self.entries);
        if let Some((_, entry)) = entries.iter().find(|(known, _)| known == url) {
            return Ok(Arc::clone(entry));
        }
        if entries.len() >= MAX_CALENDAR_URLS {
            return Err(FetchError::TooManyCalendars {
                url: url.clone(),
                max: MAX_CALENDAR_URLS,
            });
        }
        let entry = Arc::new(Entry {
            fetching: tokio::sync::Mutex::new(()),
            state: Mutex::new(State {
                good: None,
                failed: None,
            }),
        });
        entries.push((url.clone(), Arc::clone(&entry)));
        Ok(entry)
    }
}

/// No code that holds one of these locks panics or awaits, so a poisoned lock still
/// holds consistent data.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + seconds).unwrap()
    }

    fn failure() -> FetchError {
        FetchError::Status {
            url: "https://example.com/x.ics".parse().unwrap(),
            status: 503,
            attempts: 3,
        }
    }

    const HOUR: i64 = 3600;

    #[test]
    fn a_copy_serves_within_the_period_either_way_of_the_clock() {
        let refresh = CalendarRefresh::from_hours(24).unwrap();
        let state = State {
            good: Some((Arc::new(1), at(0))),
            failed: None,
        };
        for now in [0, 23 * HOUR, 24 * HOUR - 1, -(23 * HOUR)] {
            assert!(
                matches!(state.settled(at(now), refresh), Some(Fetched::Fresh(_))),
                "{now}"
            );
        }
        for now in [24 * HOUR, 100 * HOUR, -(24 * HOUR)] {
            assert!(state.settled(at(now), refresh).is_none(), "{now}");
        }
    }

    #[test]
    fn a_failure_answers_for_five_minutes_then_is_tried_again() {
        let refresh = CalendarRefresh::default();
        let none = State::<u8> {
            good: None,
            failed: Some((at(0), failure())),
        };
        assert!(matches!(
            none.settled(at(299), refresh),
            Some(Fetched::Unavailable(_))
        ));
        assert!(none.settled(at(300), refresh).is_none());
        let stale = State {
            good: Some((Arc::new(1), at(-25 * HOUR))),
            failed: Some((at(0), failure())),
        };
        let Some(Fetched::Stale { fetched_at, .. }) = stale.settled(at(60), refresh) else {
            panic!("a stale copy serves while the failure is recent");
        };
        assert_eq!(fetched_at, at(-25 * HOUR));
        assert!(stale.settled(at(301), refresh).is_none());
    }

    /// The front doors' handlers run a fetch inside futures they spawn.
    #[test]
    fn a_fetch_can_be_spawned() {
        fn spawnable<F: Future + Send + 'static>(_: F) {}
        let fetcher = Arc::new(CalendarFetcher::<String>::new(CalendarRefresh::default()));
        let transport = Transport::new(
            crate::transport::Timeouts::default(),
            crate::transport::retry::RetryPolicy::default(),
            &crate::transport::Trust::compiled_in(),
        )
        .unwrap();
        let url: CalendarUrl = "https://example.com/x.ics".parse().unwrap();
        spawnable(async move {
            let parse = |text: &str| Ok::<_, String>(text.to_owned());
            fetcher.get(&transport, &url, None, at(0), parse).await
        });
    }

    #[test]
    fn the_refresh_period_is_bounded() {
        assert_eq!(CalendarRefresh::default().hours(), 24);
        assert!(CalendarRefresh::from_hours(0).is_none());
        assert!(CalendarRefresh::from_hours(721).is_none());
        assert_eq!(CalendarRefresh::from_hours(720).unwrap().hours(), 720);
    }
}
