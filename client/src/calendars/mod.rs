//! Calendars read from a URL at run time (a schedule's `{"url": "https://…"}` sources):
//! fetched by the first run that needs one, never at start-up (Lambda gives
//! initialisation 10 seconds), kept for as long as the warm process lives, and fetched
//! again once older than `GES_CALENDAR_REFRESH_HOURS`. Generic over what a document
//! parses into: the iCalendar reader is the schedule's, and this module knows nothing of
//! it.
//!
//! - `address.rs`: [`CalendarUrl`], a document's `"url"` checked once (https, or http to
//!   loopback for tests; no user info; bounded) and shown without its query or anything
//!   that may be a token.
//! - `fetch.rs`: one fetch through the one HTTP client (`crate::transport`): redirects
//!   followed by hand, at most [`MAX_REDIRECTS`], each hop checked before it is sent;
//!   retried as every call; at most [`MAX_CALENDAR_BYTES`]; UTF-8.
//! - `cache.rs`: [`CalendarFetcher`], the last good copy of each URL and when a URL is
//!   fetched again; a failed fetch waits [`RETRY_AFTER_FAILURE`] (5 minutes) before
//!   the next try, the last good copy serving meanwhile ([`Fetched::Stale`]), or none
//!   ([`Fetched::Unavailable`]).
//! - `error.rs`: [`FetchError`], why a calendar could not be had, and what to do.

mod address;
mod cache;
mod error;
mod fetch;

pub use address::{CalendarUrl, CalendarUrlError, MAX_URL_CHARS};
pub use cache::{
    CalendarFetcher, CalendarRefresh, Fetched, MAX_CALENDAR_URLS, RETRY_AFTER_FAILURE,
};
pub use error::{FetchError, PARSE_ERROR_CHARS};
pub use fetch::{MAX_CALENDAR_BYTES, MAX_REDIRECTS};
