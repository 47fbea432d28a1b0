//! Why a calendar could not be had: one error for the whole fetch, from the request to
//! the parse, which says what failed and what to do. It names the calendar as
//! [`CalendarUrl`] shows it (no query, no token), never repeats the answer's body, and
//! keeps of a parse error only its first [`PARSE_ERROR_CHARS`] characters.

use super::address::CalendarUrl;

/// How much of a parse error's text is kept (it names the line, and may quote it).
pub const PARSE_ERROR_CHARS: usize = 300;

/// Why a calendar could not be fetched, or read once fetched. Cheap to clone: the
/// cache keeps the last one to answer with until the next attempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The host answered, for good, with a status that is not `200` (or, after the
    /// retries, still with `429` or a `5xx`).
    #[error(
        "the calendar at {url} answered {status} ({attempts}): {advice}",
        attempts = attempts_text(*attempts),
        advice = status_advice(*status)
    )]
    Status {
        /// The calendar.
        url: CalendarUrl,
        /// The status code of the last answer.
        status: u16,
        /// Requests sent.
        attempts: u32,
    },
    /// A redirect that is not followed: to a URL that is not `https` (or loopback
    /// `http`, when the calendar's own URL was one), without a usable `Location`, or
    /// one too many. Nothing was sent to where it leads.
    #[error("the calendar at {url} redirects, and the redirect is refused: {why}")]
    Redirect {
        /// The calendar.
        url: CalendarUrl,
        /// Why, with what to do.
        why: String,
    },
    /// No answer: the host could not be reached, the connection broke, or the answer
    /// did not come within the request timeout.
    #[error(
        "the calendar at {url} could not be read ({why}; {attempts}): check its host \
         name, and that the function may reach it over HTTPS (README, \"Run in a VPC\": \
         through a NAT gateway, or a proxy in HTTPS_PROXY)",
        attempts = attempts_text(*attempts)
    )]
    Unreachable {
        /// The calendar.
        url: CalendarUrl,
        /// What the HTTP client said, without the URL.
        why: String,
        /// Requests sent.
        attempts: u32,
    },
    /// The run's deadline came first.
    #[error(
        "the run's deadline came before the calendar at {url} was read ({attempts}): \
         the host is slow; the next run tries again",
        attempts = attempts_text(*attempts)
    )]
    Deadline {
        /// The calendar.
        url: CalendarUrl,
        /// Requests sent.
        attempts: u32,
    },
    /// The document is larger than [`super::MAX_CALENDAR_BYTES`].
    #[error(
        "the calendar at {url} is larger than {limit} bytes, the most ges-stop reads: \
         use a calendar that covers fewer years, or split it in two"
    )]
    TooLarge {
        /// The calendar.
        url: CalendarUrl,
        /// The cap.
        limit: usize,
    },
    /// The document is not UTF-8 text.
    #[error(
        "the calendar at {url} is not UTF-8 text (byte {offset} is not): iCalendar \
         documents are UTF-8 (RFC 5545, 3.1.4); check that the URL gives the .ics file \
         itself"
    )]
    NotUtf8 {
        /// The calendar.
        url: CalendarUrl,
        /// Where the first byte that is not UTF-8 is.
        offset: usize,
    },
    /// The document was read, and does not parse.
    #[error("the calendar at {url} cannot be read: {why}")]
    Unparsable {
        /// The calendar.
        url: CalendarUrl,
        /// The parse error's text, cut to [`PARSE_ERROR_CHARS`] characters.
        why: String,
    },
    /// More calendar URLs than the cache keeps.
    #[error(
        "the calendar at {url} is one URL more than the {max} ges-stop keeps: name at \
         most {max} calendar URLs in the schedules document"
    )]
    TooManyCalendars {
        /// The calendar.
        url: CalendarUrl,
        /// The bound.
        max: usize,
    },
}

impl FetchError {
    /// The calendar this error is about.
    pub fn url(&self) -> &CalendarUrl {
        match self {
            Self::Status { url, .. }
            | Self::Redirect { url, .. }
            | Self::Unreachable { url, .. }
            | Self::Deadline { url, .. }
            | Self::TooLarge { url, .. }
            | Self::NotUtf8 { url, .. }
            | Self::Unparsable { url, .. }
            | Self::TooManyCalendars { url, .. } => url,
        }
    }
}

fn attempts_text(attempts: u32) -> String {
    match attempts {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

/// What to do about an answer's status.
fn status_advice(status: u16) -> &'static str {
    match status {
        404 | 410 => "check the URL: the calendar is not there",
        401 | 403 => {
            "check the URL: the host refuses it (a private address stops working when \
             its owner resets it: copy the new one)"
        }
        429 | 500..=599 => "the host is failing or busy; the next run tries again",
        _ => "check the URL: ges-stop reads a calendar only from a 200 answer",
    }
}
