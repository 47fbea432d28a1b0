//! Reconcile in-process against the simulator on loopback: each scheduled graph brought
//! to its schedule's state at the event's `at`, boundaries acted on once, hand changes
//! left alone unless enforced, skip dates, skip-until, starts, dry runs, and the answer's
//! schedule facts. (The same under the real runtime emulator is in
//! `tests/tests/reconcile.rs`.)

mod common;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::Duration;

use common::context;
use ges_api::types::{GraphId, GraphSizeTypeIndex, GraphStatus, ProductType};
use ges_client::config::vars;
use ges_client::run::Settings;
use ges_simulator::{GraphSpec, OperationKind, RunningSimulator, Simulator};
use ges_stop_lambda::answer::FunctionError;
use ges_stop_lambda::handler::{Clock, Handler};
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

const TOKEN: &str = "reconcile-test-token";
const PATIENCE: Duration = Duration::from_secs(20);

/// Office hours in UTC every day, starting graphs; Christmas off. Berlin nights stopped
/// (stop only). An enforced schedule in New York.
const SCHEDULES: &str = r#"{"schedules": {
  "office": {"timezone": "UTC",
             "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}],
             "skip_dates": ["2026-12-25"], "start_graphs": true},
  "office-no-start": {"timezone": "UTC",
             "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}]},
  "nightly": {"timezone": "Europe/Berlin", "periods": [{"days": "mon-sun", "stop": "22:00"}]},
  "enforced": {"timezone": "America/New_York",
               "periods": [{"days": "mon-fri", "start": "09:00", "stop": "17:00"}],
               "enforce": true, "start_graphs": true}
}}"#;

fn graph(n: u32, status: GraphStatus, schedule: Option<&str>) -> GraphSpec {
    let spec = GraphSpec::numbered(n, format!("graph-{n}")).with_status(status);
    match schedule {
        Some(name) => spec.with_tag("ges-stop:schedule", name),
        None => spec,
    }
}

fn id(n: u32) -> GraphId {
    GraphSpec::numbered(n, "x").id
}

async fn simulator(graphs: Vec<GraphSpec>) -> RunningSimulator {
    Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .stop_duration(Duration::from_secs(30))
        .start_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap()
}

thread_local! {
    /// The instant the invocation under way is run at: its `at`, as if Scheduler had
    /// delivered it on time. A thread's own, as each test's runtime runs on its thread.
    static RUN_AT: Cell<Option<Timestamp>> = const { Cell::new(None) };
}

/// A handler on `SCHEDULES` whose clock reads the `at` of the event it serves: the
/// decisions at pinned instants are what these tests check, and an acting run is only
/// taken near its clock's now (the bound itself is tested with the system clock).
fn handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    let mut env = vec![(vars::SCHEDULES, SCHEDULES)];
    env.extend_from_slice(extra);
    common::token_handler(simulator, TOKEN, &env).with_clock(Clock::new(|| {
        RUN_AT.with(Cell::get).unwrap_or_else(Timestamp::now)
    }))
}

async fn invoke(handler: &Handler, payload: Value) -> Result<Value, FunctionError> {
    RUN_AT.with(|run_at| run_at.set(payload["at"].as_str().and_then(|at| at.parse().ok())));
    tokio::time::timeout(PATIENCE, handler.invoke(&payload, &context(PATIENCE)))
        .await
        .expect("the invocation ends in time")
}

async fn reconcile(handler: &Handler, at: &str) -> Value {
    invoke(handler, json!({"reconcile": true, "at": at}))
        .await
        .unwrap()
}

/// Each graph's outcome, by graph id.
fn outcomes(answer: &Value) -> BTreeMap<String, String> {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            (
                entry["graph_id"].as_str().unwrap().to_owned(),
                entry["outcome"].as_str().unwrap_or("error").to_owned(),
            )
        })
        .collect()
}

fn outcome(answer: &Value, n: u32) -> String {
    outcomes(answer)
        .remove(id(n).as_str())
        .unwrap_or_else(|| "absent".to_owned())
}

fn entry(answer: &Value, n: u32) -> Value {
    answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["graph_id"] == id(n).as_str())
        .cloned()
        .unwrap_or(Value::Null)
}

fn calls(simulator: &RunningSimulator, operation: OperationKind) -> usize {
    simulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(operation))
        .count()
}

#[tokio::test]
async fn a_stop_boundary_is_acted_on_once_within_its_window() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office")),
        graph(2, GraphStatus::Stopped, Some("office")),
        graph(3, GraphStatus::Importing, Some("office")),
        // Not in the run: no schedule tag.
        graph(4, GraphStatus::Running, None),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    // Friday 2026-12-04, five minutes after the 20:00 stop.
    let answer = reconcile(&handler, "2026-12-04T20:05:00Z").await;
    assert_eq!(answer["at"], "2026-12-04T20:05:00Z");
    assert_eq!(outcome(&answer, 1), "stopping");
    assert_eq!(outcome(&answer, 2), "already_stopped");
    assert_eq!(outcome(&answer, 3), "skipped");
    assert_eq!(outcome(&answer, 4), "absent");
    assert_eq!(answer["summary"]["selected"], 3);
    assert_eq!(answer["summary"]["stopping"], 1);
    let stopped = entry(&answer, 1);
    assert_eq!(stopped["schedule"], "office");
    assert_eq!(stopped["desired"], "stopped");
    assert_eq!(
        stopped["next_change"],
        json!({"at": "2026-12-05T08:00:00Z", "desired": "running"})
    );
    assert!(stopped["job_id"].is_string(), "{stopped}");
    assert!(
        entry(&answer, 3)["reason"]
            .as_str()
            .unwrap()
            .contains("importing (202)"),
        "{answer}"
    );
    assert_eq!(simulator.graph_status(&id(1)), Some(GraphStatus::Stopping));
    assert_eq!(calls(&simulator, OperationKind::ListGraphs), 1);
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 1);

    // The next run in the window finds it stopping: nothing more is sent.
    let again = reconcile(&handler, "2026-12-04T20:15:00Z").await;
    assert_eq!(outcome(&again, 1), "already_stopped");
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 1);
}

#[tokio::test]
async fn a_graph_changed_by_hand_between_boundaries_is_left_unless_enforced() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office")),
        graph(2, GraphStatus::Running, Some("nightly")),
        graph(3, GraphStatus::Stopped, Some("enforced")),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    // 21:10 UTC: 70 minutes past office's 20:00 stop; 22:10 in Berlin (CET), ten minutes
    // past its stop; 16:10 in New York, hours into the enforced period that began at 09:00.
    let answer = reconcile(&handler, "2026-12-04T21:10:00Z").await;
    assert_eq!(outcome(&answer, 1), "unchanged", "{answer}");
    assert_eq!(outcome(&answer, 2), "stopping", "within Berlin's window");
    assert_eq!(outcome(&answer, 3), "starting", "enforced");
    assert!(
        entry(&answer, 1)["reason"]
            .as_str()
            .unwrap()
            .contains("does not enforce"),
        "{answer}"
    );
    assert_eq!(simulator.graph_status(&id(1)), Some(GraphStatus::Running));
    assert_eq!(answer["summary"]["unchanged"], 1);
}

#[tokio::test]
async fn a_start_boundary_starts_stopped_graphs_only_where_the_schedule_says() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Stopped, Some("office")),
        graph(2, GraphStatus::Stopped, Some("office-no-start")),
        graph(3, GraphStatus::Running, Some("office")),
        graph(4, GraphStatus::Stopping, Some("office")),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    let answer = reconcile(&handler, "2026-12-04T08:05:00Z").await;
    assert_eq!(outcome(&answer, 1), "starting");
    assert_eq!(outcome(&answer, 2), "unchanged");
    assert_eq!(outcome(&answer, 3), "already_running");
    assert_eq!(outcome(&answer, 4), "skipped");
    assert!(
        entry(&answer, 2)["reason"]
            .as_str()
            .unwrap()
            .contains("start_graphs"),
        "{answer}"
    );
    assert_eq!(entry(&answer, 1)["desired"], "running");
    assert_eq!(simulator.graph_status(&id(1)), Some(GraphStatus::Starting));
    assert!(simulator.last_start_job(&id(1)).is_some());
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 1);
    assert_eq!(answer["summary"]["starting"], 1);
}

#[tokio::test]
async fn a_skip_date_stops_a_running_graph_at_any_hour_and_starts_nothing() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office")),
        graph(2, GraphStatus::Stopped, Some("office")),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    // Christmas, mid-morning: outside any window, inside what would be office hours.
    let answer = reconcile(&handler, "2026-12-25T11:00:00Z").await;
    assert_eq!(outcome(&answer, 1), "stopping", "{answer}");
    assert_eq!(outcome(&answer, 2), "already_stopped");
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 0);
    assert_eq!(
        entry(&answer, 2)["next_change"],
        json!({"at": "2026-12-26T08:00:00Z", "desired": "running"})
    );
}

#[tokio::test]
async fn skip_until_keeps_a_graph_out_until_it_ends_and_a_bad_one_is_skipped() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office"))
            .with_tag("ges-stop:skip-until", "20261210T000000Z"),
        graph(2, GraphStatus::Running, Some("office"))
            .with_tag("ges-stop:skip-until", "2026-12-01"),
        graph(3, GraphStatus::Running, Some("office")).with_tag("ges-stop:skip-until", "next week"),
        graph(4, GraphStatus::Running, Some("no-such-schedule")),
        graph(5, GraphStatus::Running, Some("office")).with_tag("ges-stop:skip", "true"),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    let answer = reconcile(&handler, "2026-12-04T20:05:00Z").await;
    assert_eq!(outcome(&answer, 1), "skipped");
    assert_eq!(outcome(&answer, 2), "stopping", "its skip-until has passed");
    assert_eq!(outcome(&answer, 3), "skipped");
    assert_eq!(outcome(&answer, 4), "skipped");
    assert_eq!(outcome(&answer, 5), "skipped");
    let reason = |n| entry(&answer, n)["reason"].as_str().unwrap().to_owned();
    assert!(
        reason(1).contains("until 2026-12-10T00:00:00Z"),
        "{}",
        reason(1)
    );
    assert!(reason(3).contains("next week"), "{}", reason(3));
    assert!(reason(4).contains("no-such-schedule"), "{}", reason(4));
    assert!(reason(5).contains("opted out"), "{}", reason(5));
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 1);
    assert_eq!(
        answer["summary"]["failed"], 0,
        "a bad tag is never a failed run"
    );

    // After the 10th, the first graph rejoins.
    let later = reconcile(&handler, "2026-12-10T20:05:00Z").await;
    assert_eq!(outcome(&later, 1), "stopping");
}

#[tokio::test]
async fn a_dry_run_sends_only_the_listing() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office")),
        graph(2, GraphStatus::Stopped, Some("enforced")),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    // Friday 20:05 UTC is 15:05 in New York: the enforced schedule wants it running.
    let answer = invoke(
        &handler,
        json!({"reconcile": true, "at": "2026-12-04T20:05:00Z", "dry_run": true}),
    )
    .await
    .unwrap();
    assert_eq!(outcome(&answer, 1), "would_stop");
    assert_eq!(outcome(&answer, 2), "would_start");
    assert_eq!(answer["summary"]["would_start"], 1);
    let sent: Vec<_> = simulator
        .requests()
        .iter()
        .filter_map(|r| r.operation)
        .collect();
    assert_eq!(sent, vec![OperationKind::ListGraphs]);
}

#[tokio::test]
async fn at_in_the_past_or_future_is_what_the_schedules_are_evaluated_at() {
    let simulator = simulator(vec![graph(1, GraphStatus::Running, Some("office"))]).await;
    let handler = handler(&simulator, &[]);
    for (at, expected) in [
        ("2020-02-29T20:10:00+00:00", "would_stop"),
        ("2099-06-01T10:00:00+02:00", "already_running"),
    ] {
        let answer = invoke(
            &handler,
            json!({"reconcile": true, "at": at, "dry_run": true}),
        )
        .await
        .unwrap();
        assert_eq!(outcome(&answer, 1), expected, "{at}: {answer}");
        assert!(answer["at"].as_str().unwrap().ends_with('Z'), "{answer}");
    }
}

#[tokio::test]
async fn selectors_narrow_a_reconcile_and_max_graphs_bounds_it() {
    let simulator = simulator(
        (1..=12)
            .map(|n| graph(n, GraphStatus::Running, Some("office")))
            .collect(),
    )
    .await;
    let handler = handler(&simulator, &[(vars::MAX_GRAPHS, "10")]);
    let err = invoke(
        &handler,
        json!({"reconcile": true, "at": "2026-12-04T20:05:00Z"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.http_status(), 422, "{err}");
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 0);
    let answer = invoke(
        &handler,
        json!({"reconcile": true, "at": "2026-12-04T20:05:00Z",
               "selector": {"name": "graph-1?"}}),
    )
    .await
    .unwrap();
    assert_eq!(answer["summary"]["selected"], 3, "graph-10 to graph-12");
    assert_eq!(answer["selectors"], json!([{"name": "graph-1?"}]));
}

#[tokio::test]
async fn a_reconcile_without_schedules_is_refused_and_sends_nothing() {
    let simulator = simulator(vec![graph(1, GraphStatus::Running, Some("office"))]).await;
    // No document, and tags may not hold schedules.
    let handler = common::token_handler(&simulator, TOKEN, &[(vars::TAG_SCHEDULES, "off")]);
    let err = invoke(&handler, json!({"reconcile": true}))
        .await
        .unwrap_err();
    assert_eq!(err.kind().name(), "NoSchedulesConfigured");
    assert!(err.to_string().contains("GES_SCHEDULES"), "{err}");
    assert!(err.to_string().contains("GES_TAG_SCHEDULES"), "{err}");
    assert!(simulator.requests().is_empty());
}

/// A handler with no schedules document: only the graphs' tags schedule them.
fn tags_only_handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    common::token_handler(simulator, TOKEN, extra).with_clock(Clock::new(|| {
        RUN_AT.with(Cell::get).unwrap_or_else(Timestamp::now)
    }))
}

#[tokio::test]
async fn compact_schedules_in_tags_stop_graphs_with_no_document() {
    let simulator = simulator(vec![
        // Berlin's 22:00 is 21:00 UTC in December: a stop 5 minutes before the run.
        graph(1, GraphStatus::Running, Some("mon-sun_2200_Europe.Berlin")),
        graph(2, GraphStatus::Running, Some("mon-fri_0800-2100_UTC")),
        graph(3, GraphStatus::Running, Some("mon-sun_2200_Europe__Berlin")),
        // Asks for starts: refused under the default, and left alone.
        graph(4, GraphStatus::Stopped, Some("start_mon-sun_2100-0700_UTC")),
        // Meant as compact, and wrong.
        graph(
            5,
            GraphStatus::Running,
            Some("mon-fri_0800-2100_Asia.Atlantis"),
        ),
        // A name, with no document to hold it.
        graph(6, GraphStatus::Running, Some("office")),
        graph(7, GraphStatus::Running, Some("mon-sun_2200_Europe.Berlin")),
    ])
    .await;
    let handler = tags_only_handler(&simulator, &[]);
    let answer = reconcile(&handler, "2026-12-04T21:05:00Z").await;
    assert_eq!(outcome(&answer, 1), "stopping", "{answer}");
    assert_eq!(outcome(&answer, 2), "stopping", "{answer}");
    assert_eq!(outcome(&answer, 3), "stopping", "{answer}");
    assert_eq!(outcome(&answer, 4), "skipped", "{answer}");
    assert_eq!(outcome(&answer, 5), "skipped", "{answer}");
    assert_eq!(outcome(&answer, 6), "skipped", "{answer}");
    assert_eq!(outcome(&answer, 7), "stopping", "{answer}");
    let stopped = entry(&answer, 1);
    assert_eq!(stopped["schedule"], "mon-sun_2200_Europe.Berlin");
    assert_eq!(stopped["desired"], "stopped");
    let reason = |n| entry(&answer, n)["reason"].as_str().unwrap().to_owned();
    assert!(
        reason(4).contains("GES_TAG_SCHEDULES=stop does not allow"),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).contains("\"Asia.Atlantis\" is not an IANA time zone"),
        "{}",
        reason(5)
    );
    assert!(
        reason(6)
            .contains("ges-stop:schedule=\"office\" names a schedule the document does not have"),
        "{}",
        reason(6)
    );
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 4);
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 0);
    assert_eq!(simulator.graph_status(&id(4)), Some(GraphStatus::Stopped));
    assert_eq!(simulator.graph_status(&id(5)), Some(GraphStatus::Running));
}

#[tokio::test]
async fn start_lets_tags_start_graphs_and_off_reads_no_compact_value() {
    let graphs = || {
        vec![
            graph(1, GraphStatus::Stopped, Some("start_mon-sun_2100-0700_UTC")),
            graph(2, GraphStatus::Running, Some("mon-sun_2100_UTC")),
            // A document's name wins over the compact reading of the same value.
            graph(3, GraphStatus::Running, Some("office")),
        ]
    };
    let simulator = self::simulator(graphs()).await;
    let handler = tags_only_handler(
        &simulator,
        &[(vars::TAG_SCHEDULES, "start"), (vars::SCHEDULES, SCHEDULES)],
    );
    let answer = reconcile(&handler, "2026-12-04T21:05:00Z").await;
    assert_eq!(outcome(&answer, 1), "starting", "{answer}");
    assert_eq!(outcome(&answer, 2), "stopping", "{answer}");
    assert_eq!(
        outcome(&answer, 3),
        "unchanged",
        "office stopped at 20:00: {answer}"
    );
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 1);

    let simulator = self::simulator(graphs()).await;
    let off = tags_only_handler(
        &simulator,
        &[(vars::TAG_SCHEDULES, "off"), (vars::SCHEDULES, SCHEDULES)],
    );
    let answer = reconcile(&off, "2026-12-04T21:05:00Z").await;
    assert_eq!(outcome(&answer, 1), "skipped", "{answer}");
    assert_eq!(outcome(&answer, 2), "skipped", "{answer}");
    assert!(
        entry(&answer, 2)["reason"]
            .as_str()
            .unwrap()
            .contains("GES_TAG_SCHEDULES=off reads no compact schedule"),
        "{answer}"
    );
    assert_eq!(outcome(&answer, 3), "unchanged", "{answer}");
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 0);
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 0);
}

#[tokio::test]
async fn a_bad_at_is_refused_and_sends_nothing() {
    let simulator = simulator(vec![graph(1, GraphStatus::Running, Some("office"))]).await;
    let handler = handler(&simulator, &[]);
    let err = invoke(
        &handler,
        json!({"reconcile": true, "at": "2026-12-04T20:05:00"}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind().name(), "InvalidEvent");
    assert!(err.to_string().contains("\"at\""), "{err}");
    assert!(simulator.requests().is_empty());
}

/// An acting run's `at` within GES_MAX_EVENT_AGE_MINUTES before now and 5 minutes
/// after, by the system clock: beyond, refused before any call, naming `at` and the
/// bound, however it came (direct, HTTP, a queue's message). A dry run takes any `at`.
#[tokio::test]
async fn an_acting_run_takes_an_at_only_near_now() {
    let simulator = simulator(vec![graph(1, GraphStatus::Running, Some("office"))]).await;
    let env = [(vars::SCHEDULES, SCHEDULES)];
    let handler = common::token_handler(&simulator, TOKEN, &env);
    let now = Timestamp::now();
    let from_now = |minutes: i64| (now + SignedDuration::from_mins(minutes)).to_string();
    let refusals = [
        (
            "2031-03-03T13:05:00Z".to_owned(),
            "in the future",
            "5 minutes",
        ),
        (from_now(10), "in the future", "5 minutes"),
        (from_now(-121), "in the past", "120 minutes"),
        (
            "2026-12-04T20:05:00Z".to_owned(),
            "in the past",
            "120 minutes",
        ),
    ];
    for (at, side, bound) in &refusals {
        let error = invoke(&handler, json!({"reconcile": true, "at": at}))
            .await
            .unwrap_err();
        assert_eq!(error.kind().name(), "InvalidEvent", "{at}: {error}");
        let message = error.to_string();
        assert!(message.starts_with(&format!("\"at\" is {at}")), "{message}");
        assert!(
            message.contains(side) && message.contains(bound),
            "{message}"
        );
        assert!(message.contains("nothing was sent"), "{message}");
        // Over HTTP, a 400 with the same words.
        let mut request: Value =
            serde_json::from_str(include_str!("../../examples/events/reconcile-http.json"))
                .unwrap();
        request["body"] = json!(json!({"at": at}).to_string());
        let answer = invoke(&handler, request).await.unwrap();
        assert_eq!(answer["statusCode"], 400, "{answer}");
        assert!(
            answer["body"].as_str().unwrap().contains("InvalidEvent"),
            "{answer}"
        );
        // A message redriven from a dead-letter queue: failed, to be looked at.
        let example: Value =
            serde_json::from_str(include_str!("../../examples/events/sqs.json")).unwrap();
        let mut record = example["Records"][0].clone();
        record["messageId"] = json!("m-1");
        record["body"] = json!(json!({"reconcile": true, "at": at}).to_string());
        let answer = invoke(&handler, json!({"Records": [record]}))
            .await
            .unwrap();
        assert_eq!(
            answer["batchItemFailures"],
            json!([{"itemIdentifier": "m-1"}]),
            "{answer}"
        );
    }
    assert!(simulator.requests().is_empty(), "nothing sent");

    // Dry runs take any instant, and only list.
    for (at, ..) in &refusals {
        let answer = invoke(
            &handler,
            json!({"reconcile": true, "at": at, "dry_run": true}),
        )
        .await
        .unwrap();
        assert_eq!(answer["summary"]["selected"], 1, "{answer}");
    }
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 0);
    assert_eq!(calls(&simulator, OperationKind::StartGraph), 0);

    // Within the bound, a run acts; the configured age widens it.
    for at in [from_now(-119), from_now(4)] {
        invoke(&handler, json!({"reconcile": true, "at": at}))
            .await
            .unwrap();
    }
    let wider = common::token_handler(
        &simulator,
        TOKEN,
        &[(vars::SCHEDULES, SCHEDULES), (vars::MAX_EVENT_AGE, "600")],
    );
    invoke(&wider, json!({"reconcile": true, "at": from_now(-590)}))
        .await
        .unwrap();
    let error = invoke(&wider, json!({"reconcile": true, "at": from_now(-610)}))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("600 minutes"), "{error}");
}

#[test]
fn a_bad_document_fails_the_start_with_the_field_named() {
    let document = SCHEDULES.replace("\"20:00\"", "\"25:00\"");
    let err = Settings::from_lookup(|name| (name == vars::SCHEDULES).then(|| document.clone()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("GES_SCHEDULES"), "{err}");
    assert!(err.contains("periods[0].stop"), "{err}");
    assert!(err.contains("25:00"), "{err}");
    let err = Settings::from_lookup(|name| {
        (name == vars::RECONCILE_WINDOW || name == vars::SCHEDULES).then(|| {
            if name == vars::SCHEDULES {
                SCHEDULES.to_owned()
            } else {
                "0".to_owned()
            }
        })
    })
    .unwrap_err()
    .to_string();
    assert!(err.contains("GES_RECONCILE_WINDOW_MINUTES"), "{err}");
}

#[tokio::test]
async fn a_graph_ges_restarted_after_seven_days_is_stopped_again_on_an_enforced_or_skip_date_run() {
    let simulator = simulator(vec![
        graph(1, GraphStatus::Stopped, Some("nightly")),
        graph(2, GraphStatus::Stopped, Some("office")),
    ])
    .await;
    simulator.advance_clock(ges_simulator::SELF_RESTART_AFTER + Duration::from_secs(60));
    assert_eq!(simulator.graph_status(&id(1)), Some(GraphStatus::Running));
    let handler = handler(&simulator, &[]);
    // Christmas is a skip date for office; 21:10 UTC is 22:10 in Berlin, within the
    // nightly stop's window.
    let answer = reconcile(&handler, "2026-12-25T21:10:00Z").await;
    assert_eq!(outcome(&answer, 1), "stopping", "{answer}");
    assert_eq!(outcome(&answer, 2), "stopping", "{answer}");
}

#[tokio::test]
async fn graphs_of_the_database_edition_are_skipped_with_the_reason_and_never_called() {
    let database =
        |n, status| graph(n, status, Some("office")).with_edition(ProductType::Persistence);
    let simulator = simulator(vec![
        graph(1, GraphStatus::Running, Some("office")),
        database(2, GraphStatus::Running),
        database(3, GraphStatus::Stopped),
        // No product_type listed: a graph of 100 billion edges is Persistence by default.
        graph(4, GraphStatus::Running, Some("office"))
            .without_edition()
            .with_size(GraphSizeTypeIndex::HundredBillionEdges),
        // An edition the contract does not know is called: GES answers for it.
        graph(5, GraphStatus::Running, Some("office"))
            .with_edition(ProductType::Unknown("Hybrid".to_owned())),
    ])
    .await;
    let handler = handler(&simulator, &[]);
    // A dry run at the stop boundary, the stop boundary, then the start boundary.
    let dry = invoke(
        &handler,
        json!({"reconcile": true, "at": "2026-12-04T20:05:00Z", "dry_run": true}),
    )
    .await
    .unwrap();
    let stop = reconcile(&handler, "2026-12-04T20:10:00Z").await;
    let start = reconcile(&handler, "2026-12-05T08:05:00Z").await;
    for answer in [&dry, &stop, &start] {
        for n in [2, 3, 4] {
            let entry = entry(answer, n);
            assert_eq!(entry["outcome"], "skipped", "{entry}");
            let reason = entry["reason"].as_str().unwrap();
            assert!(reason.contains("database edition"), "{reason}");
            assert!(reason.contains("GES cannot stop"), "{reason}");
        }
    }
    assert!(
        entry(&stop, 4)["reason"]
            .as_str()
            .unwrap()
            .contains("no product_type"),
        "{stop}"
    );
    assert_eq!(outcome(&dry, 1), "would_stop");
    assert_eq!(outcome(&stop, 1), "stopping");
    assert_eq!(outcome(&stop, 5), "stopping");
    assert_eq!(stop["summary"]["skipped"], 3);
    // The journal: listings, and calls for graphs 1 and 5 only.
    let per_graph: Vec<(OperationKind, GraphId)> = simulator
        .requests()
        .into_iter()
        .filter(|r| r.operation != Some(OperationKind::ListGraphs))
        .filter_map(|r| Some((r.operation?, r.graph_id?)))
        .collect();
    assert!(!per_graph.is_empty());
    for (operation, graph) in &per_graph {
        assert!(
            [id(1), id(5)].contains(graph),
            "{operation:?} sent for {graph}"
        );
    }
    assert_eq!(calls(&simulator, OperationKind::ListGraphs), 3);
}
