//! A reconcile's calendars: each document schedule that lists calendars, with the days
//! they give merged in for the run's instant. URL calendars come through the runner's
//! cache ([`CalendarFetcher`]), each address once per run and all at once, within the
//! run's deadline; a file's was read with the document. Expanding a large calendar takes
//! a while (a 1 MiB one, a tenth of a second): a warm runner keeps each schedule's
//! merge ([`Merges`]) until the run's local date or a calendar's copy changes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use jiff::civil::Date;

use futures_util::future::join_all;
use jiff::Timestamp;
use tokio::time::Instant;

use crate::calendars::{CalendarFetcher, CalendarUrl, Fetched};
use crate::schedule::calendar::Calendar;
use crate::schedule::{Schedules, WithCalendars};
use crate::transport::Transport;

/// Each schedule's last merge, by schedule name.
#[derive(Debug, Default)]
pub struct Merges(Mutex<BTreeMap<String, Merge>>);

/// A schedule's merge: for which local date, from which copies of its calendars (their
/// addresses in memory: a new copy is a new address), and what it gave.
#[derive(Debug)]
struct Merge {
    day: Date,
    copies: Vec<usize>,
    merged: Arc<WithCalendars>,
}

/// The document's schedules that list calendars, by name, with their days for `at`,
/// from `merges` where the same copies gave them for the same date. `now` is the wall
/// clock that dates the cached copies.
pub async fn merged(
    schedules: &Schedules,
    fetcher: &CalendarFetcher<Calendar>,
    merges: &Merges,
    transport: &Transport,
    deadline: Option<Instant>,
    now: Timestamp,
    at: Timestamp,
) -> BTreeMap<String, Arc<WithCalendars>> {
    let mut urls: Vec<&CalendarUrl> = schedules
        .iter()
        .flat_map(|(_, schedule)| schedule.calendars())
        .filter_map(|source| source.url())
        .collect();
    urls.sort_by_key(|url| url.to_string());
    urls.dedup();
    let fetched = join_all(urls.iter().map(|url| async move {
        let answer = fetcher
            .get(transport, url, deadline, now, Calendar::parse)
            .await;
        (*url, answer)
    }))
    .await;
    let fetched: HashMap<&CalendarUrl, Fetched<Calendar>> = fetched.into_iter().collect();
    let copy = |url: &CalendarUrl| -> Result<Arc<Calendar>, String> {
        match fetched.get(url) {
            Some(Fetched::Fresh(calendar) | Fetched::Stale { copy: calendar, .. }) => {
                Ok(calendar.clone())
            }
            Some(Fetched::Unavailable(error)) => Err(error.to_string()),
            None => Err("not fetched".to_owned()),
        }
    };
    let mut merged = BTreeMap::new();
    let mut kept = merges.0.lock().unwrap_or_else(PoisonError::into_inner);
    for (name, schedule) in schedules.iter() {
        if schedule.calendars().is_empty() {
            continue;
        }
        let sources = schedule.calendars();
        let today = schedule.calendar_range(at).0;
        let versions: Vec<usize> = sources
            .iter()
            .map(|source| match source.url() {
                Some(url) => copy(url).map_or(0, |calendar| Arc::as_ptr(&calendar) as usize),
                None => 0,
            })
            .collect();
        if let Some(merge) = kept.get(name)
            && merge.day == today
            && merge.copies == versions
        {
            merged.insert(name.to_owned(), merge.merged.clone());
            continue;
        }
        let with = schedule.with_calendars(at, |index| match sources[index].url() {
            Some(url) => copy(url),
            None => Err("no address".to_owned()),
        });
        for warning in &with.warnings {
            tracing::warn!(schedule = name, "calendars disagree: {warning}");
        }
        for unavailable in &with.unavailable {
            tracing::warn!(
                schedule = name,
                calendar = %unavailable.calendar,
                reason = %unavailable.reason,
                "calendar unavailable: the schedule starts no graph until it can be read"
            );
        }
        let with = Arc::new(with);
        kept.insert(
            name.to_owned(),
            Merge {
                day: today,
                copies: versions,
                merged: with.clone(),
            },
        );
        merged.insert(name.to_owned(), with);
    }
    merged
}
