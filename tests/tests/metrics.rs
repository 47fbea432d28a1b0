//! The release `ges-stop-lambda` under the Lambda runtime emulator writes its metrics in
//! CloudWatch Embedded Metric Format: every EMF line on its stdout is checked against
//! the format's rules (the specification's "Embedded metric format document structure"
//! and its limits), and its values against what the runs did.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ges_api::types::{GraphId, GraphSizeTypeIndex, GraphStatus, ProductType};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use ges_stop_e2e::lambda::NoAnswer;
use ges_stop_e2e::{LambdaEmulator, LambdaFunction};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-metrics-token-5c0e72";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const RUNNING: [&str; 2] = [
    "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d",
    "7c2d1e3f-4a5b-4c6d-9e7f-8a9b0c1d2e3f",
];
const STOPPED: &str = "8d3e2f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
/// A well-formed graph id the simulator does not have.
const UNKNOWN: &str = "9e4f3a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b";
/// More stops than one EMF line may carry latencies for.
const FLEET: usize = 150;
const NAMESPACE: &str = "ges-stop-e2e";
const SERVICE: &str = "e2e-stack";
const LOG_WAIT: Duration = Duration::from_secs(10);

/// The units CloudWatch accepts in a metric definition.
const UNITS: [&str; 27] = [
    "Seconds",
    "Microseconds",
    "Milliseconds",
    "Bytes",
    "Kilobytes",
    "Megabytes",
    "Gigabytes",
    "Terabytes",
    "Bits",
    "Kilobits",
    "Megabits",
    "Gigabits",
    "Terabits",
    "Percent",
    "Count",
    "Bytes/Second",
    "Kilobytes/Second",
    "Megabytes/Second",
    "Gigabytes/Second",
    "Terabytes/Second",
    "Bits/Second",
    "Kilobits/Second",
    "Megabits/Second",
    "Gigabits/Second",
    "Terabits/Second",
    "Count/Second",
    "None",
];

fn graph(id: &str) -> GraphId {
    id.parse().expect("a valid graph ID")
}

fn fleet_id(n: usize) -> String {
    format!("{n:08x}-0000-4000-8000-00000000e2e0")
}

async fn simulator() -> RunningSimulator {
    let graphs = RUNNING
        .iter()
        .map(|id| id.to_string())
        .chain((0..FLEET).map(fleet_id))
        .map(|id| GraphSpec::running(graph(&id), format!("graph-{}", &id[..8])))
        .chain([
            GraphSpec::running(graph(STOPPED), "graph-stopped").with_status(GraphStatus::Stopped)
        ]);
    let simulator = Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    simulator
}

fn env(
    simulator: &RunningSimulator,
    extra: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("GES_MAX_CONCURRENCY", "16".to_owned()),
    ];
    env.extend(
        extra
            .iter()
            .map(|(name, value)| (*name, (*value).to_owned())),
    );
    env
}

/// The lines of the function's stdout that are EMF documents: JSON objects with `_aws`.
fn emf_lines(function: &LambdaFunction) -> Vec<Value> {
    function
        .json_logs()
        .into_iter()
        .filter(|line| line.get("_aws").is_some())
        .collect()
}

/// Asserts that `line` is an EMF document CloudWatch extracts metrics from, within the
/// format's limits, and returns each metric's values.
#[track_caller]
fn assert_emf(line: &Value, now_ms: u64) -> BTreeMap<String, Vec<f64>> {
    let root = line
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {line}"));
    let metadata = &line["_aws"];
    assert!(metadata.is_object(), "_aws is not an object: {line}");
    let timestamp = metadata["Timestamp"]
        .as_u64()
        .unwrap_or_else(|| panic!("Timestamp is not a whole number of milliseconds: {line}"));
    // CloudWatch refuses timestamps more than two weeks old or two hours ahead; ours
    // are the run's, so within the last hour.
    assert!(
        timestamp <= now_ms + 1000 && timestamp + 3_600_000 > now_ms,
        "Timestamp {timestamp} is not the run's (now {now_ms}): {line}"
    );
    let directives = metadata["CloudWatchMetrics"]
        .as_array()
        .unwrap_or_else(|| panic!("CloudWatchMetrics is not an array: {line}"));
    assert!(!directives.is_empty(), "no directive: {line}");
    let mut values = BTreeMap::new();
    for directive in directives {
        let namespace = directive["Namespace"]
            .as_str()
            .unwrap_or_else(|| panic!("a directive without Namespace: {line}"));
        assert!(
            !namespace.trim().is_empty() && namespace.len() <= 255,
            "{line}"
        );
        let dimension_sets = directive["Dimensions"]
            .as_array()
            .unwrap_or_else(|| panic!("a directive without Dimensions: {line}"));
        for set in dimension_sets {
            let set = set
                .as_array()
                .unwrap_or_else(|| panic!("a dimension set that is not an array: {line}"));
            assert!(set.len() <= 30, "more than 30 dimensions: {line}");
            for key in set {
                let key = key
                    .as_str()
                    .unwrap_or_else(|| panic!("a dimension that is not a name: {line}"));
                assert!(
                    root.get(key)
                        .and_then(Value::as_str)
                        .is_some_and(|v| !v.is_empty()),
                    "dimension {key} has no string value at the root: {line}"
                );
            }
        }
        let metrics = directive["Metrics"]
            .as_array()
            .unwrap_or_else(|| panic!("a directive without Metrics: {line}"));
        assert!(!metrics.is_empty(), "{line}");
        assert!(metrics.len() <= 100, "more than 100 metrics: {line}");
        for metric in metrics {
            let name = metric["Name"]
                .as_str()
                .unwrap_or_else(|| panic!("a metric without Name: {line}"));
            if let Some(unit) = metric.get("Unit") {
                assert!(
                    unit.as_str().is_some_and(|unit| UNITS.contains(&unit)),
                    "{name}: unit {unit} is not one of CloudWatch's: {line}"
                );
            }
            let found: Vec<f64> = match root.get(name) {
                Some(Value::Number(number)) => vec![number.as_f64().unwrap()],
                Some(Value::Array(array)) => array
                    .iter()
                    .map(|value| {
                        value
                            .as_f64()
                            .unwrap_or_else(|| panic!("{name}: {value} is not a number: {line}"))
                    })
                    .collect(),
                other => panic!("{name} has no numeric value at the root ({other:?}): {line}"),
            };
            assert!(
                !found.is_empty() && found.len() <= 100,
                "{name} has {} values: {line}",
                found.len()
            );
            values.insert(name.to_owned(), found);
        }
    }
    values
}

/// A metric's values over several lines.
fn all(lines: &[BTreeMap<String, Vec<f64>>], name: &str) -> Vec<f64> {
    lines
        .iter()
        .flat_map(|line| line.get(name).cloned().unwrap_or_default())
        .collect()
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis()
        .try_into()
        .unwrap()
}

#[tokio::test]
async fn each_run_writes_emf_lines_cloudwatch_accepts_and_a_dry_run_none() {
    let simulator = simulator().await;
    let emulator = LambdaEmulator::start().await;
    let env = env(
        &simulator,
        &[
            ("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE),
            ("POWERTOOLS_SERVICE_NAME", SERVICE),
        ],
    );
    let mut function = LambdaFunction::start(&emulator, env).await;

    let fleet: Vec<String> = (0..FLEET).map(fleet_id).collect();
    // (event, whether it answers a value rather than an error)
    let invocations = [
        (json!({ "graph_ids": RUNNING }), true),
        (json!({ "graph_id": STOPPED, "dry_run": true }), true),
        (json!({ "graph_ids": [STOPPED, UNKNOWN] }), false),
        (json!({ "graph_ids": fleet }), true),
    ];
    for (event, answers) in &invocations {
        let invocation = function.invoke(event).await;
        assert_eq!(
            invocation.status == 200,
            *answers,
            "{event}: {invocation:?}"
        );
    }

    // One request id per invocation, in order, from the line each logs on arrival.
    let arrivals = function
        .wait_for_logs(LOG_WAIT, invocations.len(), |line| {
            line["fields"]["message"] == "invocation"
        })
        .await;
    let request_ids: Vec<String> = arrivals
        .iter()
        .map(|line| {
            line["span"]["requestId"]
                .as_str()
                .or_else(|| {
                    line["spans"]
                        .as_array()?
                        .iter()
                        .find_map(|span| span["requestId"].as_str())
                })
                .unwrap_or_else(|| panic!("an invocation line without requestId: {line}"))
                .to_owned()
        })
        .collect();
    // Cold start, the first run, the failed run, and the fleet's two lines.
    function
        .wait_for_logs(LOG_WAIT, 5, |line| line.get("_aws").is_some())
        .await;
    let output = function.stop().await;

    // Every stdout line is JSON, and no log record carries an EMF document inside it.
    for line in &output.stdout_lines {
        let value: Value =
            serde_json::from_str(line).unwrap_or_else(|error| panic!("{error}: {line}"));
        if value.get("_aws").is_none() {
            assert!(
                !line.contains("CloudWatchMetrics"),
                "EMF inside a log record: {line}"
            );
        }
    }
    let lines: Vec<Value> = output
        .stdout_lines
        .iter()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line.get("_aws").is_some())
        .collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    let now = now_ms();
    let mut by_invocation: Vec<Vec<BTreeMap<String, Vec<f64>>>> = vec![Vec::new(); 4];
    for line in &lines {
        let values = assert_emf(line, now);
        for directive in line["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
            assert_eq!(directive["Namespace"], NAMESPACE, "{line}");
            let first_set = &directive["Dimensions"][0];
            assert!(
                first_set.as_array().unwrap().contains(&json!("service")),
                "{line}"
            );
        }
        assert_eq!(line["service"], SERVICE, "{line}");
        let request_id = line["function_request_id"]
            .as_str()
            .unwrap_or_else(|| panic!("no function_request_id: {line}"));
        let index = request_ids
            .iter()
            .position(|id| id == request_id)
            .unwrap_or_else(|| panic!("{request_id} is no invocation's: {line}"));
        by_invocation[index].push(values);
    }

    // ColdStart: once, in the first invocation, on a line of its own with the function.
    let cold: Vec<&Value> = lines
        .iter()
        .filter(|line| line.get("ColdStart").is_some())
        .collect();
    assert_eq!(cold.len(), 1, "{cold:#?}");
    assert_eq!(cold[0]["ColdStart"], 1.0);
    assert_eq!(cold[0]["function_request_id"], request_ids[0].as_str());
    assert_eq!(cold[0]["function_name"], "_");

    let first = &by_invocation[0];
    assert_eq!(first.len(), 2, "{first:?}");
    assert_eq!(all(first, "GraphsSelected"), [2.0]);
    assert_eq!(all(first, "GraphsStopping"), [2.0]);
    assert_eq!(all(first, "GraphsFailed"), [0.0]);
    let latencies = all(first, "StopLatency");
    assert_eq!(latencies.len(), 2, "one per stop: {first:?}");
    assert!(latencies.iter().all(|ms| *ms >= 0.0), "{latencies:?}");

    assert!(
        by_invocation[1].is_empty(),
        "a dry run wrote metrics: {:?}",
        by_invocation[1]
    );

    let failed = &by_invocation[2];
    assert_eq!(all(failed, "GraphsSelected"), [2.0]);
    assert_eq!(all(failed, "GraphsAlreadyStopped"), [1.0]);
    assert_eq!(all(failed, "GraphsFailed"), [1.0]);
    assert_eq!(
        all(failed, "StopLatency").len(),
        2,
        "the failed stop's time too"
    );

    let fleet = &by_invocation[3];
    assert_eq!(fleet.len(), 2, "{FLEET} latencies take two lines");
    assert_eq!(all(fleet, "StopLatency").len(), FLEET);
    assert_eq!(all(fleet, "GraphsStopping"), [FLEET as f64], "counted once");
    assert_eq!(all(fleet, "ColdStart"), Vec::<f64>::new());
}

#[tokio::test]
async fn powertools_metrics_disabled_writes_no_emf_line() {
    let simulator = simulator().await;
    let emulator = LambdaEmulator::start().await;
    let env = env(&simulator, &[("POWERTOOLS_METRICS_DISABLED", "true")]);
    let mut function = LambdaFunction::start(&emulator, env).await;
    let invocation = function.invoke(&json!({ "graph_ids": RUNNING })).await;
    assert_eq!(invocation.answer()["summary"]["stopping"], 2);
    function
        .wait_for_logs(LOG_WAIT, 1, |line| line["fields"]["message"] == "summary")
        .await;
    let lines = emf_lines(&function);
    assert!(lines.is_empty(), "{lines:#?}");
    function.stop().await;
}

#[tokio::test]
async fn a_namespace_cloudwatch_refuses_fails_the_start_naming_the_variable() {
    let simulator = simulator().await;
    let emulator = LambdaEmulator::start().await;
    let env = env(
        &simulator,
        &[("POWERTOOLS_METRICS_NAMESPACE", "AWS/Lambda")],
    );
    let function = LambdaFunction::start(&emulator, env).await;
    // As in lambda.rs: the emulator hands the init error to an invocation already
    // waiting; one queued after the report stays unanswered while the function exits.
    match function
        .try_invoke(&json!({ "graph_ids": RUNNING }), Duration::from_secs(30))
        .await
    {
        Err(NoAnswer::FunctionExited(status)) => assert!(!status.success(), "{status}"),
        Ok(answer) => {
            assert_eq!(
                answer.body["errorType"], "InvalidConfiguration",
                "{answer:?}"
            );
            let message = answer.body["errorMessage"].as_str().unwrap_or_default();
            assert!(
                message.contains("POWERTOOLS_METRICS_NAMESPACE"),
                "{message}"
            );
        }
        Err(other) => panic!("no init error: {other}\n{}", function.diagnostics()),
    }
    function
        .wait_for_log(LOG_WAIT, |line| {
            line["level"] == "ERROR" && line.to_string().contains("POWERTOOLS_METRICS_NAMESPACE")
        })
        .await;
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
}

/// A graph for the stopped-time metrics: (number, schedule tag, status, size, replicas,
/// database edition, opted out).
type Scheduled = (
    u32,
    Option<&'static str>,
    GraphStatus,
    GraphSizeTypeIndex,
    u32,
    bool,
    bool,
);

/// Graphs of two schedules, and one without a tag.
const SCHEDULED: [Scheduled; 7] = [
    // stop-only: two counted (1 and 3 replicas), one running, two skipped though stopped.
    (
        1,
        Some("stop-only"),
        GraphStatus::Stopped,
        GraphSizeTypeIndex::MillionEdges,
        1,
        false,
        false,
    ),
    (
        2,
        Some("stop-only"),
        GraphStatus::Stopped,
        GraphSizeTypeIndex::BillionEdges,
        3,
        false,
        false,
    ),
    (
        3,
        Some("stop-only"),
        GraphStatus::Running,
        GraphSizeTypeIndex::MillionEdges,
        1,
        false,
        false,
    ),
    (
        4,
        Some("stop-only"),
        GraphStatus::Stopped,
        GraphSizeTypeIndex::MillionEdges,
        1,
        true,
        false,
    ),
    (
        5,
        Some("stop-only"),
        GraphStatus::Stopped,
        GraphSizeTypeIndex::MillionEdges,
        1,
        false,
        true,
    ),
    // office: stopped, whether its schedule wants it so now or (not starting graphs)
    // leaves it, of a size the table does not price.
    (
        6,
        Some("office"),
        GraphStatus::Stopped,
        GraphSizeTypeIndex::TenMillionEdges,
        1,
        false,
        false,
    ),
    // No schedule: not part of a reconcile.
    (
        7,
        None,
        GraphStatus::Stopped,
        GraphSizeTypeIndex::MillionEdges,
        1,
        false,
        false,
    ),
];

const RECONCILE_SCHEDULES: &str = r#"{"schedules": {
  "stop-only": {"timezone": "UTC", "periods": [{"days": "mon-sun", "stop": "22:00"}]},
  "office": {"timezone": "UTC", "periods": [{"days": "mon-sun", "start": "08:00", "stop": "20:00"}]}
}}"#;
const PRICES: &str = r#"{"currency": "EUR", "per_hour": {"1": 0.5, "4": 12}}"#;

async fn scheduled_simulator() -> RunningSimulator {
    let graphs = SCHEDULED.iter().map(
        |(n, schedule, status, size, replicas, database, opted_out)| {
            let mut spec = GraphSpec::running(graph(&fleet_id(*n as usize)), format!("graph-{n}"))
                .with_status(status.clone())
                .with_size(size.clone())
                .with_replicas(*replicas);
            if let Some(schedule) = schedule {
                spec = spec.with_tag("ges-stop:schedule", *schedule);
            }
            if *database {
                spec = spec.with_edition(ProductType::Persistence);
            }
            if *opted_out {
                spec = spec.with_tag("ges-stop:skip", "true");
            }
            spec
        },
    );
    Simulator::builder()
        .graphs(graphs)
        .token(TOKEN)
        .start()
        .await
        .expect("the simulator starts")
}

#[tokio::test]
async fn a_reconcile_writes_each_schedules_stopped_graph_hours_and_estimated_savings() {
    let simulator = scheduled_simulator().await;
    let emulator = LambdaEmulator::start().await;
    let env = env(
        &simulator,
        &[
            ("POWERTOOLS_METRICS_NAMESPACE", NAMESPACE),
            ("POWERTOOLS_SERVICE_NAME", SERVICE),
            ("GES_SCHEDULES", RECONCILE_SCHEDULES),
            ("GES_RECONCILE_INTERVAL_MINUTES", "15"),
            ("GES_PRICES", PRICES),
        ],
    );
    let mut function = LambdaFunction::start(&emulator, env).await;
    let dry = function
        .invoke(&json!({ "reconcile": true, "dry_run": true }))
        .await;
    assert_eq!(dry.status, 200, "{dry:?}");
    let invocation = function.invoke(&json!({ "reconcile": true })).await;
    assert_eq!(invocation.status, 200, "{invocation:?}");
    let answer = invocation.answer();
    let outcome = |n: u32| {
        answer["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["graph_id"] == fleet_id(n as usize))
            .map(|entry| entry["outcome"].clone())
    };
    assert_eq!(outcome(4), Some(json!("skipped")), "{answer}");
    assert_eq!(outcome(5), Some(json!("skipped")), "{answer}");
    assert_eq!(outcome(7), None, "{answer}");

    // The run's counts, and one document per schedule.
    function
        .wait_for_logs(LOG_WAIT, 3, |line| line.get("_aws").is_some())
        .await;
    let output = function.stop().await;
    let lines: Vec<Value> = output
        .stdout_lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("_aws").is_some())
        .collect();
    let now = now_ms();
    for line in &lines {
        assert_emf(line, now);
        assert_eq!(line["service"], SERVICE, "{line}");
    }
    let schedules: BTreeMap<&str, &Value> = lines
        .iter()
        .filter_map(|line| Some((line.get("schedule")?.as_str()?, line)))
        .collect();
    assert_eq!(
        schedules.keys().copied().collect::<Vec<_>>(),
        ["office", "stop-only"],
        "{lines:#?}"
    );
    for line in schedules.values() {
        assert_eq!(
            line["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["service", "schedule"]]),
            "{line}"
        );
        assert_eq!(line["_aws"]["CloudWatchMetrics"][0]["Namespace"], NAMESPACE);
        assert_eq!(line["currency"], "EUR", "{line}");
    }
    let stop_only = schedules["stop-only"];
    // Graphs 1 and 2, a quarter of an hour each: the running one, the database edition
    // and the opted-out one count nothing.
    assert_eq!(stop_only["StoppedGraphHours"], 0.5, "{stop_only}");
    assert_eq!(stop_only["stopped_graphs"], 2, "{stop_only}");
    // 0.5 x 1 x 0.25 + 12 x 3 x 0.25 = 9.125, to the cent half up.
    assert_eq!(stop_only["EstimatedSavings"], 9.13, "{stop_only}");
    assert_eq!(stop_only["unpriced_graphs"], 0, "{stop_only}");
    let office = schedules["office"];
    assert_eq!(office["StoppedGraphHours"], 0.25, "{office}");
    assert_eq!(office["EstimatedSavings"], 0.0, "{office}");
    assert_eq!(office["unpriced_graphs"], 1, "{office}");
    // The dry run wrote nothing and took the cold start with it: the run's counts and
    // the two schedules.
    assert_eq!(lines.len(), 3, "{lines:#?}");
}

#[tokio::test]
async fn a_bad_price_table_fails_the_start_naming_its_field_and_sends_nothing() {
    let simulator = scheduled_simulator().await;
    let emulator = LambdaEmulator::start().await;
    let env = env(
        &simulator,
        &[(
            "GES_PRICES",
            r#"{"currency": "EUR", "per_hour": {"1": -0.5}}"#,
        )],
    );
    let function = LambdaFunction::start(&emulator, env).await;
    match function
        .try_invoke(&json!({ "reconcile": true }), Duration::from_secs(30))
        .await
    {
        Err(NoAnswer::FunctionExited(status)) => assert!(!status.success(), "{status}"),
        Ok(answer) => {
            assert_eq!(
                answer.body["errorType"], "InvalidConfiguration",
                "{answer:?}"
            );
            let message = answer.body["errorMessage"].as_str().unwrap_or_default();
            assert!(message.contains("per_hour.\"1\""), "{message}");
        }
        Err(other) => panic!("no init error: {other}\n{}", function.diagnostics()),
    }
    function
        .wait_for_log(LOG_WAIT, |line| {
            line["level"] == "ERROR" && line.to_string().contains("GES_PRICES")
        })
        .await;
    assert!(
        simulator.requests().is_empty(),
        "{:?}",
        simulator.requests()
    );
}
