//! Idle and busy checks of a reconcile against the simulator over loopback: its Cloud
//! Eye serves the request counts each test sets, a datapoint a minute only while a
//! graph runs, and `0` (or, by the switch, nothing) for a running graph's idle minutes.
//! The runner's clock is pinned to the simulator's, so that the windows read are the
//! minutes the test set.

use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::{Config, vars};
use ges_client::ges::Outcome;
use ges_client::run::{
    Answer, BatchAnswer, Clock, Graphs, RunRequest, Runner, Scheduled, Settings,
};
use ges_simulator::{Fault, GraphSpec, IdleMinutes, OperationKind, RunningSimulator, Simulator};
use jiff::Timestamp;

const TOKEN: &str = "idle-test-token-5c1d";
const TAG: &str = "ges-stop:schedule";

fn id(value: &str) -> GraphId {
    value.parse().unwrap()
}

/// A running graph following `schedule`.
fn member(name: &str, schedule: &str) -> GraphSpec {
    GraphSpec::running(id(name), name).with_tag(TAG, schedule)
}

async fn simulator(graphs: Vec<GraphSpec>) -> RunningSimulator {
    Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .start()
        .await
        .unwrap()
}

/// The simulator's present, as the runner's clock reads it.
fn sim_now(sim: &RunningSimulator) -> Timestamp {
    Timestamp::from_second(sim.now_utc().unix_timestamp()).unwrap()
}

/// A variable's value in a test's environment, as `Config::from_lookup` asks for it.
fn variable(env: &[(&str, String)], name: &str) -> Option<String> {
    env.iter()
        .find(|(variable, _)| *variable == name)
        .map(|(_, value)| value.clone())
}

/// A runner on `schedules`, its Cloud Eye the simulator's (or `ces`), its clock the
/// simulator's present.
fn runner(sim: &RunningSimulator, schedules: &str, ces: Option<String>) -> Runner {
    let env = [
        (vars::ENDPOINT, sim.base_url()),
        (vars::CES_ENDPOINT, ces.unwrap_or_else(|| sim.base_url())),
        (vars::PROJECT_ID, sim.project_id().to_string()),
        (vars::AUTH_TOKEN, TOKEN.to_owned()),
        (vars::SCHEDULES, schedules.to_owned()),
        (vars::MAX_ATTEMPTS, "1".to_owned()),
    ];
    let lookup = |name: &str| variable(&env, name);
    let config = Config::from_lookup(lookup).unwrap();
    let now = sim_now(sim);
    Runner::new(&config, Settings::from_lookup(lookup).unwrap())
        .unwrap()
        .with_clock(Clock::new(move || now))
}

async fn reconcile(runner: &Runner) -> BatchAnswer {
    let request = RunRequest {
        graphs: Some(Graphs::Scheduled(Scheduled {
            selectors: Vec::new(),
            at: None,
        })),
        ..RunRequest::default()
    };
    match runner.run(&request, None).await {
        Ok(Answer::Batch(batch)) => batch,
        other => panic!("{other:?}"),
    }
}

/// Each graph's outcome and reason.
fn entry(answer: &BatchAnswer, name: &str) -> (Outcome, String) {
    let found = answer
        .results
        .iter()
        .find(|entry| entry.target.graph_id.as_str() == name)
        .unwrap_or_else(|| panic!("{name} not in the answer"));
    let report = found.outcome.as_ref().unwrap();
    let reason = report
        .reason
        .clone()
        .or_else(|| found.facts.schedule.as_ref().and_then(|s| s.why.clone()))
        .unwrap_or_default();
    (report.outcome, reason)
}

fn cloud_eye_reads(sim: &RunningSimulator) -> usize {
    sim.requests()
        .iter()
        .filter(|record| record.operation == Some(OperationKind::BatchListMetricData))
        .count()
}

/// A minute `ago` minutes before the simulator's present, on the whole minute.
fn minutes_ago(sim: &RunningSimulator, ago: i64) -> time::OffsetDateTime {
    let now = sim.now_utc();
    now.replace_second(0)
        .unwrap()
        .replace_nanosecond(0)
        .unwrap()
        - time::Duration::minutes(ago)
}

/// `HH:MM` of the simulator's present less `ago` minutes, in UTC.
fn wall(sim: &RunningSimulator, ago: i64) -> String {
    let at = minutes_ago(sim, ago);
    format!("{:02}:{:02}", at.hour(), at.minute())
}

const IDLE_ONLY: &str = r#"{"schedules": {
    "idle": {"timezone": "UTC", "stop_when_idle": "30m"},
    "plain": {"timezone": "UTC", "periods": [{"days": "mon-sun", "stop": "03:00"}]}}}"#;

#[tokio::test]
async fn an_idle_graph_is_stopped_and_a_used_or_unreported_one_runs_on() {
    let sim = simulator(vec![
        member("quiet", "idle"),
        member("used", "idle"),
        member("off", "idle").with_status(GraphStatus::Stopped),
    ])
    .await;
    // Ran for an hour: the window (the 30 minutes up to 10 minutes ago) is covered.
    sim.advance_clock(Duration::from_secs(3600));
    sim.set_requests(&id("used"), minutes_ago(&sim, 25), 3);
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    let (outcome, reason) = entry(&answer, "quiet");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    assert!(reason.starts_with("idle: no requests since "), "{reason}");
    let (outcome, reason) = entry(&answer, "used");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(reason.contains("in use: 3 requests since"), "{reason}");
    assert_eq!(entry(&answer, "off").0, Outcome::Unchanged);
    // Both running graphs in one read; the stopped one is not asked about.
    assert_eq!(cloud_eye_reads(&sim), 1);
    assert_eq!(answer.summary.stopping, 1);
}

#[tokio::test]
async fn requests_cloud_eye_has_not_yet_delivered_are_not_in_the_window() {
    let sim = simulator(vec![member("recent", "idle"), member("earlier", "idle")]).await;
    sim.advance_clock(Duration::from_secs(3600));
    // GES_CES_DELAY_MINUTES (10 by default): the window is the 30 minutes up to 10
    // minutes ago (40 to 10 minutes ago): requests 5 or 45 minutes ago are not in it,
    // requests 15 minutes ago are.
    sim.set_requests(&id("recent"), minutes_ago(&sim, 5), 4);
    sim.set_requests(&id("earlier"), minutes_ago(&sim, 45), 4);
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    let (outcome, reason) = entry(&answer, "recent");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    let (outcome, reason) = entry(&answer, "earlier");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    let sim = simulator(vec![member("late", "idle")]).await;
    sim.advance_clock(Duration::from_secs(3600));
    sim.set_requests(&id("late"), minutes_ago(&sim, 15), 4);
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    let (outcome, reason) = entry(&answer, "late");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(reason.contains("in use: 4 requests since"), "{reason}");
}

#[tokio::test]
async fn a_graph_without_a_datapoint_every_minute_is_not_known_to_be_idle() {
    let sim = simulator(vec![member("quiet", "idle")]).await;
    // Ran for 20 minutes only: the window's first minutes have no datapoint.
    sim.advance_clock(Duration::from_secs(20 * 60));
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    let (outcome, reason) = entry(&answer, "quiet");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(reason.contains("not known to be idle"), "{reason}");

    // A Cloud Eye that reports nothing for idle minutes: nothing shows the graph ran.
    sim.advance_clock(Duration::from_secs(3600));
    sim.set_idle_minutes(IdleMinutes::Absent);
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    let (outcome, reason) = entry(&answer, "quiet");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(
        reason.contains("Cloud Eye has a datapoint for 0 of the 30 minutes"),
        "{reason}"
    );
    assert_eq!(sim_status(&sim, "quiet"), GraphStatus::Running);
}

fn sim_status(sim: &RunningSimulator, name: &str) -> GraphStatus {
    sim.graph_status(&id(name)).unwrap()
}

#[tokio::test]
async fn a_plain_schedule_never_asks_cloud_eye() {
    let sim = simulator(vec![member("nightly", "plain")]).await;
    sim.advance_clock(Duration::from_secs(3600));
    let answer = reconcile(&runner(&sim, IDLE_ONLY, None)).await;
    assert_eq!(answer.results.len(), 1);
    assert_eq!(cloud_eye_reads(&sim), 0);
}

#[tokio::test]
async fn an_unreadable_cloud_eye_stops_nothing_and_defers_guarded_stops() {
    let sim = simulator(vec![member("quiet", "idle"), member("late", "evening")]).await;
    sim.advance_clock(Duration::from_secs(3600));
    let schedules = format!(
        r#"{{"schedules": {{
            "idle": {{"timezone": "UTC", "stop_when_idle": "30m"}},
            "evening": {{"timezone": "UTC", "periods": [{{"days": "mon-sun", "stop": "{}"}}],
                        "spare_busy": {{"quiet": "15m", "at_most": "2h"}}}}}}}}"#,
        wall(&sim, 5)
    );
    // A port nobody listens on any more.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let answer = reconcile(&runner(&sim, &schedules, Some(format!("http://{closed}")))).await;
    let (outcome, reason) = entry(&answer, "quiet");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(
        reason.contains("not known to be idle: Cloud Eye could not be read"),
        "{reason}"
    );
    let (outcome, reason) = entry(&answer, "late");
    assert_eq!(outcome, Outcome::Deferred, "{reason}");
    assert!(reason.contains("treated as busy until"), "{reason}");
    assert_eq!(answer.summary.deferred, 1);

    // Refused by Cloud Eye: the same. Two reads (the idle window and the quiet one),
    // both refused.
    for _ in 0..2 {
        sim.fail_next(
            OperationKind::BatchListMetricData,
            Fault::json(
                403,
                r#"{"http_code":"403","message":{"details":"Policy doesn't allow [ces:metricData:list] to be performed","code":"ces.0017"}}"#,
            ),
        );
    }
    let answer = reconcile(&runner(&sim, &schedules, None)).await;
    let (outcome, reason) = entry(&answer, "late");
    assert_eq!(outcome, Outcome::Deferred, "{reason}");
    assert!(reason.contains("ces.0017"), "{reason}");
    assert_eq!(sim_status(&sim, "late"), GraphStatus::Running);
    assert_eq!(sim_status(&sim, "quiet"), GraphStatus::Running);
}

#[tokio::test]
async fn a_busy_graph_is_deferred_a_quiet_one_stopped_and_at_most_ends_the_wait() {
    let sim = simulator(vec![member("busy", "evening"), member("calm", "evening")]).await;
    sim.advance_clock(Duration::from_secs(3600));
    // The stop was 5 minutes ago; `busy` served requests 12 minutes ago, within the
    // quiet 15 minutes that end 10 minutes ago.
    let stop = wall(&sim, 5);
    let schedules = format!(
        r#"{{"schedules": {{
            "evening": {{"timezone": "UTC", "periods": [{{"days": "mon-sun", "stop": "{stop}"}}],
                        "spare_busy": {{"quiet": "15m", "at_most": "2h"}}}}}}}}"#
    );
    sim.set_requests(&id("busy"), minutes_ago(&sim, 12), 42);
    let answer = reconcile(&runner(&sim, &schedules, None)).await;
    let (outcome, reason) = entry(&answer, "busy");
    assert_eq!(outcome, Outcome::Deferred, "{reason}");
    assert!(
        reason.starts_with("busy: 42 requests in the last 15 minutes"),
        "{reason}"
    );
    let (outcome, reason) = entry(&answer, "calm");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    assert!(
        reason.contains("no requests in the last 15 minutes"),
        "{reason}"
    );
    assert_eq!(answer.summary.deferred, 1);
    assert_eq!(sim_status(&sim, "busy"), GraphStatus::Running);

    // An hour later, past the window after the stop but within at_most: still acted
    // on, and still busy.
    sim.advance_clock(Duration::from_secs(3600));
    sim.set_requests(&id("busy"), minutes_ago(&sim, 11), 5);
    let answer = reconcile(&runner(&sim, &schedules, None)).await;
    let (outcome, reason) = entry(&answer, "busy");
    assert_eq!(outcome, Outcome::Deferred, "{reason}");
    assert!(reason.starts_with("busy: 5 requests"), "{reason}");

    // Past at_most (2 hours after the stop): stopped however busy, and it says so.
    sim.advance_clock(Duration::from_secs(65 * 60));
    sim.set_requests(&id("busy"), minutes_ago(&sim, 11), 9);
    sim.clear_requests();
    let answer = reconcile(&runner(&sim, &schedules, None)).await;
    let (outcome, reason) = entry(&answer, "busy");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    assert!(
        reason.contains("whether or not the graph is busy"),
        "{reason}"
    );
    assert_eq!(cloud_eye_reads(&sim), 0);
}

#[tokio::test]
async fn with_stop_when_idle_enforce_starts_no_graph_in_the_middle_of_a_period() {
    let sim = simulator(vec![
        member("kept-off", "office").with_status(GraphStatus::Stopped),
        member("started", "office-plain").with_status(GraphStatus::Stopped),
    ])
    .await;
    sim.advance_clock(Duration::from_secs(3600));
    // A period that began 3 hours ago and ends in 3 hours: outside the window.
    let period = format!(
        r#"{{"days": "mon-sun", "start": "{}", "stop": "{}"}}"#,
        wall(&sim, 180),
        wall(&sim, -180)
    );
    let schedules = format!(
        r#"{{"schedules": {{
            "office": {{"timezone": "UTC", "periods": [{period}], "enforce": true,
                        "start_graphs": true, "stop_when_idle": "30m"}},
            "office-plain": {{"timezone": "UTC", "periods": [{period}], "enforce": true,
                              "start_graphs": true}}}}}}"#
    );
    let answer = reconcile(&runner(&sim, &schedules, None)).await;
    let (outcome, reason) = entry(&answer, "kept-off");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(reason.contains("next period's start"), "{reason}");
    assert_eq!(entry(&answer, "started").0, Outcome::Starting);
}

/// A configuration without credentials (FunctionGraph's, where each invocation brings
/// its agency's): the run's own credentials sign the Cloud Eye reads as well as the GES
/// calls, since nothing else could sign them; a run without any is refused before
/// anything is sent.
#[tokio::test]
async fn a_runs_own_credentials_sign_its_cloud_eye_reads() {
    let sim = Simulator::builder()
        .graphs(vec![member("quiet", "idle"), member("used", "idle")])
        .ak_sk("RUN-AK", "run-sk")
        .start()
        .await
        .unwrap();
    sim.advance_clock(Duration::from_secs(3600));
    sim.set_requests(&id("used"), minutes_ago(&sim, 25), 3);
    let env = [
        (vars::ENDPOINT, sim.base_url()),
        (vars::CES_ENDPOINT, sim.base_url()),
        (vars::SCHEDULES, IDLE_ONLY.to_owned()),
        (vars::MAX_ATTEMPTS, "1".to_owned()),
    ];
    let lookup = |name: &str| variable(&env, name);
    // The default is still to refuse a configuration without credentials.
    assert!(Config::from_lookup(lookup).is_err());
    let overrides = ges_client::config::Overrides {
        project_id: Some(sim.project_id().clone()),
        runs_bring_credentials: true,
        ..Default::default()
    };
    let (config, settings) = ges_client::run::load(lookup, &overrides, None)
        .await
        .unwrap();
    let now = sim_now(&sim);
    let runner = Runner::new(&config, settings)
        .unwrap()
        .with_clock(Clock::new(move || now));
    let mut request = RunRequest {
        graphs: Some(Graphs::Scheduled(Scheduled {
            selectors: Vec::new(),
            at: None,
        })),
        ..RunRequest::default()
    };

    let refused = runner.run(&request, None).await.unwrap_err();
    assert_eq!(refused.kind().name(), "InvalidConfiguration", "{refused}");
    assert!(refused.to_string().contains("agency"), "{refused}");
    assert!(sim.requests().is_empty());

    request.credentials = Some(ges_client::run::RunCredentials::ak_sk(
        "RUN-AK".to_owned(),
        "run-sk".to_owned().into(),
        None,
    ));
    let answer = match runner.run(&request, None).await {
        Ok(Answer::Batch(batch)) => batch,
        other => panic!("{other:?}"),
    };
    let (outcome, reason) = entry(&answer, "quiet");
    assert_eq!(outcome, Outcome::Stopping, "{reason}");
    let (outcome, reason) = entry(&answer, "used");
    assert_eq!(outcome, Outcome::Unchanged, "{reason}");
    assert!(cloud_eye_reads(&sim) > 0);
    assert!(sim.requests().iter().all(|record| record.status < 400));
}
