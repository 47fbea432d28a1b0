//! A cache of credentials that expire (IAM tokens, temporary AK/SK): each is fetched
//! when first needed, handed out until shortly before it expires, then fetched again.
//!
//! The cache is a map behind a plain mutex held only to read or write it, never across
//! a fetch: a cached value is handed out without waiting for anything. Each key has its
//! own slot with an async lock that its fetch holds, so one fetch is in flight per key:
//! the callers that need that key wait for it and share its value, while the callers of
//! every other key go on (as smithy-rs's identity cache does). A value the service
//! refused anyway is dropped by its serial ([`Refresher::invalidate`]), so that the next
//! caller fetches a new one; a fetch can also say "ask nobody again for a while" (a
//! value that arrived already expired: asking on every call would only load the service).
//! A leaf module: it knows nothing of what it caches.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// A value is refreshed once less than this is left, or less than a tenth of the life
/// it had when it arrived, whichever is shorter (so a 24-hour token is refreshed ten
/// minutes before it expires, and a 1-minute one six seconds before).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(10 * 60);

/// When a value that lived `lifetime` as it arrived is due for refresh, from its
/// arrival.
pub(crate) fn refresh_after(lifetime: Duration) -> Duration {
    lifetime.saturating_sub(REFRESH_MARGIN.min(lifetime / 10))
}

/// A fresh value and how long it has left to live.
#[derive(Debug)]
pub(crate) struct Fresh<T> {
    /// The value.
    pub value: T,
    /// Its life left, as of when it arrived.
    pub lifetime: Duration,
}

/// Why a fetch gave no value.
#[derive(Debug)]
pub(crate) enum FetchError<E, R> {
    /// It failed; the next caller tries again.
    Failed(E),
    /// It failed in a way that asking again soon would not mend: every caller of this
    /// key gets `refusal` at once for `backoff`.
    Refused {
        /// What the callers are told.
        refusal: R,
        /// How long.
        backoff: Duration,
    },
}

/// The values, by key; clones of the owner share one.
pub(crate) struct Refresher<K, T, R> {
    /// Locked only to read or change the map and its slots' states, never across an
    /// await.
    slots: Mutex<HashMap<K, Slot<T, R>>>,
    serials: AtomicU64,
}

struct Slot<T, R> {
    state: State<T, R>,
    /// Held by the one fetch in flight for this key.
    fetch: Arc<tokio::sync::Mutex<()>>,
}

enum State<T, R> {
    /// No value yet, or the last one was dropped.
    Empty,
    /// A value, good until `refresh_at`.
    Cached {
        value: T,
        serial: u64,
        refresh_at: Instant,
    },
    /// Refused without asking until `until`.
    Refused { until: Instant, refusal: R },
}

/// What the cache says for one key, as of now.
enum Lookup<T, R> {
    Hit(T, u64),
    Refused(R),
    /// Fetch one, holding this key's fetch lock.
    Miss(Arc<tokio::sync::Mutex<()>>),
}

/// Why [`Refresher::get`] gave no value.
#[derive(Debug)]
pub(crate) enum GetError<E, R> {
    /// The fetch failed.
    Failed(E),
    /// The key is refused for a while (see [`FetchError::Refused`]).
    Refused(R),
    /// The deadline came while another caller's fetch for the key was under way.
    Deadline,
}

/// Shows how many values were fetched, never a value.
impl<K, T, R> std::fmt::Debug for Refresher<K, T, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Refresher")
            .field("obtained", &self.serials.load(Ordering::SeqCst))
            .finish_non_exhaustive()
    }
}

impl<K, T, R> Default for Refresher<K, T, R> {
    fn default() -> Self {
        Self {
            slots: Mutex::new(HashMap::new()),
            serials: AtomicU64::new(0),
        }
    }
}

impl<K: Eq + Hash + Clone, T: Clone, R: Clone> Refresher<K, T, R> {
    /// How many values were fetched so far.
    pub(crate) fn obtained(&self) -> u64 {
        self.serials.load(Ordering::SeqCst)
    }

    fn slots(&self) -> MutexGuard<'_, HashMap<K, Slot<T, R>>> {
        // A panic while the map was held cannot leave it half-written: each change is
        // one insert or assignment.
        self.slots.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn lookup(&self, key: &K) -> Lookup<T, R> {
        let mut slots = self.slots();
        let slot = slots.entry(key.clone()).or_insert_with(|| Slot {
            state: State::Empty,
            fetch: Arc::default(),
        });
        let now = Instant::now();
        match &slot.state {
            State::Cached {
                value,
                serial,
                refresh_at,
            } if now < *refresh_at => Lookup::Hit(value.clone(), *serial),
            State::Refused { until, refusal } if now < *until => Lookup::Refused(refusal.clone()),
            _ => Lookup::Miss(slot.fetch.clone()),
        }
    }

    fn set(&self, key: &K, state: State<T, R>) {
        if let Some(slot) = self.slots().get_mut(key) {
            slot.state = state;
        }
    }

    /// The cached value for `key` and its serial, or one `fetch` makes when there is
    /// none or it is due for refresh. Callers that arrive while a fetch for the same key
    /// is under way wait for it (never past `deadline`) and share its value.
    pub(crate) async fn get<E, F: Future<Output = Result<Fresh<T>, FetchError<E, R>>>>(
        &self,
        key: K,
        deadline: Option<Instant>,
        fetch: impl FnOnce() -> F,
    ) -> Result<(T, u64), GetError<E, R>> {
        let lock = match self.lookup(&key) {
            Lookup::Hit(value, serial) => return Ok((value, serial)),
            Lookup::Refused(refusal) => return Err(GetError::Refused(refusal)),
            Lookup::Miss(lock) => lock,
        };
        let _fetching = match deadline {
            Some(deadline) => tokio::time::timeout_at(deadline, lock.lock())
                .await
                .map_err(|_| GetError::Deadline)?,
            None => lock.lock().await,
        };
        // The fetch this one waited for may have filled the slot.
        match self.lookup(&key) {
            Lookup::Hit(value, serial) => return Ok((value, serial)),
            Lookup::Refused(refusal) => return Err(GetError::Refused(refusal)),
            Lookup::Miss(_) => {}
        }
        let fresh = match fetch().await {
            Ok(fresh) => fresh,
            Err(FetchError::Failed(error)) => return Err(GetError::Failed(error)),
            Err(FetchError::Refused { refusal, backoff }) => {
                self.set(
                    &key,
                    State::Refused {
                        until: Instant::now() + backoff,
                        refusal: refusal.clone(),
                    },
                );
                return Err(GetError::Refused(refusal));
            }
        };
        let serial = self.serials.fetch_add(1, Ordering::SeqCst) + 1;
        self.set(
            &key,
            State::Cached {
                value: fresh.value.clone(),
                serial,
                refresh_at: Instant::now() + refresh_after(fresh.lifetime),
            },
        );
        Ok((fresh.value, serial))
    }

    /// Drops the cached value with this serial, if it is still cached: the service
    /// refused it, so the next caller fetches a new one. Says whether one was dropped.
    pub(crate) fn invalidate(&self, serial: u64) -> bool {
        let mut dropped = false;
        for slot in self.slots().values_mut() {
            if matches!(&slot.state, State::Cached { serial: cached, .. } if *cached == serial) {
                slot.state = State::Empty;
                dropped = true;
            }
        }
        dropped
    }
}
