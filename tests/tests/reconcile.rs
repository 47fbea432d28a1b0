//! Schedules end to end: the release `ges-stop-lambda` binary under the Lambda runtime
//! emulator reconciles a small fleet of the simulator, tagged with three schedules (one
//! that starts graphs, one that only stops, one that enforces), an unknown one, skip-until
//! tags and the opt-out tag, at instants pinned with `"at"` (the emulator's clock is not
//! ours, and the schedules must not depend on when the test runs). A run that acts takes
//! its `at` only near the function's clock: the scenario's dates are moved by whole days
//! next to now ([`DayShift`]), within the week `GES_MAX_EVENT_AGE_MINUTES` is set to, and
//! the answers moved back, so that it reads as written.
//!
//! One emulator serves every invocation; two functions run on it in turn, the second
//! only to fail its init on a bad document. Each scenario puts the fleet back as it
//! wants it, and what each graph must come to is spelled out per scenario, so that a
//! wrong decision names its graph.

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{GraphSpec, OperationKind, RunningSimulator, SELF_RESTART_AFTER, Simulator};
use ges_stop_e2e::lambda::NoAnswer;
use ges_stop_e2e::shift::DayShift;
use ges_stop_e2e::{LambdaEmulator, LambdaFunction, workspace_root};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-reconcile-token-3b9e41";
/// The project of `examples/events/`, the simulator's main one.
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Long enough that a stopped or started graph stays `901` or `920` until the test
/// moves the simulator's clock on.
const STOP_TAKES: Duration = Duration::from_secs(120);
const START_TAKES: Duration = Duration::from_secs(90);
/// How long an init failure may take to be reported, and the function to exit.
const INIT_LIMIT: Duration = Duration::from_secs(30);

/// All in UTC, so that the instants below read as the schedules' local times, and every
/// day alike, so that the scenario may move by whole days. `office` runs every day from
/// 08:00 to 20:00 and starts graphs, except on two skip dates (the second for after
/// GES's seven-day restart, which the simulator's own clock stands for); `stop-only`
/// stops at 22:00 and never wants a graph running; `enforced` has office hours, acts on
/// every run, and starts nothing.
const SCHEDULES: &str = r#"{"schedules": {
  "office": {"timezone": "UTC",
             "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}],
             "skip_dates": ["2026-12-06", "2026-12-08"],
             "start_graphs": true},
  "stop-only": {"timezone": "UTC", "periods": [{"days": "mon-sun", "stop": "22:00"}]},
  "enforced": {"timezone": "UTC",
               "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}],
               "enforce": true}
}}"#;

const SCHEDULE_TAG: &str = "ges-stop:schedule";
const SKIP_UNTIL_TAG: &str = "ges-stop:skip-until";

/// A graph of the fleet: its number, name, tags (key, value) and status as added.
type Member = (
    u32,
    &'static str,
    &'static [(&'static str, &'static str)],
    GraphStatus,
);
/// Graphs put in a status before a run: (name, status).
type Statuses<'a> = &'a [(&'a str, GraphStatus)];

/// The fleet: (number, name, tags, status as added). `plain` carries no schedule tag,
/// so no reconcile may list it in its answer.
const FLEET: [Member; 11] = [
    (
        1,
        "office-a",
        &[(SCHEDULE_TAG, "office")],
        GraphStatus::Running,
    ),
    (
        2,
        "office-b",
        &[(SCHEDULE_TAG, "office")],
        GraphStatus::Running,
    ),
    (
        3,
        "office-idle",
        &[(SCHEDULE_TAG, "office")],
        GraphStatus::Stopped,
    ),
    (
        4,
        "nightly",
        &[(SCHEDULE_TAG, "stop-only")],
        GraphStatus::Running,
    ),
    (
        5,
        "guarded",
        &[(SCHEDULE_TAG, "enforced")],
        GraphStatus::Running,
    ),
    // A schedule the document lacks: a typo.
    (6, "typo", &[(SCHEDULE_TAG, "offce")], GraphStatus::Running),
    // Kept out until long after every instant of the test (the basic form, as a
    // console tag must be written).
    (
        7,
        "frozen-out",
        &[
            (SCHEDULE_TAG, "office"),
            (SKIP_UNTIL_TAG, "20990101T000000Z"),
        ],
        GraphStatus::Running,
    ),
    // Kept out until long before.
    (
        8,
        "back-in",
        &[
            (SCHEDULE_TAG, "office"),
            (SKIP_UNTIL_TAG, "20000101T000000Z"),
        ],
        GraphStatus::Running,
    ),
    (
        9,
        "kept",
        &[(SCHEDULE_TAG, "office"), ("ges-stop:skip", "true")],
        GraphStatus::Running,
    ),
    (10, "plain", &[], GraphStatus::Running),
    // Kept out until midnight of 2026-12-05 in the schedule's zone: before the 20:05
    // run of the 4th, back for the 08:05 start of the 5th.
    (
        11,
        "holiday-back",
        &[(SCHEDULE_TAG, "office"), (SKIP_UNTIL_TAG, "2026-12-05")],
        GraphStatus::Stopped,
    ),
];

/// Friday 2026-12-04, five minutes after the office's 20:00 stop: within the window.
const AFTER_STOP: &str = "2026-12-04T20:05:00Z";
/// Three hours after it: outside the window; an hour after the stop-only's 22:00.
const LATE_EVENING: &str = "2026-12-04T23:00:00Z";
/// Ten minutes after the stop-only's 22:00 stop.
const AFTER_NIGHTLY_STOP: &str = "2026-12-04T22:10:00Z";
/// Saturday, five minutes after the office's 08:00 start.
const AFTER_START: &str = "2026-12-05T08:05:00Z";
/// Sunday, a skip date, at noon: within office hours, long after any boundary.
const SKIP_DAY_NOON: &str = "2026-12-06T12:00:00Z";
/// That evening, an hour after the office's (and the enforced's) 20:00 stop.
const SKIP_DAY_EVENING: &str = "2026-12-06T21:00:00Z";
/// The next skip date's evening: the latest instant a run acts at.
const NEXT_SKIP_EVENING: &str = "2026-12-08T21:00:00Z";

/// How far the scenario moves: its latest acting instant to within the last day. Its
/// earliest (`AFTER_STOP`) is then less than five days and a day before now.
static SHIFT: LazyLock<DayShift> = LazyLock::new(|| DayShift::to_now(NEXT_SKIP_EVENING));
/// A week, the most it may be: what the moved scenario needs.
const MAX_EVENT_AGE_MINUTES: &str = "10080";

/// Every key a reconcile's summary has, in this order.
const SUMMARY_KEYS: [&str; 12] = [
    "selected",
    "stopping",
    "stopped",
    "already_stopped",
    "skipped",
    "would_stop",
    "starting",
    "already_running",
    "unchanged",
    "would_start",
    "deferred",
    "failed",
];

fn spec(number: u32) -> GraphSpec {
    let (_, name, tags, status) = FLEET
        .iter()
        .find(|(n, ..)| *n == number)
        .unwrap_or_else(|| panic!("no graph {number} in the fleet"));
    let mut graph = GraphSpec::numbered(number, *name).with_status(status.clone());
    for (key, value) in *tags {
        graph = graph.with_tag(*key, SHIFT.apply(value));
    }
    graph
}

fn fleet() -> Vec<GraphSpec> {
    FLEET.iter().map(|(n, ..)| spec(*n)).collect()
}

fn id_of(name: &str) -> GraphId {
    let (number, ..) = FLEET
        .iter()
        .find(|(_, n, ..)| *n == name)
        .unwrap_or_else(|| panic!("no graph {name} in the fleet"));
    GraphSpec::numbered(*number, name).id
}

/// Puts every graph back as the fleet says (forgetting its stops and starts), then
/// `statuses` over it, and forgets the traffic.
fn reset(simulator: &RunningSimulator, statuses: &[(&str, GraphStatus)]) {
    for graph in fleet() {
        simulator.put_graph(graph);
    }
    for (name, status) in statuses {
        let (number, ..) = FLEET
            .iter()
            .find(|(_, n, ..)| n == name)
            .unwrap_or_else(|| panic!("no graph {name} in the fleet"));
        simulator.put_graph(spec(*number).with_status(status.clone()));
    }
    simulator.clear_requests();
}

/// `{"reconcile": true, "at": at}`, moved next to now, a dry run when asked.
fn event(at: &str, dry_run: bool) -> Value {
    let mut event = json!({"reconcile": true, "at": SHIFT.apply(at)});
    if dry_run {
        event["dry_run"] = json!(true);
    }
    event
}

/// The graphs' outcomes, by name, with the answer's shape checked on the way: every
/// entry of the project, reported, named, and the untagged graph absent.
#[track_caller]
fn outcomes(answer: &Value) -> BTreeMap<String, String> {
    let results = answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("a reconcile answers with results: {answer}"));
    let mut outcomes = BTreeMap::new();
    for entry in results {
        assert!(entry.get("error").is_none(), "a failed graph: {entry}");
        assert_eq!(entry["project_id"], PROJECT, "{entry}");
        let name = entry["name"]
            .as_str()
            .unwrap_or_else(|| panic!("an entry without its name: {entry}"));
        assert_eq!(entry["graph_id"], id_of(name).as_str(), "{entry}");
        let outcome = entry["outcome"]
            .as_str()
            .unwrap_or_else(|| panic!("an entry without its outcome: {entry}"));
        assert!(
            outcomes
                .insert(name.to_owned(), outcome.to_owned())
                .is_none(),
            "{name} twice: {answer}"
        );
    }
    assert!(
        !outcomes.contains_key("plain"),
        "an untagged graph: {answer}"
    );
    outcomes
}

/// The expected outcomes as `outcomes` gives them.
fn wanted(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(name, outcome)| ((*name).to_owned(), (*outcome).to_owned()))
        .collect()
}

/// The entry of the graph named `name`.
#[track_caller]
fn entry<'a>(answer: &'a Value, name: &str) -> &'a Value {
    answer["results"]
        .as_array()
        .and_then(|results| results.iter().find(|entry| entry["name"] == name))
        .unwrap_or_else(|| panic!("no entry for {name}: {answer}"))
}

#[track_caller]
fn reason<'a>(answer: &'a Value, name: &str) -> &'a str {
    let entry = entry(answer, name);
    entry["reason"]
        .as_str()
        .unwrap_or_else(|| panic!("{name} has no reason: {entry}"))
}

/// Checks the summary against the outcomes (every key there, each the count of its
/// outcome) and returns it as `{key: count}` for the non-zero keys.
#[track_caller]
fn summary(answer: &Value) -> BTreeMap<&'static str, u64> {
    let outcomes = outcomes(answer);
    let summary = &answer["summary"];
    let mut counts = BTreeMap::new();
    for key in SUMMARY_KEYS {
        let count = summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in the summary {summary}"));
        let model = if key == "selected" {
            outcomes.len()
        } else {
            outcomes.values().filter(|outcome| *outcome == key).count()
        };
        assert_eq!(count, model as u64, "{key} in {summary}");
        if count > 0 {
            counts.insert(key, count);
        }
    }
    counts
}

/// The operations the simulator received, in order.
fn operations(simulator: &RunningSimulator) -> Vec<OperationKind> {
    simulator
        .requests()
        .iter()
        .map(|request| {
            request
                .operation
                .unwrap_or_else(|| panic!("a call that is no operation: {request:?}"))
        })
        .collect()
}

/// The graphs (by name) that got calls of `operation`, each as many times as it got them.
fn called(simulator: &RunningSimulator, operation: OperationKind) -> Vec<String> {
    let mut names: Vec<String> = simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(operation))
        .map(|request| {
            let id = request
                .graph_id
                .as_ref()
                .unwrap_or_else(|| panic!("a call without its graph: {request:?}"));
            FLEET
                .iter()
                .map(|(_, name, ..)| *name)
                .find(|name| id_of(name) == *id)
                .unwrap_or_else(|| panic!("a call for a graph not of the fleet: {request:?}"))
                .to_owned()
        })
        .collect();
    names.sort();
    names
}

/// Asserts that the only call was the listing of the project, once.
#[track_caller]
fn assert_only_listed(simulator: &RunningSimulator) {
    assert_eq!(operations(simulator), [OperationKind::ListGraphs]);
}

#[track_caller]
fn assert_status(simulator: &RunningSimulator, name: &str, status: GraphStatus) {
    assert_eq!(simulator.graph_status(&id_of(name)), Some(status), "{name}");
}

/// Asserts that each named graph's entry has the job the simulator started for it.
#[track_caller]
fn assert_jobs(simulator: &RunningSimulator, answer: &Value, stopped: &[&str], started: &[&str]) {
    let jobs = |name: &str, job: Option<_>| {
        let job: ges_api::types::JobId =
            job.unwrap_or_else(|| panic!("no job for {name} in the simulator"));
        assert_eq!(entry(answer, name)["job_id"], job.as_str(), "{name}");
    };
    for name in stopped {
        jobs(name, simulator.last_stop_job(&id_of(name)));
    }
    for name in started {
        jobs(name, simulator.last_start_job(&id_of(name)));
    }
}

#[tokio::test]
async fn a_reconcile_stops_and_starts_each_graph_as_its_schedule_wants() {
    let simulator = Simulator::builder()
        .graphs(fleet())
        .token(TOKEN)
        .stop_duration(STOP_TAKES)
        .start_duration(START_TAKES)
        .start()
        .await
        .expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    let emulator = LambdaEmulator::start().await;
    let env = [
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("GES_SCHEDULES", SHIFT.apply(SCHEDULES)),
        (
            "GES_MAX_EVENT_AGE_MINUTES",
            MAX_EVENT_AGE_MINUTES.to_owned(),
        ),
    ];
    let mut function = LambdaFunction::start(&emulator, env.clone()).await;

    // 20:05, within the window after the office's stop: its running graphs stop, as
    // do the enforced schedule's and the graph whose skip-until has passed. The
    // stop-only schedule's last stop (22:00 yesterday) is long past: left alone.
    let answer = function
        .invoke(&event(AFTER_STOP, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    assert_eq!(answer["at"], AFTER_STOP, "{answer}");
    assert_eq!(
        outcomes(&answer),
        wanted(&[
            ("office-a", "stopping"),
            ("office-b", "stopping"),
            ("office-idle", "already_stopped"),
            ("nightly", "unchanged"),
            ("guarded", "stopping"),
            ("typo", "skipped"),
            ("frozen-out", "skipped"),
            ("back-in", "stopping"),
            ("kept", "skipped"),
            ("holiday-back", "skipped"),
        ]),
        "{answer}"
    );
    assert_eq!(
        summary(&answer),
        BTreeMap::from([
            ("selected", 10),
            ("stopping", 4),
            ("already_stopped", 1),
            ("skipped", 4),
            ("unchanged", 1),
        ])
    );
    let stopped = ["back-in", "guarded", "office-a", "office-b"];
    assert_eq!(called(&simulator, OperationKind::StopGraph), stopped);
    assert_eq!(
        called(&simulator, OperationKind::StartGraph),
        [] as [&str; 0]
    );
    assert_jobs(&simulator, &answer, &stopped, &[]);
    // The schedule's facts: what it wants, and when that changes.
    let office_a = entry(&answer, "office-a");
    assert_eq!(office_a["schedule"], "office", "{office_a}");
    assert_eq!(office_a["desired"], "stopped", "{office_a}");
    assert_eq!(
        office_a["next_change"],
        json!({"at": "2026-12-05T08:00:00Z", "desired": "running"}),
        "{office_a}"
    );
    let nightly = entry(&answer, "nightly");
    assert_eq!(nightly["desired"], "stopped", "{nightly}");
    assert!(
        nightly.get("next_change").is_none(),
        "a stop-only schedule never changes: {nightly}"
    );
    assert!(
        reason(&answer, "nightly").contains("does not enforce"),
        "{nightly}"
    );
    let typo = entry(&answer, "typo");
    assert_eq!(typo["schedule"], "offce", "{typo}");
    assert!(typo.get("desired").is_none(), "{typo}");
    assert!(
        reason(&answer, "typo").contains(r#"ges-stop:schedule="offce""#)
            && reason(&answer, "typo").contains("names a schedule the document does not have"),
        "{typo}"
    );
    assert_eq!(
        reason(&answer, "frozen-out"),
        "kept out of its schedule by the tag ges-stop:skip-until until 2099-01-01T00:00:00Z"
    );
    assert_eq!(
        reason(&answer, "holiday-back"),
        "kept out of its schedule by the tag ges-stop:skip-until until 2026-12-05T00:00:00Z"
    );
    assert_eq!(
        reason(&answer, "kept"),
        "opted out by the tag ges-stop:skip=true"
    );
    for name in stopped {
        assert_status(&simulator, name, GraphStatus::Stopping);
    }
    for name in ["nightly", "typo", "frozen-out", "kept", "plain"] {
        assert_status(&simulator, name, GraphStatus::Running);
    }
    // One listing, then the stops.
    assert_eq!(operations(&simulator)[0], OperationKind::ListGraphs);
    assert_eq!(
        operations(&simulator)
            .iter()
            .filter(|operation| **operation == OperationKind::ListGraphs)
            .count(),
        1
    );

    // The same instant again (a retried delivery, or the next run within the window):
    // acted on once; the graphs are stopping, and nothing more is sent.
    simulator.clear_requests();
    let again = function
        .invoke(&event(AFTER_STOP, false))
        .await
        .answer()
        .clone();
    let again = SHIFT.undo_json(&again);
    assert_eq!(
        outcomes(&again),
        wanted(&[
            ("office-a", "already_stopped"),
            ("office-b", "already_stopped"),
            ("office-idle", "already_stopped"),
            ("nightly", "unchanged"),
            ("guarded", "already_stopped"),
            ("typo", "skipped"),
            ("frozen-out", "skipped"),
            ("back-in", "already_stopped"),
            ("kept", "skipped"),
            ("holiday-back", "skipped"),
        ]),
        "{again}"
    );
    assert_eq!(reason(&again, "office-a"), "the graph is stopping (901)");
    assert_only_listed(&simulator);
    simulator.advance_clock(STOP_TAKES);
    for name in stopped {
        assert_status(&simulator, name, GraphStatus::Stopped);
    }

    // 23:00, outside the window: a graph somebody started by hand since 20:00 is left
    // running; the enforced schedule's graph, started the same way, is stopped again.
    reset(
        &simulator,
        &[
            ("office-b", GraphStatus::Stopped),
            ("back-in", GraphStatus::Stopped),
        ],
    );
    let answer = function
        .invoke(&event(LATE_EVENING, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    let late = outcomes(&answer);
    assert_eq!(late["office-a"], "unchanged", "{answer}");
    assert_eq!(late["office-b"], "already_stopped", "{answer}");
    assert_eq!(late["guarded"], "stopping", "{answer}");
    assert_eq!(
        late["nightly"], "unchanged",
        "an hour after 22:00: {answer}"
    );
    assert!(
        reason(&answer, "office-a").contains("does not enforce"),
        "{answer}"
    );
    assert_eq!(called(&simulator, OperationKind::StopGraph), ["guarded"]);
    assert_jobs(&simulator, &answer, &["guarded"], &[]);
    assert_status(&simulator, "office-a", GraphStatus::Running);
    assert_status(&simulator, "guarded", GraphStatus::Stopping);

    // Dry runs: the listing alone, and what a real run would do. 22:10 is within the
    // stop-only schedule's window.
    reset(&simulator, &[]);
    let answer = function
        .invoke(&event(AFTER_NIGHTLY_STOP, true))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    assert_eq!(answer["at"], AFTER_NIGHTLY_STOP, "{answer}");
    let dry = outcomes(&answer);
    assert_eq!(dry["nightly"], "would_stop", "{answer}");
    assert_eq!(dry["guarded"], "would_stop", "{answer}");
    assert_eq!(dry["office-a"], "unchanged", "{answer}");
    assert!(
        answer["results"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|entry| entry["job_id"].is_null()),
        "{answer}"
    );
    assert_only_listed(&simulator);
    let stopped_idle = [
        ("office-a", GraphStatus::Stopped),
        ("office-b", GraphStatus::Stopped),
        ("guarded", GraphStatus::Stopped),
    ];
    reset(&simulator, &stopped_idle);
    let answer = function
        .invoke(&event(AFTER_START, true))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    assert_eq!(
        outcomes(&answer),
        wanted(&[
            ("office-a", "would_start"),
            ("office-b", "would_start"),
            ("office-idle", "would_start"),
            ("nightly", "unchanged"),
            ("guarded", "unchanged"),
            ("typo", "skipped"),
            ("frozen-out", "skipped"),
            ("back-in", "already_running"),
            ("kept", "skipped"),
            ("holiday-back", "would_start"),
        ]),
        "{answer}"
    );
    assert_only_listed(&simulator);
    for name in ["office-a", "office-b", "office-idle", "holiday-back"] {
        assert_status(&simulator, name, GraphStatus::Stopped);
    }

    // 08:05 for real: the office's stopped graphs start (the skip-until of midnight is
    // past, so holiday-back with them); the enforced schedule wants its graph running
    // but does not start graphs.
    reset(&simulator, &stopped_idle);
    let answer = function
        .invoke(&event(AFTER_START, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    assert_eq!(
        outcomes(&answer),
        wanted(&[
            ("office-a", "starting"),
            ("office-b", "starting"),
            ("office-idle", "starting"),
            ("nightly", "unchanged"),
            ("guarded", "unchanged"),
            ("typo", "skipped"),
            ("frozen-out", "skipped"),
            ("back-in", "already_running"),
            ("kept", "skipped"),
            ("holiday-back", "starting"),
        ]),
        "{answer}"
    );
    assert_eq!(
        summary(&answer),
        BTreeMap::from([
            ("selected", 10),
            ("starting", 4),
            ("already_running", 1),
            ("skipped", 3),
            ("unchanged", 2),
        ])
    );
    let started = ["holiday-back", "office-a", "office-b", "office-idle"];
    assert_eq!(called(&simulator, OperationKind::StartGraph), started);
    assert_eq!(
        called(&simulator, OperationKind::StopGraph),
        [] as [&str; 0]
    );
    assert_jobs(&simulator, &answer, &[], &started);
    assert!(
        reason(&answer, "guarded").contains("does not start graphs"),
        "{answer}"
    );
    assert_eq!(entry(&answer, "office-a")["desired"], "running");
    assert_eq!(
        entry(&answer, "office-a")["next_change"],
        json!({"at": "2026-12-05T20:00:00Z", "desired": "stopped"})
    );
    for name in started {
        assert_status(&simulator, name, GraphStatus::Starting);
    }
    simulator.advance_clock(START_TAKES);
    for name in started {
        assert_status(&simulator, name, GraphStatus::Running);
    }

    // A skip date: a running graph is stopped whatever the time (noon, hours after any
    // boundary), and a stopped one is not started.
    reset(&simulator, &[("holiday-back", GraphStatus::Running)]);
    let answer = function
        .invoke(&event(SKIP_DAY_NOON, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    let skip_day = outcomes(&answer);
    for name in ["office-a", "office-b", "back-in", "holiday-back"] {
        assert_eq!(skip_day[name], "stopping", "{name}: {answer}");
    }
    assert_eq!(skip_day["office-idle"], "already_stopped", "{answer}");
    assert_eq!(skip_day["guarded"], "already_running", "{answer}");
    assert_eq!(entry(&answer, "office-a")["desired"], "stopped");
    assert_eq!(
        entry(&answer, "office-a")["next_change"],
        json!({"at": "2026-12-07T08:00:00Z", "desired": "running"})
    );
    assert_eq!(
        called(&simulator, OperationKind::StopGraph),
        ["back-in", "holiday-back", "office-a", "office-b"]
    );
    assert_eq!(
        called(&simulator, OperationKind::StartGraph),
        [] as [&str; 0]
    );

    // `at` far in the past and in the future is evaluated as given, and echoed in UTC.
    reset(&simulator, &[]);
    for (at, echoed) in [
        ("2001-02-03T04:05:06+09:00", "2001-02-02T19:05:06Z"),
        ("2099-12-31T23:59:59Z", "2099-12-31T23:59:59Z"),
    ] {
        let answer = SHIFT.undo_json(function.invoke(&event(at, true)).await.answer());
        assert_eq!(answer["at"], echoed, "{answer}");
        assert_eq!(summary(&answer)["selected"], 10, "{answer}");
    }
    // Only listings: one per run.
    assert_eq!(
        operations(&simulator),
        [OperationKind::ListGraphs, OperationKind::ListGraphs]
    );

    // Over HTTP (an HTTP API, POST /reconcile): the fixture as it is (a dry run, now),
    // then with `at`, and without `reconcile`, which the route implies.
    reset(&simulator, &[]);
    let fixture = read_event("reconcile-http.json");
    let answer = function.invoke(&fixture).await.http();
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    assert!(answer.body["at"].is_string(), "{}", answer.body);
    assert_eq!(summary(&answer.body)["selected"], 10, "{}", answer.body);
    let after_stop = SHIFT.apply(AFTER_STOP);
    for body in [
        json!({"reconcile": true, "at": after_stop, "dry_run": true}),
        json!({"at": after_stop, "dry_run": true}),
    ] {
        let mut request = fixture.clone();
        request["body"] = json!(body.to_string());
        let answer = function.invoke(&request).await.http();
        assert_eq!(answer.status, 200, "{body}: {:?}", answer.body);
        assert_eq!(answer.body["at"], after_stop, "{}", answer.body);
        let outcomes = outcomes(&answer.body);
        assert_eq!(outcomes["office-a"], "would_stop", "{}", answer.body);
        assert_eq!(outcomes["nightly"], "unchanged", "{}", answer.body);
    }
    assert_eq!(operations(&simulator), [OperationKind::ListGraphs; 3]);

    // A bad `at` is refused, naming the field, before anything is sent.
    simulator.clear_requests();
    for bad in ["tomorrow at noon", "2026-12-04T20:05:00", "2026-12-04"] {
        let error = function
            .invoke(&json!({"reconcile": true, "at": bad}))
            .await
            .error();
        assert_eq!(error.error_type, "InvalidEvent", "{bad}: {error:?}");
        assert!(
            error.error_message.contains("\"at\"") || error.error_message.contains("`at`"),
            "{bad}: {error:?}"
        );
        assert!(error.error_message.contains(bad), "{bad}: {error:?}");
    }
    let error = function
        .invoke(&json!({"reconcile": true, "at": 20261204}))
        .await
        .error();
    assert_eq!(error.error_type, "InvalidEvent", "{error:?}");
    assert_eq!(operations(&simulator), Vec::<OperationKind>::new());

    // GES's seven-day rule: a graph stopped a week ago (by the simulator's clock) is
    // running again by itself, and the next skip date, or the enforced schedule, stops
    // it again.
    reset(&simulator, &[]);
    let answer = function
        .invoke(&event(SKIP_DAY_EVENING, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    let evening = outcomes(&answer);
    assert_eq!(evening["office-a"], "stopping", "{answer}");
    assert_eq!(evening["guarded"], "stopping", "{answer}");
    simulator.advance_clock(STOP_TAKES);
    assert_status(&simulator, "office-a", GraphStatus::Stopped);
    assert_status(&simulator, "guarded", GraphStatus::Stopped);
    simulator.advance_clock(SELF_RESTART_AFTER);
    assert_status(&simulator, "office-a", GraphStatus::Running);
    assert_status(&simulator, "guarded", GraphStatus::Running);
    simulator.clear_requests();
    let answer = function
        .invoke(&event(NEXT_SKIP_EVENING, false))
        .await
        .answer()
        .clone();
    let answer = SHIFT.undo_json(&answer);
    let next_skip = outcomes(&answer);
    assert_eq!(next_skip["office-a"], "stopping", "{answer}");
    assert_eq!(next_skip["guarded"], "stopping", "{answer}");
    let again = called(&simulator, OperationKind::StopGraph);
    assert!(
        again.contains(&"office-a".to_owned()) && again.contains(&"guarded".to_owned()),
        "{again:?}"
    );
    assert_jobs(&simulator, &answer, &["office-a", "guarded"], &[]);
    assert_status(&simulator, "office-a", GraphStatus::Stopping);
    assert_status(&simulator, "guarded", GraphStatus::Stopping);

    // One `summary` log line per run, with the instant.
    let summaries: Vec<Value> = function
        .json_logs()
        .into_iter()
        .filter(|line| line["fields"]["message"] == "summary")
        .collect();
    assert!(
        summaries
            .iter()
            .any(|line| line.to_string().contains(&SHIFT.apply(NEXT_SKIP_EVENING))),
        "{summaries:#?}"
    );
    let output = function.stop().await;
    assert!(
        !output.stdout_lines.iter().any(|line| line.contains(TOKEN)),
        "the token was logged"
    );

    // A bad document: the function fails its init, naming the field, and serves
    // nothing. The same emulator, the first function gone.
    let bad = SCHEDULES.replace(r#""stop": "22:00""#, r#""stop": "25:00""#);
    assert_ne!(bad, SCHEDULES);
    let mut env = env.to_vec();
    env.retain(|(name, _)| *name != "GES_SCHEDULES");
    env.push(("GES_SCHEDULES", bad));
    let function = LambdaFunction::start(&emulator, env).await;
    simulator.clear_requests();
    let named = ["GES_SCHEDULES", "stop-only", "stop", "25:00"];
    match function
        .try_invoke(&event(AFTER_STOP, true), INIT_LIMIT)
        .await
    {
        // The emulator hands the init error to the invocation waiting then.
        Ok(answer) => {
            assert_eq!(
                answer.body["errorType"], "InvalidConfiguration",
                "{answer:?}"
            );
            let message = answer.body["errorMessage"].as_str().unwrap_or_default();
            assert!(named.iter().all(|n| message.contains(n)), "{message}");
            let status = function
                .wait_exit(INIT_LIMIT)
                .await
                .expect("the function exits after reporting");
            assert!(!status.success(), "{status}");
        }
        // Or the function is gone before the invocation reached it: its log says why.
        Err(NoAnswer::FunctionExited(status)) => assert!(!status.success(), "{status}"),
        Err(other) => panic!(
            "a bad document should fail the init, got {other}\n{}",
            function.diagnostics()
        ),
    }
    let line = function
        .wait_for_log(Duration::from_secs(5), |line| {
            line["level"] == "ERROR" && named.iter().all(|n| line.to_string().contains(n))
        })
        .await;
    assert!(line.to_string().contains("25:00"), "{line}");
    assert_eq!(
        operations(&simulator),
        Vec::<OperationKind>::new(),
        "nothing sent"
    );
}

/// Every entry says why in its `reason`, a graph acted on as much as one left alone
/// (README.md, "The answer": `"outcome":"stopping", ..., "reason":"the period ended at
/// ..."`): which boundary, or the skip date, the stop or the start was for.
#[tokio::test]
async fn a_graph_acted_on_says_which_boundary_in_its_reason() {
    let simulator = Simulator::builder()
        .graphs(fleet())
        .token(TOKEN)
        .stop_duration(STOP_TAKES)
        .start_duration(START_TAKES)
        .start()
        .await
        .expect("the simulator starts");
    let emulator = LambdaEmulator::start().await;
    let env = [
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("GES_SCHEDULES", SHIFT.apply(SCHEDULES)),
        (
            "GES_MAX_EVENT_AGE_MINUTES",
            MAX_EVENT_AGE_MINUTES.to_owned(),
        ),
    ];
    let function = LambdaFunction::start(&emulator, env).await;
    let stopped_idle = [
        ("office-a", GraphStatus::Stopped),
        ("office-b", GraphStatus::Stopped),
    ];
    // (the instant, the graphs put stopped first, the outcome, what the reason names)
    let runs: [(&str, Statuses<'_>, &str, &str); 3] = [
        (AFTER_STOP, &[], "stopping", "2026-12-04T20:00:00Z"),
        (
            AFTER_START,
            &stopped_idle,
            "starting",
            "2026-12-05T08:00:00Z",
        ),
        (SKIP_DAY_NOON, &[], "stopping", "2026-12-06 is a skip date"),
    ];
    for (at, statuses, outcome, named) in runs {
        reset(&simulator, statuses);
        let answer = SHIFT.undo_json(function.invoke(&event(at, false)).await.answer());
        for name in ["office-a", "office-b"] {
            let entry = entry(&answer, name);
            assert_eq!(entry["outcome"], outcome, "{at}: {entry}");
            let reason = entry["reason"].as_str().unwrap_or_default();
            assert!(
                reason.contains(named),
                "{at}: {name} should name {named}: {entry}"
            );
        }
    }
}

/// An event of `examples/events/`.
fn read_event(name: &str) -> Value {
    let path = workspace_root().join("examples/events").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("could not read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}
