//! A calendar's address, as a schedules document gives it (`{"url": "…"}`), checked once:
//! absolute, `https` (or `http` to this very machine, for tests), no user info, at most
//! [`MAX_URL_CHARS`] characters; and shown everywhere (`Display`, `Debug`, errors, logs)
//! without what may be a secret.

use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::config::endpoint::is_loopback;

/// The longest calendar URL accepted, in characters: browsers and most servers take
/// about this much, and a document's value has a bound.
pub const MAX_URL_CHARS: usize = 2048;

/// A calendar URL: `https://…`, or `http://` to a loopback host (127.0.0.0/8, `::1`,
/// `localhost`), with no user name or password; its fragment, never sent, is dropped.
///
/// Shown (`Display` and `Debug` alike) as its scheme, host and port, its path with any
/// segment that may be a token replaced by `…`, and `?…` when it has a query: a private
/// calendar's address carries a secret, in its query or in its path (Google's secret
/// iCal address ends `/private-<token>/basic.ics`, iCloud's published ones
/// `/published/2/<token>`), and whoever reads a log must not be able to subscribe with
/// it. A segment may be a token when it is longer than 32 characters, or holds a run of
/// 20 letters and digits, or a run of 12 with a digit in it (`private-0123456789abcdef…`,
/// a UUID's last group, a base64 token); ordinary names (`holidays`, `basic.ics`,
/// `cn-2027.ics`) stay.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CalendarUrl(Url);

impl CalendarUrl {
    /// The URL, to send the request to: never to format.
    pub(crate) fn url(&self) -> &Url {
        &self.0
    }

    /// Whether it is plain `http` to a loopback host (a test's server).
    pub(crate) fn is_loopback_http(&self) -> bool {
        self.0.scheme() == "http"
    }

    /// Checks a URL a redirect leads to, as a document's is checked; `loopback_http`
    /// allows plain `http` to a loopback host (only when the first URL was one).
    pub(crate) fn checked(url: Url, loopback_http: bool) -> Result<Self, CalendarUrlError> {
        let mut url = url;
        url.set_fragment(None);
        if url.as_str().chars().count() > MAX_URL_CHARS {
            return Err(CalendarUrlError::TooLong {
                length: url.as_str().chars().count(),
            });
        }
        let https = match url.scheme() {
            "https" => true,
            "http" => false,
            scheme => {
                return Err(CalendarUrlError::Scheme {
                    scheme: scheme.chars().take(20).collect(),
                });
            }
        };
        if !url.username().is_empty() || url.password().is_some() {
            // Shown without them: `Shown` never writes user info.
            return Err(CalendarUrlError::UserInfo {
                url: Shown(&url).to_string(),
            });
        }
        let Some(host) = url.host() else {
            return Err(CalendarUrlError::NoHost {
                url: Shown(&url).to_string(),
            });
        };
        let allowed = https || (loopback_http && is_loopback(&host));
        if !allowed {
            return Err(CalendarUrlError::PlainHttp {
                url: Shown(&url).to_string(),
            });
        }
        Ok(Self(url))
    }
}

impl FromStr for CalendarUrl {
    type Err = CalendarUrlError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let length = text.chars().count();
        if length > MAX_URL_CHARS {
            return Err(CalendarUrlError::TooLong { length });
        }
        // `url`'s errors name the rule broken, never the text.
        let url = Url::parse(text).map_err(|source| CalendarUrlError::NotAUrl { source })?;
        Self::checked(url, true)
    }
}

/// From a JSON string, checked as [`FromStr`] checks it: a document's `"url"` can be a
/// field of this type.
impl<'de> serde::Deserialize<'de> for CalendarUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// The URL as every message shows it: see [`CalendarUrl`].
impl fmt::Display for CalendarUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Shown(&self.0).fmt(f)
    }
}

/// As `Display`: a `Debug` of a whole structure must not show the secret either.
impl fmt::Debug for CalendarUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CalendarUrl({self})")
    }
}

/// A URL as a message may show it: `scheme://host[:port]`, the path with each segment
/// that may be a token written `…`, and `?…` for a query. A segment may be a token
/// when it is longer than 32 characters, or holds a run of 20 letters and digits, or a
/// run of 12 that has a digit in it: `private-0123456789abcdef…`, a UUID's last group,
/// a base64 token. Ordinary names (`holidays`, `basic.ics`, `cn-2027.ics`) stay.
/// Never user info, never the fragment.
pub(crate) struct Shown<'u>(pub(crate) &'u Url);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        write!(f, "{}://{}", url.scheme(), url.host_str().unwrap_or(""))?;
        if let Some(port) = url.port() {
            write!(f, ":{port}")?;
        }
        match url.path_segments() {
            Some(segments) => {
                for segment in segments {
                    f.write_str("/")?;
                    f.write_str(if may_be_token(segment) {
                        "…"
                    } else {
                        segment
                    })?;
                }
            }
            None => f.write_str("/…")?,
        }
        if url.query().is_some() {
            f.write_str("?…")?;
        }
        Ok(())
    }
}

/// Whether a path segment may be a secret; see [`Shown`].
fn may_be_token(segment: &str) -> bool {
    if segment.chars().count() > 32 {
        return true;
    }
    segment
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|run| run.len() >= 20 || (run.len() >= 12 && run.bytes().any(|b| b.is_ascii_digit())))
}

/// A calendar URL that cannot be used. The messages never repeat a query, user info or
/// a path segment that may be a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarUrlError {
    /// Longer than [`MAX_URL_CHARS`].
    #[error(
        "the calendar URL is {length} characters long; at most {MAX_URL_CHARS} are accepted: \
         give the calendar's shorter address"
    )]
    TooLong {
        /// Its length in characters.
        length: usize,
    },
    /// Not an absolute URL.
    #[error(
        "the calendar URL is not an absolute URL ({source}): write it whole, such as \
         https://example.com/holidays.ics"
    )]
    NotAUrl {
        /// Why it does not parse.
        source: url::ParseError,
    },
    /// A user name or password before the host.
    #[error(
        "the calendar URL {url} holds a user name or password (user:password@), which \
         ges-stop does not send: use the calendar's secret address instead, which carries \
         its token in the path or the query"
    )]
    UserInfo {
        /// The URL, shown without them.
        url: String,
    },
    /// No host (`https:///x`).
    #[error("the calendar URL {url} has no host: write it as https://host/path")]
    NoHost {
        /// The URL, shown.
        url: String,
    },
    /// Plain `http` to a host that is not this machine.
    #[error(
        "the calendar URL {url} uses plain http://; calendars are read over https:// only \
         (http:// only from this machine, for tests): write https://"
    )]
    PlainHttp {
        /// The URL, shown.
        url: String,
    },
    /// Neither `https` nor `http` (`webcal://`, `file://`).
    #[error(
        "the calendar URL uses the scheme {scheme:?}; calendars are read over https:// only: \
         write https:// (for webcal://, https:// with the same host and path; for a file, \
         {{\"file\": \"/path\"}})"
    )]
    Scheme {
        /// The scheme, cut to 20 characters.
        scheme: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<CalendarUrl, CalendarUrlError> {
        text.parse()
    }

    #[test]
    fn https_anywhere_and_http_only_on_loopback() {
        for good in [
            "https://calendar.example.com/holidays.ics",
            "https://example.com:8443/a/b.ics?token=x",
            "http://127.0.0.1:8080/calendars/cn.ics",
            "http://127.8.9.10/x.ics",
            "http://[::1]:9000/x.ics",
            "http://localhost/x.ics",
            "http://LOCALHOST:1/x.ics",
        ] {
            assert!(parse(good).is_ok(), "{good}");
        }
        for (bad, expected) in [
            ("http://example.com/x.ics", "uses plain http://"),
            ("http://10.0.0.1/x.ics", "uses plain http://"),
            ("http://128.0.0.1/x.ics", "uses plain http://"),
            ("webcal://example.com/x.ics", "the scheme \"webcal\""),
            ("file:///opt/holidays.ics", "the scheme \"file\""),
            ("holidays.ics", "not an absolute URL"),
            ("/opt/holidays.ics", "not an absolute URL"),
            ("", "not an absolute URL"),
        ] {
            let message = parse(bad).unwrap_err().to_string();
            assert!(message.contains(expected), "{bad}: {message}");
        }
    }

    #[test]
    fn user_info_is_refused_without_being_repeated() {
        for bad in [
            "https://alice:s3cr3t-pw@example.com/x.ics",
            "https://alice@example.com/x.ics",
            "https://:s3cr3t-pw@example.com/x.ics",
        ] {
            let err = parse(bad).unwrap_err();
            let message = err.to_string();
            assert!(matches!(err, CalendarUrlError::UserInfo { .. }), "{bad}");
            assert!(message.contains("secret address"), "{message}");
            assert!(
                !message.contains("s3cr3t") && !message.contains("alice"),
                "{message}"
            );
        }
    }

    #[test]
    fn a_document_field_is_checked_as_it_is_read() {
        let url: CalendarUrl = serde_json::from_str(r#""https://example.com/x.ics""#).unwrap();
        assert_eq!(url.to_string(), "https://example.com/x.ics");
        let err = serde_json::from_str::<CalendarUrl>(r#""http://example.com/x.ics?t=SECRET""#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("uses plain http://") && !err.contains("SECRET"),
            "{err}"
        );
    }

    #[test]
    fn the_length_is_bounded() {
        let path = "a/".repeat(1010);
        let at_most = format!("https://example.com/{path}");
        assert!(at_most.len() <= MAX_URL_CHARS);
        assert!(parse(&at_most).is_ok());
        let over = format!("https://example.com/{}", "a".repeat(MAX_URL_CHARS));
        let err = parse(&over).unwrap_err();
        assert!(matches!(err, CalendarUrlError::TooLong { .. }), "{err}");
        assert!(err.to_string().contains("at most 2048"), "{err}");
    }

    #[test]
    fn neither_display_nor_debug_shows_a_query_a_fragment_or_a_token() {
        for (text, shown) in [
            (
                "https://calendar.example.com/cn/holidays.ics?token=SECRET123",
                "https://calendar.example.com/cn/holidays.ics?…",
            ),
            (
                "https://example.com/x.ics#SECRETFRAGMENT",
                "https://example.com/x.ics",
            ),
            (
                "https://calendar.google.com/calendar/ical/team%40example.com/private-0123456789abcdef0123456789abcdef/basic.ics",
                "https://calendar.google.com/calendar/ical/team%40example.com/…/basic.ics",
            ),
            (
                "https://p01-caldav.icloud.com/published/2/MTAxNjE2NzQ5NjEwMTYxNnRrQ3dJbHZqSGxz",
                "https://p01-caldav.icloud.com/published/2/…",
            ),
            (
                "https://outlook.office365.com/owa/calendar/7f3a2b1c-4d5e-6f7a-8b9c-0d1e2f3a4b5c@contoso.com/calendar.ics",
                "https://outlook.office365.com/owa/calendar/…/calendar.ics",
            ),
            (
                "http://127.0.0.1:8080/calendars/cn-2027.ics?k=v",
                "http://127.0.0.1:8080/calendars/cn-2027.ics?…",
            ),
        ] {
            let url = parse(text).unwrap();
            assert_eq!(url.to_string(), shown, "{text}");
            assert_eq!(format!("{url:?}"), format!("CalendarUrl({shown})"));
        }
    }

    #[test]
    fn ordinary_segments_stay_and_token_like_ones_go() {
        for plain in [
            "holidays",
            "basic.ics",
            "cn-2027.ics",
            "public",
            "ical",
            "2027",
        ] {
            assert!(!may_be_token(plain), "{plain}");
        }
        for token in [
            "private-0123456789ab",
            "abcdefghijklmnopqrstu",
            "a1b2c3d4e5f6",
            &"x".repeat(33),
        ] {
            assert!(may_be_token(token), "{token}");
        }
    }
}
