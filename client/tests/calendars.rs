//! A reconcile whose schedule reads calendars, against the simulator over loopback: a
//! calendar file read with the document, a calendar served at a URL (fetched once per
//! warm runner), its days off, its make-up working days (`work_if`), a timed event in
//! another zone whose end starts a graph again, and a calendar that cannot be read,
//! under which the schedule starts nothing and says why. Dry runs at fixed instants:
//! what is decided is what a run acts on.

use std::path::PathBuf;

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::{Config, vars};
use ges_client::ges::Outcome;
use ges_client::run::{
    Answer, BatchAnswer, Clock, Graphs, RunRequest, Runner, Scheduled, Settings,
};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use jiff::Timestamp;

const TOKEN: &str = "calendar-test-token-7e2a";
const TAG: &str = "ges-stop:schedule";

/// China's 2026 National Day holiday, as `chinesecalendar` 1.11.0 lists it: 1 to 7
/// October off, Saturday 10 October a make-up working day; each marked as the published
/// feeds mark them (休 off, 班 worked). A maintenance window in New York time on Monday
/// 12 October, 22:00-24:00 (10:00-12:00 in Shanghai on the 13th), in the same feed.
const FEED: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ges-stop tests//EN\r\n\
BEGIN:VEVENT\r\nUID:nd-2026@test\r\nDTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261008\r\n\
SUMMARY:国庆节 休\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:nd-2026-work@test\r\nDTSTART;VALUE=DATE:20261010\r\nSUMMARY:国庆节调休 班\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:window@test\r\nDTSTART;TZID=America/New_York:20261012T220000\r\n\
DTEND;TZID=America/New_York:20261013T000000\r\nSUMMARY:maintenance\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

/// Christmas every year, from a file.
const CHRISTMAS: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ges-stop tests//EN\r\n\
BEGIN:VEVENT\r\nUID:xmas@test\r\nDTSTART;VALUE=DATE:20201225\r\nRRULE:FREQ=YEARLY\r\n\
SUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

fn id(value: &str) -> GraphId {
    value.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    let graph = |name: &str, status: GraphStatus| {
        GraphSpec::running(id(name), name)
            .with_status(status)
            .with_tag(TAG, "office")
    };
    Simulator::builder()
        .graphs(vec![
            graph("up", GraphStatus::Running),
            graph("down", GraphStatus::Stopped),
        ])
        .token(TOKEN)
        .start()
        .await
        .unwrap()
}

fn christmas_file() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("christmas-{}.ics", std::process::id()));
    std::fs::write(&path, CHRISTMAS).unwrap();
    path
}

/// Office hours in Shanghai that start graphs, with the feed at `url` and, when given,
/// a calendar file.
fn document(url: &str, file: Option<&PathBuf>) -> String {
    let file = file
        .map(|path| format!(r#", {{"file": "{}"}}"#, path.display()))
        .unwrap_or_default();
    format!(
        r#"{{"schedules": {{"office": {{"timezone": "Asia/Shanghai", "start_graphs": true,
            "periods": [{{"days": "mon-fri", "start": "08:00", "stop": "20:00"}}],
            "skip_calendars": [{{"url": "{url}", "work_if": "班", "as": "mon"}}{file}]}}}}}}"#
    )
}

fn runner(sim: &RunningSimulator, schedules: &str) -> Runner {
    runner_at(sim, schedules, 0)
}

/// A dry-run reconcile at `at`.
async fn reconcile(runner: &Runner, at: &str) -> BatchAnswer {
    let request = RunRequest {
        graphs: Some(Graphs::Scheduled(Scheduled {
            selectors: Vec::new(),
            at: Some(at.parse().unwrap()),
        })),
        dry_run: true,
        ..RunRequest::default()
    };
    match runner.run(&request, None).await {
        Ok(Answer::Batch(batch)) => batch,
        other => panic!("{other:?}"),
    }
}

/// A graph's outcome, its reason, and whether its entry says a calendar was unavailable.
fn entry(answer: &BatchAnswer, name: &str) -> (Outcome, String, bool) {
    let found = answer
        .results
        .iter()
        .find(|entry| entry.target.graph_id.as_str() == name)
        .unwrap_or_else(|| panic!("{name} not in the answer"));
    let report = found.outcome.as_ref().unwrap();
    let schedule = found.facts.schedule.as_ref().unwrap();
    let reason = report
        .reason
        .clone()
        .or_else(|| schedule.why.clone())
        .unwrap_or_default();
    (report.outcome, reason, schedule.calendar_unavailable)
}

#[tokio::test]
async fn a_feed_s_days_off_working_days_and_timed_events_decide_the_run() {
    let sim = simulator().await;
    let url = sim.serve_calendar("cn.ics", FEED);
    let file = christmas_file();
    let runner = runner(&sim, &document(&url, Some(&file)));

    // Thursday 1 October, 08:10: a day off, so the running graph stops and the
    // stopped one stays so.
    let answer = reconcile(&runner, "2026-10-01T08:10:00+08:00").await;
    let (outcome, reason, unavailable) = entry(&answer, "up");
    assert_eq!(outcome, Outcome::WouldStop, "{reason}");
    assert!(reason.contains("2026-10-01 is a skip date"), "{reason}");
    assert!(!unavailable);
    assert_eq!(entry(&answer, "down").0, Outcome::AlreadyStopped);

    // Saturday 10 October, 08:10: a make-up day worked as a Monday starts the graph.
    let answer = reconcile(&runner, "2026-10-10T08:10:00+08:00").await;
    let (outcome, reason, _) = entry(&answer, "down");
    assert_eq!(outcome, Outcome::WouldStart, "{reason}");
    // The next Saturday is a Saturday: nothing to run.
    let answer = reconcile(&runner, "2026-10-17T08:10:00+08:00").await;
    assert_eq!(entry(&answer, "down").0, Outcome::AlreadyStopped);

    // Tuesday 13 October: New York's 22:00-24:00 is 10:00-12:00 in Shanghai. Inside it
    // the graph stops at any run; just after it, inside the period, it starts again.
    let answer = reconcile(&runner, "2026-10-13T11:00:00+08:00").await;
    let (outcome, reason, _) = entry(&answer, "up");
    assert_eq!(outcome, Outcome::WouldStop, "{reason}");
    assert!(
        reason
            .contains("a calendar keeps it off from 2026-10-13T02:00:00Z to 2026-10-13T04:00:00Z"),
        "{reason}"
    );
    let answer = reconcile(&runner, "2026-10-13T12:10:00+08:00").await;
    let (outcome, reason, _) = entry(&answer, "down");
    assert_eq!(outcome, Outcome::WouldStart, "{reason}");
    assert!(
        reason.contains("a day off ended at 2026-10-13T04:00:00Z"),
        "{reason}"
    );

    // Friday 25 December, from the file: a yearly rule from 2020.
    let answer = reconcile(&runner, "2026-12-25T09:00:00+08:00").await;
    let (outcome, reason, _) = entry(&answer, "up");
    assert_eq!(outcome, Outcome::WouldStop, "{reason}");
    assert!(reason.contains("2026-12-25 is a skip date"), "{reason}");

    // Five runs, one fetch: the warm runner keeps its copy.
    assert_eq!(sim.calendar_requests("cn.ics"), 1);
    std::fs::remove_file(&file).unwrap();
}

#[tokio::test]
async fn a_calendar_that_cannot_be_read_starts_nothing_and_stops_as_before() {
    let sim = simulator().await;
    // Not served: the simulator answers 404. A private feed's address carries a token.
    let url = format!("{}?token=s3cr3t-feed", sim.calendar_url("missing.ics"));
    let runner = runner(&sim, &document(&url, None));

    // Monday 19 October, 08:10: the period starts, but any day may be a holiday.
    let answer = reconcile(&runner, "2026-10-19T08:10:00+08:00").await;
    let (outcome, reason, unavailable) = entry(&answer, "down");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(unavailable);
    assert!(
        reason.contains("skip_calendars[0]")
            && reason.contains("could not be read, so no graph starts"),
        "{reason}"
    );
    assert!(reason.contains("404"), "{reason}");
    // Its query would be a secret: never shown.
    assert!(!reason.contains("s3cr3t-feed"), "{reason}");
    // 20:10: the stop goes ahead.
    let answer = reconcile(&runner, "2026-10-19T20:10:00+08:00").await;
    let (outcome, reason, unavailable) = entry(&answer, "up");
    assert_eq!(outcome, Outcome::WouldStop, "{reason}");
    assert!(unavailable);

    // Once it answers, and the wait after a failure is over, the schedule starts again.
    sim.serve_calendar("missing.ics", FEED);
    let later = runner_at(&sim, &document(&url, None), 6 * 60);
    let answer = reconcile(&later, "2026-10-19T08:10:00+08:00").await;
    let (outcome, reason, unavailable) = entry(&answer, "down");
    assert_eq!(outcome, Outcome::WouldStart, "{reason}");
    assert!(!unavailable);
}

#[tokio::test]
async fn a_feed_that_does_not_parse_is_unavailable_naming_its_line() {
    let sim = simulator().await;
    let url = sim.serve_calendar(
        "broken.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let runner = runner(&sim, &document(&url, None));
    let answer = reconcile(&runner, "2026-10-19T08:10:00+08:00").await;
    let (outcome, reason, unavailable) = entry(&answer, "down");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(unavailable);
    assert!(reason.contains("line 3"), "{reason}");
}

/// A fresh runner whose clock is `minutes` past the simulator's present.
fn runner_at(sim: &RunningSimulator, schedules: &str, minutes: i64) -> Runner {
    let env = [
        (vars::ENDPOINT, sim.base_url()),
        (vars::PROJECT_ID, sim.project_id().to_string()),
        (vars::AUTH_TOKEN, TOKEN.to_owned()),
        (vars::SCHEDULES, schedules.to_owned()),
        (vars::MAX_ATTEMPTS, "1".to_owned()),
    ];
    let lookup = |name: &str| {
        env.iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value.clone())
    };
    let config = Config::from_lookup(lookup).unwrap();
    let now = Timestamp::from_second(sim.now_utc().unix_timestamp() + minutes * 60).unwrap();
    Runner::new(&config, Settings::from_lookup(lookup).unwrap())
        .unwrap()
        .with_clock(Clock::new(move || now))
}
