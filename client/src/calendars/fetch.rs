//! One fetch of one calendar: a `GET` through the one HTTP client, its redirects
//! followed by hand and checked hop by hop, retried as every call is
//! (`transport/retry.rs`: a connection that failed, `429` with its `Retry-After`,
//! `500`, `502`, `503`, `504`; never past the run's deadline), the body read within
//! [`MAX_CALENDAR_BYTES`] and decoded as UTF-8. Not generic, so that it is compiled
//! once whatever a calendar parses into.

use std::time::SystemTime;

use bytes::Bytes;
use http::HeaderMap;
use http::header::{ACCEPT, LOCATION};
use tokio::time::Instant;

use super::address::{CalendarUrl, CalendarUrlError, Shown};
use super::error::FetchError;
use crate::transport::retry::{self, Verdict};
use crate::transport::{ReadError, Transport, quiet, read_capped};

/// The largest calendar read, in bytes: the reader's own bound, so that a document
/// fetched is never one the reader would refuse for its size.
pub use crate::schedule::calendar::MAX_CALENDAR_BYTES;
/// The most redirects followed from a calendar's URL to its document.
pub const MAX_REDIRECTS: usize = 5;

/// The statuses that send the client elsewhere with a `Location` (RFC 9110, 15.4);
/// `300` and `304` say something else, and are answers like any other.
const REDIRECT_STATUSES: [u16; 5] = [301, 302, 303, 307, 308];
/// How much of the HTTP client's account of a failure an error keeps.
const WHY_CHARS: usize = 240;

/// A calendar's text, as fetched.
#[derive(Debug)]
pub(crate) struct Document {
    /// The text, a byte-order mark dropped.
    pub(crate) text: String,
}

/// What one attempt came to: the final answer after the redirects.
struct Answer {
    status: u16,
    headers: HeaderMap,
    /// The body, read for a `200` only.
    body: Option<Bytes>,
    attempt: u32,
    redirects: usize,
}

/// Fetches `url`'s document as text, retrying as every call does, never past `deadline`.
pub(crate) async fn fetch(
    transport: &Transport,
    url: &CalendarUrl,
    deadline: Option<Instant>,
) -> Result<Document, FetchError> {
    let answer = retry::drive(
        transport.retry(),
        "calendar",
        deadline,
        |attempt| follow(transport.http(), url, attempt),
        |sent| match sent {
            Ok(answer) => {
                retry::verdict_on_answer(answer.status, &answer.headers, SystemTime::now())
            }
            Err(FetchError::Unreachable { .. }) => Verdict::Retry {
                retry_after: None,
                unanswered: true,
            },
            Err(_) => Verdict::Final,
        },
        |attempts| FetchError::Deadline {
            url: url.clone(),
            attempts,
        },
        |answer| format!("HTTP {}", answer.status),
    )
    .await?;
    let (status, attempts) = (answer.status, answer.attempt);
    let Some(body) = answer.body.filter(|_| status == 200) else {
        return Err(FetchError::Status {
            url: url.clone(),
            status,
            attempts,
        });
    };
    let text = std::str::from_utf8(&body).map_err(|error| FetchError::NotUtf8 {
        url: url.clone(),
        offset: error.valid_up_to(),
    })?;
    tracing::info!(
        calendar = %url,
        status,
        bytes = body.len(),
        redirects = answer.redirects,
        attempts,
        "calendar fetched"
    );
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Ok(Document {
        text: text.to_owned(),
    })
}

/// One attempt: `GET` the calendar, following at most [`MAX_REDIRECTS`] redirects,
/// each checked before anything is sent to it; the body of a `200` is read within the
/// cap. Any other answer is returned unread, for the retry policy to judge.
async fn follow(
    http: &reqwest::Client,
    first: &CalendarUrl,
    attempt: u32,
) -> Result<Answer, FetchError> {
    let mut current = first.clone();
    let mut redirects = 0;
    loop {
        let response = http
            .get(current.url().clone())
            .header(ACCEPT, "text/calendar, text/plain;q=0.5, */*;q=0.1")
            .send()
            .await
            .map_err(|error| unreachable(first, error, attempt))?;
        let status = response.status().as_u16();
        if REDIRECT_STATUSES.contains(&status) {
            if redirects == MAX_REDIRECTS {
                return Err(refused(
                    first,
                    format!(
                        "it redirects more than {MAX_REDIRECTS} times: give the URL it \
                         finally leads to"
                    ),
                ));
            }
            current = next_hop(first, &current, response.headers())?;
            redirects += 1;
            continue;
        }
        let headers = response.headers().clone();
        let body = match status {
            200 => Some(read_capped(response, MAX_CALENDAR_BYTES).await.map_err(
                |error| match error {
                    ReadError::TooLarge { limit } => FetchError::TooLarge {
                        url: first.clone(),
                        limit,
                    },
                    ReadError::Transport(error) => unreachable(first, error, attempt),
                },
            )?),
            _ => None,
        };
        return Ok(Answer {
            status,
            headers,
            body,
            attempt,
            redirects,
        });
    }
}

/// Where a redirect from `current` leads, if it may be followed: its `Location`,
/// resolved against `current`, must be a calendar URL (no user info, bounded), and
/// `https`, or `http` to a loopback host when the calendar's own URL was one. Refused
/// before anything is sent there.
fn next_hop(
    first: &CalendarUrl,
    current: &CalendarUrl,
    headers: &HeaderMap,
) -> Result<CalendarUrl, FetchError> {
    let Some(location) = headers.get(LOCATION).and_then(|value| value.to_str().ok()) else {
        return Err(refused(
            first,
            "the answer has no Location header ges-stop can read: give the URL the calendar \
             moved to"
                .to_owned(),
        ));
    };
    let target = current.url().join(location).map_err(|error| {
        refused(
            first,
            format!("its Location is not a URL ({error}): give the URL the calendar moved to"),
        )
    })?;
    let shown = Shown(&target).to_string();
    CalendarUrl::checked(target, first.is_loopback_http()).map_err(|error| {
        let why = match error {
            CalendarUrlError::PlainHttp { .. } if first.is_loopback_http() => format!(
                "it leads to {shown}, plain http:// to a host that is not this machine: only \
                 https:// is followed"
            ),
            CalendarUrlError::PlainHttp { .. } => format!(
                "it leads to {shown}, plain http://: a calendar read over https:// is \
                 followed to https:// only"
            ),
            CalendarUrlError::Scheme { scheme } => {
                format!("it leads to a {scheme}:// URL: only https:// is followed")
            }
            CalendarUrlError::UserInfo { .. } => {
                format!("it leads to {shown}, with a user name or password: not followed")
            }
            other => format!("it leads to a URL that cannot be used: {other}"),
        };
        refused(first, why)
    })
}

fn refused(url: &CalendarUrl, why: String) -> FetchError {
    FetchError::Redirect {
        url: url.clone(),
        why,
    }
}

/// A failure with no answer, told as the HTTP client tells it (without the URL it
/// names, [`quiet`]), with its causes, bounded.
fn unreachable(url: &CalendarUrl, error: reqwest::Error, attempt: u32) -> FetchError {
    let error = quiet(error);
    let mut why = error.to_string();
    let mut source = std::error::Error::source(&error);
    // Bounded: a cause chain is a few links long, and the text is cut below anyway.
    while let Some(cause) = source {
        why.push_str(": ");
        why.push_str(&cause.to_string());
        source = cause.source();
        if why.len() > WHY_CHARS {
            break;
        }
    }
    FetchError::Unreachable {
        url: url.clone(),
        why: why.chars().take(WHY_CHARS).collect(),
        attempts: attempt,
    }
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;

    use super::*;

    fn hop(first: &str, current: &str, location: Option<&str>) -> Result<String, String> {
        let first: CalendarUrl = first.parse().unwrap();
        let current: CalendarUrl = current.parse().unwrap();
        let mut headers = HeaderMap::new();
        if let Some(location) = location {
            headers.insert(LOCATION, HeaderValue::from_str(location).unwrap());
        }
        next_hop(&first, &current, &headers)
            .map(|url| url.url().to_string())
            .map_err(|error| error.to_string())
    }

    #[test]
    fn https_hops_are_followed_and_relative_locations_resolved() {
        let https = "https://a.example.com/cal/x.ics?token=SECRET";
        assert_eq!(
            hop(https, https, Some("https://b.example.org/y.ics")).unwrap(),
            "https://b.example.org/y.ics"
        );
        assert_eq!(
            hop(https, https, Some("/z.ics?k=SECRET2")).unwrap(),
            "https://a.example.com/z.ics?k=SECRET2"
        );
        let loopback = "http://127.0.0.1:9/a.ics";
        assert_eq!(
            hop(loopback, loopback, Some("http://localhost:9/b.ics")).unwrap(),
            "http://localhost:9/b.ics"
        );
        assert_eq!(
            hop(loopback, loopback, Some("https://example.com/b.ics")).unwrap(),
            "https://example.com/b.ics"
        );
    }

    #[test]
    fn a_hop_to_anything_else_is_refused_without_its_secret() {
        let https = "https://a.example.com/x.ics?token=SECRET";
        let loopback = "http://127.0.0.1:9/a.ics";
        for (first, location, expected) in [
            (
                https,
                Some("http://a.example.com/x.ics?token=SECRET"),
                "plain http://",
            ),
            // From https, not even to loopback.
            (https, Some("http://127.0.0.1:9/x.ics"), "plain http://"),
            (
                loopback,
                Some("http://example.com/x.ics?t=SECRET"),
                "not this machine",
            ),
            (https, Some("ftp://example.com/x.ics"), "a ftp:// URL"),
            (
                https,
                Some("https://me:SECRET@example.com/x.ics"),
                "user name",
            ),
            (https, None, "no Location header"),
            (https, Some("https://[::1"), "not a URL"),
        ] {
            let message = hop(first, first, location).unwrap_err();
            assert!(message.contains(expected), "{location:?}: {message}");
            assert!(message.contains("redirect"), "{message}");
            assert!(!message.contains("SECRET"), "{message}");
        }
    }
}
