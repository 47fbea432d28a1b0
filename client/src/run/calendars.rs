//! A reconcile's calendars: each document schedule that lists calendars, with the days
//! they give merged in for the run's instant. URL calendars come through the runner's
//! cache ([`CalendarFetcher`]), each address once per run and all at once, within the
//! run's deadline; a file's was read with the document.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use futures_util::future::join_all;
use jiff::Timestamp;
use tokio::time::Instant;

use crate::calendars::{CalendarFetcher, CalendarUrl, Fetched};
use crate::schedule::calendar::Calendar;
use crate::schedule::{Schedules, WithCalendars};
use crate::transport::Transport;

/// The document's schedules that list calendars, by name, with their days for `at`.
/// `now` is the wall clock that dates the cached copies.
pub async fn merged(
    schedules: &Schedules,
    fetcher: &CalendarFetcher<Calendar>,
    transport: &Transport,
    deadline: Option<Instant>,
    now: Timestamp,
    at: Timestamp,
) -> BTreeMap<String, WithCalendars> {
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
    for (name, schedule) in schedules.iter() {
        if schedule.calendars().is_empty() {
            continue;
        }
        let sources = schedule.calendars();
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
        merged.insert(name.to_owned(), with);
    }
    merged
}
