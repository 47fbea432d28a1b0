//! Calendars fetched from a URL, against the simulator's calendar documents on
//! loopback: the first fetch, the copy kept until the refresh period, a failed refresh
//! serving the last good copy, no copy at all, the size cap, redirects, retries, the
//! deadline, two runs at once, and a URL's query kept out of every error and log line.

use std::sync::OnceLock;
use std::time::Duration;

use ges_client::calendars::{
    CalendarFetcher, CalendarRefresh, CalendarUrl, FetchError, Fetched, MAX_CALENDAR_BYTES,
    MAX_CALENDAR_URLS, MAX_REDIRECTS,
};
use ges_client::test_support::LogBuffer;
use ges_client::transport::{Timeouts, Transport, Trust};
use ges_simulator::{Fault, RunningSimulator, Simulator};
use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;
use tracing_subscriber::layer::SubscriberExt;

const SECRET: &str = "SECRET-token-7f3a9c";
const V1: &str = "BEGIN:VCALENDAR\r\nX-VERSION:1\r\nEND:VCALENDAR\r\n";
const V2: &str = "BEGIN:VCALENDAR\r\nX-VERSION:2\r\nEND:VCALENDAR\r\n";

async fn simulator() -> RunningSimulator {
    Simulator::builder().token("t").start().await.unwrap()
}

fn transport() -> Transport {
    Transport::new(
        Timeouts::default(),
        Default::default(),
        &Trust::compiled_in(),
    )
    .unwrap()
}

/// What the schedule's reader stands for here: a document that starts as iCalendar
/// does, kept whole; anything else is an error naming the line, as the reader's are.
fn parse(text: &str) -> Result<String, String> {
    if text.starts_with("BEGIN:VCALENDAR") {
        Ok(text.to_owned())
    } else {
        Err("line 1: expected BEGIN:VCALENDAR".to_owned())
    }
}

fn fetcher() -> CalendarFetcher<String> {
    CalendarFetcher::new(CalendarRefresh::default())
}

fn t0() -> Timestamp {
    "2027-02-01T00:00:00Z".parse().unwrap()
}

fn later(hours: i64, minutes: i64) -> Timestamp {
    t0() + SignedDuration::from_hours(hours) + SignedDuration::from_mins(minutes)
}

/// The URL of `name`, with a token in its query.
fn secret_url(simulator: &RunningSimulator, name: &str) -> CalendarUrl {
    format!("{}?token={SECRET}", simulator.calendar_url(name))
        .parse()
        .unwrap()
}

async fn get(
    fetcher: &CalendarFetcher<String>,
    url: &CalendarUrl,
    now: Timestamp,
) -> Fetched<String> {
    fetcher.get(&transport(), url, None, now, parse).await
}

fn fresh(fetched: Fetched<String>) -> String {
    match fetched {
        Fetched::Fresh(copy) => copy.as_ref().clone(),
        other => panic!("not fresh: {other:?}"),
    }
}

fn unavailable(fetched: Fetched<String>) -> FetchError {
    match fetched {
        Fetched::Unavailable(error) => error,
        other => panic!("not unavailable: {other:?}"),
    }
}

#[tokio::test]
async fn fetched_by_the_first_run_and_kept_until_the_refresh_period() {
    let simulator = simulator().await;
    simulator.serve_calendar("cn.ics", V1);
    let url = secret_url(&simulator, "cn.ics");
    let fetcher = fetcher();
    assert_eq!(
        simulator.calendar_requests("cn.ics"),
        0,
        "nothing at start-up"
    );
    assert_eq!(fresh(get(&fetcher, &url, t0()).await), V1);
    assert_eq!(simulator.calendar_requests("cn.ics"), 1);
    simulator.serve_calendar("cn.ics", V2);
    assert_eq!(fresh(get(&fetcher, &url, later(23, 59)).await), V1);
    assert_eq!(simulator.calendar_requests("cn.ics"), 1, "the copy serves");
    assert_eq!(fresh(get(&fetcher, &url, later(24, 0)).await), V2);
    assert_eq!(
        simulator.calendar_requests("cn.ics"),
        2,
        "refreshed after 24 hours"
    );

    let hourly = CalendarFetcher::new(CalendarRefresh::from_hours(1).unwrap());
    for (minutes, requests) in [(0, 1), (59, 1), (60, 2)] {
        hourly
            .get(&transport(), &url, None, later(0, minutes), parse)
            .await;
        assert_eq!(
            simulator.calendar_requests("cn.ics"),
            2 + requests,
            "{minutes}"
        );
    }
}

#[tokio::test]
async fn a_failed_refresh_serves_the_last_good_copy_and_waits_five_minutes() {
    let simulator = simulator().await;
    simulator.serve_calendar("cn.ics", V1);
    let url = secret_url(&simulator, "cn.ics");
    let fetcher = fetcher();
    fresh(get(&fetcher, &url, t0()).await);
    simulator.fail_calendar("cn.ics", Fault::status(404, "gone"), 1);
    let Fetched::Stale {
        copy,
        fetched_at,
        error,
    } = get(&fetcher, &url, later(25, 0)).await
    else {
        panic!("the refresh failed: the copy serves");
    };
    assert_eq!((copy.as_str(), fetched_at), (V1, t0()));
    assert!(
        matches!(error, FetchError::Status { status: 404, .. }),
        "{error}"
    );
    assert_eq!(simulator.calendar_requests("cn.ics"), 2);
    // Within five minutes of the failure: the same answer, nothing sent.
    assert!(matches!(
        get(&fetcher, &url, later(25, 4)).await,
        Fetched::Stale { .. }
    ));
    assert_eq!(simulator.calendar_requests("cn.ics"), 2);
    simulator.serve_calendar("cn.ics", V2);
    assert_eq!(fresh(get(&fetcher, &url, later(25, 5)).await), V2);
    assert_eq!(simulator.calendar_requests("cn.ics"), 3);
}

#[tokio::test]
async fn without_a_good_copy_it_is_unavailable_and_404_is_not_retried() {
    let simulator = simulator().await;
    let url = secret_url(&simulator, "missing.ics");
    let fetcher = fetcher();
    let error = unavailable(get(&fetcher, &url, t0()).await);
    assert!(
        matches!(
            error,
            FetchError::Status {
                status: 404,
                attempts: 1,
                ..
            }
        ),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the calendar at {}/calendars/missing.ics?… answered 404",
            simulator.base_url()
        )) && message.ends_with("check the URL: the calendar is not there"),
        "{message}"
    );
    assert_eq!(simulator.calendar_requests("missing.ics"), 1, "not retried");
    unavailable(get(&fetcher, &url, later(0, 4)).await);
    assert_eq!(
        simulator.calendar_requests("missing.ics"),
        1,
        "not before 5 minutes"
    );
    simulator.serve_calendar("missing.ics", V1);
    assert_eq!(fresh(get(&fetcher, &url, later(0, 5)).await), V1);
}

#[tokio::test]
async fn a_document_that_does_not_parse_is_a_failure_naming_the_line() {
    let simulator = simulator().await;
    simulator.serve_calendar("html.ics", "<html>sign in</html>");
    let url = secret_url(&simulator, "html.ics");
    let error = unavailable(get(&fetcher(), &url, t0()).await);
    assert!(matches!(error, FetchError::Unparsable { .. }), "{error}");
    assert!(
        error
            .to_string()
            .ends_with("cannot be read: line 1: expected BEGIN:VCALENDAR"),
        "{error}"
    );

    simulator.serve_calendar(
        "latin1.ics",
        b"BEGIN:VCALENDAR\r\nSUMMARY:F\xeate\r\n".to_vec(),
    );
    let error = unavailable(get(&fetcher(), &secret_url(&simulator, "latin1.ics"), t0()).await);
    assert!(
        matches!(error, FetchError::NotUtf8 { offset: 26, .. }),
        "{error}"
    );

    simulator.serve_calendar("bom.ics", format!("\u{feff}{V1}"));
    assert_eq!(
        fresh(get(&fetcher(), &secret_url(&simulator, "bom.ics"), t0()).await),
        V1,
        "the byte-order mark is dropped"
    );
}

#[tokio::test]
async fn one_mib_is_read_and_one_byte_more_is_refused() {
    let simulator = simulator().await;
    let sized = |size: usize| {
        let mut body = V1.as_bytes().to_vec();
        body.resize(size, b'\n');
        body
    };
    simulator.serve_calendar("full.ics", sized(MAX_CALENDAR_BYTES));
    simulator.serve_calendar("over.ics", sized(MAX_CALENDAR_BYTES + 1));
    let full = fresh(get(&fetcher(), &secret_url(&simulator, "full.ics"), t0()).await);
    assert_eq!(full.len(), MAX_CALENDAR_BYTES);
    let error = unavailable(get(&fetcher(), &secret_url(&simulator, "over.ics"), t0()).await);
    assert!(
        matches!(
            error,
            FetchError::TooLarge {
                limit: 1_048_576,
                ..
            }
        ),
        "{error}"
    );
    assert_eq!(simulator.calendar_requests("over.ics"), 1, "not retried");
    // Sent in chunks with no length given: refused as the chunks pass the cap.
    simulator.fail_calendar("full.ics", Fault::HugeStream(MAX_CALENDAR_BYTES + 1), 1);
    let error = unavailable(get(&fetcher(), &secret_url(&simulator, "full.ics"), t0()).await);
    assert!(matches!(error, FetchError::TooLarge { .. }), "{error}");
}

#[tokio::test]
async fn loopback_redirects_are_followed_and_a_hop_to_plain_http_elsewhere_is_not() {
    let simulator = simulator().await;
    simulator.serve_calendar("new.ics", V2);
    simulator.fail_calendar(
        "old.ics",
        Fault::redirect(
            301,
            &format!("{}?token={SECRET}", simulator.calendar_url("new.ics")),
        ),
        1,
    );
    let url = secret_url(&simulator, "old.ics");
    assert_eq!(fresh(get(&fetcher(), &url, t0()).await), V2);
    assert_eq!(simulator.calendar_requests("old.ics"), 1);
    assert_eq!(simulator.calendar_requests("new.ics"), 1);

    // A relative Location, resolved against the URL that answered it.
    simulator.fail_calendar("rel.ics", Fault::redirect(307, "new.ics"), 1);
    assert_eq!(
        fresh(get(&fetcher(), &secret_url(&simulator, "rel.ics"), t0()).await),
        V2
    );

    let requests = simulator.requests().len();
    simulator.fail_calendar(
        "old.ics",
        Fault::redirect(
            302,
            &format!("http://calendar.example.com/x.ics?token={SECRET}"),
        ),
        1,
    );
    let error = unavailable(get(&fetcher(), &url, t0()).await);
    assert!(matches!(error, FetchError::Redirect { .. }), "{error}");
    assert!(
        error.to_string().contains(
            "it leads to http://calendar.example.com/x.ics?…, plain http:// to a host that is \
             not this machine"
        ),
        "{error}"
    );
    assert_eq!(
        simulator.requests().len(),
        requests + 1,
        "nothing more sent, not even a retry"
    );
}

#[tokio::test]
async fn a_redirect_to_https_is_followed() {
    let simulator = simulator().await;
    // https to the simulator's own port, which speaks plain HTTP: followed, so the TLS
    // handshake fails (a refused hop would have sent nothing).
    let https = format!(
        "https://localhost:{}/calendars/x.ics",
        simulator.addr().port()
    );
    simulator.fail_calendar("a.ics", Fault::redirect(302, &https), 10);
    let error = unavailable(get(&fetcher(), &secret_url(&simulator, "a.ics"), t0()).await);
    assert!(matches!(error, FetchError::Unreachable { .. }), "{error}");
    assert_eq!(
        simulator.calendar_requests("x.ics"),
        0,
        "no plain HTTP request"
    );
}

#[tokio::test]
async fn at_most_five_redirects_are_followed() {
    let simulator = simulator().await;
    simulator.serve_calendar("loop.ics", V1);
    let to_itself = Fault::redirect(302, &simulator.calendar_url("loop.ics"));
    simulator.fail_calendar("loop.ics", to_itself.clone(), MAX_REDIRECTS);
    assert_eq!(
        fresh(get(&fetcher(), &secret_url(&simulator, "loop.ics"), t0()).await),
        V1,
        "five redirects, then the document"
    );
    assert_eq!(simulator.calendar_requests("loop.ics"), MAX_REDIRECTS + 1);
    simulator.fail_calendar("loop.ics", to_itself, MAX_REDIRECTS + 1);
    let error = unavailable(get(&fetcher(), &secret_url(&simulator, "loop.ics"), t0()).await);
    assert!(
        error.to_string().contains("redirects more than 5 times"),
        "{error}"
    );
    assert_eq!(
        simulator.calendar_requests("loop.ics"),
        2 * (MAX_REDIRECTS + 1)
    );
}

#[tokio::test]
async fn failures_a_retry_can_mend_are_retried() {
    let simulator = simulator().await;
    simulator.serve_calendar("cn.ics", V1);
    simulator.fail_calendar("cn.ics", Fault::ServiceUnavailable, 2);
    let url = secret_url(&simulator, "cn.ics");
    assert_eq!(fresh(get(&fetcher(), &url, t0()).await), V1);
    assert_eq!(simulator.calendar_requests("cn.ics"), 3);
    simulator.fail_calendar("cn.ics", Fault::throttled_for("0"), 1);
    simulator.fail_calendar("cn.ics", Fault::Reset, 1);
    assert_eq!(fresh(get(&fetcher(), &url, t0()).await), V1);
    assert_eq!(simulator.calendar_requests("cn.ics"), 6);
    // Three attempts at most (the transport's policy), then the last answer.
    simulator.fail_calendar("cn.ics", Fault::status(502, "bad gateway"), 3);
    let error = unavailable(get(&fetcher(), &url, t0()).await);
    assert!(
        matches!(
            error,
            FetchError::Status {
                status: 502,
                attempts: 3,
                ..
            }
        ),
        "{error}"
    );
    assert!(error.to_string().contains("(3 attempts)"), "{error}");
}

#[tokio::test]
async fn a_host_that_cannot_be_reached_is_tried_again_then_named() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url: CalendarUrl = format!("http://127.0.0.1:{port}/x.ics?token={SECRET}")
        .parse()
        .unwrap();
    let error = unavailable(get(&fetcher(), &url, t0()).await);
    assert!(
        matches!(error, FetchError::Unreachable { attempts: 3, .. }),
        "{error}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with(&format!(
            "the calendar at http://127.0.0.1:{port}/x.ics?… could not be read \
             (error sending request"
        )) && message.contains("Connection refused")
            && message.contains("Run in a VPC"),
        "{message}"
    );
}

#[tokio::test]
async fn the_deadline_is_kept() {
    let simulator = simulator().await;
    simulator.serve_calendar("slow.ics", V1);
    simulator.fail_calendar("slow.ics", Fault::Delay(Duration::from_secs(20)), 1);
    let started = Instant::now();
    let deadline = started + Duration::from_millis(500);
    let fetched = fetcher()
        .get(
            &transport(),
            &secret_url(&simulator, "slow.ics"),
            Some(deadline),
            t0(),
            parse,
        )
        .await;
    let error = unavailable(fetched);
    assert!(matches!(error, FetchError::Deadline { .. }), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn two_runs_at_once_fetch_once() {
    let simulator = simulator().await;
    simulator.serve_calendar("cn.ics", V1);
    simulator.fail_calendar("cn.ics", Fault::Delay(Duration::from_millis(300)), 1);
    let url = secret_url(&simulator, "cn.ics");
    let fetcher = fetcher();
    let (first, second) = tokio::join!(get(&fetcher, &url, t0()), get(&fetcher, &url, t0()));
    assert_eq!(
        (fresh(first), fresh(second)),
        (V1.to_owned(), V1.to_owned())
    );
    assert_eq!(simulator.calendar_requests("cn.ics"), 1);
}

#[tokio::test]
async fn at_most_64_urls_are_kept() {
    let simulator = simulator().await;
    let fetcher = fetcher();
    for n in 0..MAX_CALENDAR_URLS {
        let name = format!("{n}.ics");
        simulator.serve_calendar(&name, V1);
        fresh(get(&fetcher, &secret_url(&simulator, &name), t0()).await);
    }
    simulator.serve_calendar("one-more.ics", V1);
    let error = unavailable(get(&fetcher, &secret_url(&simulator, "one-more.ics"), t0()).await);
    assert!(
        matches!(error, FetchError::TooManyCalendars { max: 64, .. }),
        "{error}"
    );
    assert_eq!(simulator.calendar_requests("one-more.ics"), 0);
    // The ones kept still serve.
    fresh(get(&fetcher, &secret_url(&simulator, "0.ics"), t0()).await);
}

/// Every line the client logs in this process, from the first call on: one subscriber
/// for the whole process, as one set for a thread misses the lines of callsites another
/// test's thread registered first. The other tests' lines land here too, and their URLs
/// hold the same secret.
fn logs() -> LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = LogBuffer::default();
        let writer = captured.clone();
        // The client's lines only: the simulator's own log each query it receives.
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_subscriber::filter::Targets::new()
                    .with_target("ges_client", tracing::Level::TRACE),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .with_ansi(false)
                    .with_writer(move || writer.clone()),
            );
        tracing::subscriber::set_global_default(subscriber).unwrap();
        captured
    })
    .clone()
}

#[tokio::test]
async fn a_query_never_reaches_an_error_a_debug_or_a_log_line() {
    let captured = logs();
    let simulator = simulator().await;

    simulator.serve_calendar("ok.ics", V1);
    simulator.serve_calendar("bad.ics", "not a calendar");
    simulator.fail_calendar("503.ics", Fault::ServiceUnavailable, 3);
    simulator.fail_calendar(
        "away.ics",
        Fault::redirect(302, &format!("http://example.com/?token={SECRET}")),
        1,
    );
    simulator.fail_calendar("slow.ics", Fault::Delay(Duration::from_secs(20)), 1);
    let fetcher = fetcher();
    let mut shown = Vec::new();
    for name in ["ok.ics", "missing.ics", "bad.ics", "503.ics", "away.ics"] {
        let url = secret_url(&simulator, name);
        shown.push(format!("{url} {url:?}"));
        let fetched = get(&fetcher, &url, t0()).await;
        if let Fetched::Unavailable(error) = &fetched {
            shown.push(format!("{error} {error:?}"));
        }
        shown.push(format!("{fetched:?}"));
    }
    // A refresh that fails: the stale answer, and its log line.
    simulator.fail_calendar("ok.ics", Fault::status(500, "oops"), 3);
    let stale = get(&fetcher, &secret_url(&simulator, "ok.ics"), later(24, 0)).await;
    assert!(matches!(stale, Fetched::Stale { .. }), "{stale:?}");
    shown.push(format!("{stale:?}"));
    let slow = fetcher
        .get(
            &transport(),
            &secret_url(&simulator, "slow.ics"),
            Some(Instant::now() + Duration::from_millis(300)),
            t0(),
            parse,
        )
        .await;
    shown.push(format!("{slow:?}"));
    let unparsable: Result<CalendarUrl, _> =
        format!("http://example.com/x.ics?token={SECRET}").parse();
    shown.push(format!("{unparsable:?}"));
    shown.push(format!("{fetcher:?}"));

    let logs = captured.text();
    let this_test = format!("{}/calendars/", simulator.base_url());
    let ours = |what: &str| {
        logs.lines()
            .filter(|line| line.contains(what) && line.contains(&this_test))
            .count()
    };
    for (what, count) in [
        ("calendar fetched", 2),
        ("calendar unavailable", 5),
        ("calendar not refreshed", 1),
    ] {
        assert_eq!(ours(what), count, "{what}: {logs}");
    }
    assert!(logs.contains("calendars/ok.ics?…"), "{logs}");
    let shown = shown.join("\n");
    assert!(shown.contains("?…"), "{shown}");
    for text in [&logs, &shown] {
        assert!(!text.contains(SECRET) && !text.contains("token="), "{text}");
    }
}
