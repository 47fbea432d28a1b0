//! Fleet mode end to end: the release `ges-stop-lambda` binary under the Lambda runtime
//! emulator, selecting among 260 graphs of the simulator (three pages of list graphs)
//! by name pattern and tags, in every status, some opted out.
//!
//! What each graph should come to is worked out here from its spec, independently of
//! the function, and the totals are pinned as well, so that a wrong model and a wrong
//! function cannot agree by accident.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use ges_api::types::{GraphStatus, Tag};
use ges_simulator::{GraphSpec, OperationKind, Page, RunningSimulator, Simulator};
use ges_stop_e2e::{Invocation, LambdaEmulator, LambdaFunction, ges_stop_binary, workspace_root};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-fleet-token-5c1a07";
/// The project of `examples/events/`, the simulator's main one.
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Graphs in the project: three pages of 100 at most.
const GRAPHS: u32 = 260;
const OPT_OUT: (&str, &str) = ("ges-stop:skip", "true");
/// How long log lines may trail the answer they belong to.
const LOG_WAIT: Duration = Duration::from_secs(5);

/// Graph `n` of the fleet. Names: `dev-api-`, `dev-etl-`, `prod-api-` and `Dev-misc-`
/// (which `dev-*` must not match: patterns are case-sensitive) in turn. Tags: `env`
/// `prod` for every fifth, `dev` otherwise, none for every thirteenth; `team`; the
/// opt-out tag on every seventeenth, its key with another value on every nineteenth
/// (not an opt-out); `keep=yes` on every twenty-third. Statuses: six in ten running,
/// then stopped, stopping, importing, and faulty or frozen.
fn spec(n: u32) -> GraphSpec {
    let prefix = ["dev-api", "dev-etl", "prod-api", "Dev-misc"][(n % 4) as usize];
    let status = match n % 10 {
        0..=5 => GraphStatus::Running,
        6 => GraphStatus::Stopped,
        7 => GraphStatus::Stopping,
        8 => GraphStatus::Importing,
        _ if n.is_multiple_of(3) => GraphStatus::Faulty,
        _ => GraphStatus::Frozen,
    };
    let mut graph = GraphSpec::numbered(n, format!("{prefix}-{n:03}")).with_status(status);
    if !n.is_multiple_of(13) {
        graph = graph.with_tag("env", if n.is_multiple_of(5) { "prod" } else { "dev" });
    }
    graph = graph.with_tag(
        "team",
        if n.is_multiple_of(2) {
            "graph"
        } else {
            "search"
        },
    );
    if n.is_multiple_of(17) {
        graph = graph.with_tag(OPT_OUT.0, OPT_OUT.1);
    } else if n.is_multiple_of(19) {
        graph = graph.with_tag(OPT_OUT.0, "false");
    }
    if n.is_multiple_of(23) {
        graph = graph.with_tag("keep", "yes");
    }
    graph
}

fn fleet() -> Vec<GraphSpec> {
    (1..=GRAPHS).map(spec).collect()
}

fn tag<'a>(graph: &'a GraphSpec, key: &str) -> Option<&'a str> {
    graph
        .tags
        .iter()
        .find(|Tag { key: k, .. }| k == key)
        .map(|tag| tag.value.as_deref().unwrap_or_default())
}

/// `{"name": "dev-*", "tags": {"env": "dev"}}`, the selector of the fleet fixtures.
fn dev_selected(graph: &GraphSpec) -> bool {
    graph.name.starts_with("dev-") && tag(graph, "env") == Some("dev")
}

/// The classic schedule's `GES_SELECTORS` below.
const SCHEDULE_SELECTORS: &str = r#"[{"name": "prod-*", "tags": {"env": "prod"}}, {"name": "Dev-misc-*", "tags": {"team": "s?arch"}}]"#;

fn schedule_selected(graph: &GraphSpec) -> bool {
    (graph.name.starts_with("prod-") && tag(graph, "env") == Some("prod"))
        || (graph.name.starts_with("Dev-misc-") && tag(graph, "team") == Some("search"))
}

/// What a selected graph should come to, and the reason a settled one gives.
fn expected(graph: &GraphSpec, opt_out: (&str, &str), dry_run: bool) -> (&'static str, String) {
    if tag(graph, opt_out.0) == Some(opt_out.1) {
        return (
            "skipped",
            format!("opted out by the tag {}={}", opt_out.0, opt_out.1),
        );
    }
    match graph.status {
        GraphStatus::Running if dry_run => ("would_stop", "the graph is running".to_owned()),
        GraphStatus::Running => ("stopping", String::new()),
        GraphStatus::Stopped => ("already_stopped", "the graph is stopped (900)".to_owned()),
        GraphStatus::Stopping => ("already_stopped", "the graph is stopping (901)".to_owned()),
        GraphStatus::Importing => (
            "skipped",
            "the graph is importing (202); GES stops only running graphs".to_owned(),
        ),
        GraphStatus::Faulty => (
            "skipped",
            "the graph is faulty (300); GES stops only running graphs".to_owned(),
        ),
        _ => ("skipped", String::new()),
    }
}

/// An event of `examples/events/`.
fn event(name: &str) -> Value {
    let path = workspace_root().join("examples/events").join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("could not read {}: {error}", path.display()));
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
}

/// The counts of a summary, in a fixed order: selected, stopping, stopped,
/// already_stopped, skipped, would_stop, failed.
fn counts(summary: &Value) -> [u64; 7] {
    [
        "selected",
        "stopping",
        "stopped",
        "already_stopped",
        "skipped",
        "would_stop",
        "failed",
    ]
    .map(|key| {
        summary[key]
            .as_u64()
            .unwrap_or_else(|| panic!("no {key} in the summary {summary}"))
    })
}

/// Asserts a fleet answer against the model: one entry per selected graph, in the
/// listing's order, each with its outcome, name, reason and (when stopping) the job
/// the simulator started; and the summary's counts, which must also equal `pinned`.
#[track_caller]
fn assert_fleet_answer(
    answer: &Value,
    simulator: &RunningSimulator,
    selected: &[GraphSpec],
    opt_out: (&str, &str),
    dry_run: bool,
    pinned: [u64; 7],
) {
    let results = answer["results"]
        .as_array()
        .unwrap_or_else(|| panic!("a fleet answer has results: {answer}"));
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r["graph_id"].as_str().unwrap_or_default())
        .collect();
    let wanted: Vec<&str> = selected.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, wanted, "the selected graphs, in the listing's order");
    let mut model = [selected.len() as u64, 0, 0, 0, 0, 0, 0];
    for (report, graph) in results.iter().zip(selected) {
        let (outcome, reason) = expected(graph, opt_out, dry_run);
        assert_eq!(report["outcome"], outcome, "{report}");
        assert_eq!(report["project_id"], PROJECT, "{report}");
        assert_eq!(report["name"], graph.name.as_str(), "{report}");
        assert!(report.get("error").is_none(), "{report}");
        if outcome == "stopping" {
            let job = simulator
                .last_stop_job(&graph.id)
                .unwrap_or_else(|| panic!("never stopped: {report}"));
            assert_eq!(report["job_id"], job.as_str(), "{report}");
            assert!(report["request_id"].is_string(), "{report}");
        } else {
            assert!(report["job_id"].is_null(), "{report}");
            assert_eq!(report["graph_status"], graph.status.as_str(), "{report}");
            let given = report["reason"]
                .as_str()
                .unwrap_or_else(|| panic!("a settled graph without a reason: {report}"));
            if reason.is_empty() {
                assert!(given.ends_with("GES stops only running graphs"), "{report}");
            } else {
                assert_eq!(given, reason, "{report}");
            }
        }
        let index = match outcome {
            "stopping" => 1,
            "already_stopped" => 3,
            "skipped" => 4,
            "would_stop" => 5,
            other => panic!("the model has no {other}"),
        };
        model[index] += 1;
    }
    let summary = counts(&answer["summary"]);
    assert_eq!(
        summary, model,
        "the summary against the model: {}",
        answer["summary"]
    );
    assert_eq!(summary, pinned, "the summary against the pinned counts");
}

/// The stop calls received, per graph.
fn stop_calls(simulator: &RunningSimulator) -> BTreeMap<String, usize> {
    let mut calls = BTreeMap::new();
    for request in simulator.requests() {
        if request.operation == Some(OperationKind::StopGraph) {
            let graph = request
                .graph_id
                .unwrap_or_else(|| panic!("a stop call without a graph: {}", request.path));
            *calls.entry(graph.as_str().to_owned()).or_default() += 1;
        }
    }
    calls
}

/// Asserts that the project was listed once, page by page to the end, and that
/// nothing else but `others` calls reached GES.
#[track_caller]
fn assert_listed_once(simulator: &RunningSimulator, others: &[OperationKind]) {
    let requests = simulator.requests();
    let pages: Vec<Page> = requests
        .iter()
        .filter(|r| r.operation == Some(OperationKind::ListGraphs))
        .map(|r| {
            assert_eq!(r.status, 200, "{r:?}");
            assert_eq!(r.project_id.as_ref().map(|p| p.as_str()), Some(PROJECT));
            r.page
                .unwrap_or_else(|| panic!("a listing without its page: {r:?}"))
        })
        .collect();
    let wanted: Vec<Page> = [0, 100, 200]
        .map(|offset| Page {
            offset,
            limit: 1000,
        })
        .to_vec();
    assert_eq!(pages, wanted);
    for request in &requests {
        let operation = request.operation.expect("every call is an operation");
        assert!(
            operation == OperationKind::ListGraphs || others.contains(&operation),
            "an unexpected call: {request:?}"
        );
    }
}

/// Asserts that every graph is in its spec's status, except `stopped`, now stopping.
#[track_caller]
fn assert_statuses(simulator: &RunningSimulator, stopped: &BTreeSet<String>) {
    for graph in fleet() {
        let wanted = if stopped.contains(graph.id.as_str()) {
            GraphStatus::Stopping
        } else {
            graph.status.clone()
        };
        assert_eq!(
            simulator.graph_status(&graph.id),
            Some(wanted),
            "{}",
            graph.name
        );
    }
}

/// Puts every graph back as its spec says, and forgets the traffic.
fn reset(simulator: &RunningSimulator) {
    for graph in fleet() {
        simulator.put_graph(graph);
    }
    simulator.clear_requests();
}

fn running_ids(selected: &[GraphSpec], opt_out: (&str, &str)) -> BTreeSet<String> {
    selected
        .iter()
        .filter(|g| expected(g, opt_out, false).0 == "stopping")
        .map(|g| g.id.as_str().to_owned())
        .collect()
}

/// The HTTP answer of a gateway invocation, which must be JSON and say so.
#[track_caller]
fn http(invocation: &Invocation) -> (u16, Value) {
    let answer = invocation.http();
    assert_eq!(
        answer.header("content-type"),
        Some("application/json"),
        "{answer:?}"
    );
    (answer.status, answer.body)
}

/// The log lines whose message is `message`.
fn logs_of(function: &LambdaFunction, message: &str) -> Vec<Value> {
    function
        .json_logs()
        .into_iter()
        .filter(|line| line["fields"]["message"] == message)
        .collect()
}

/// Waits until there are `count` `summary` lines, and returns the last one's counts
/// and its `dry_run`.
async fn last_summary(function: &LambdaFunction, count: usize) -> ([u64; 7], bool) {
    let lines = function
        .wait_for_logs(LOG_WAIT, count, |line| {
            line["fields"]["message"] == "summary"
        })
        .await;
    assert_eq!(
        lines.len(),
        count,
        "one summary line per invocation: {lines:#?}"
    );
    let fields = &lines[count - 1]["fields"];
    let dry_run = fields["dry_run"]
        .as_bool()
        .unwrap_or_else(|| panic!("no dry_run: {fields}"));
    (counts(fields), dry_run)
}

#[tokio::test]
async fn selectors_stop_the_running_graphs_they_select_across_pages() {
    let simulator = Simulator::builder()
        .graphs(fleet())
        .token(TOKEN)
        // A GES that answers at most 100 graphs a page, whatever is asked, so that the
        // listing crosses pages.
        .cap_list_limit(100)
        // Long enough that a stopped graph stays `901` for the whole test.
        .stop_duration(Duration::from_secs(120))
        .start()
        .await
        .expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    let emulator = LambdaEmulator::start().await;
    let env = [
        ("GES_ENDPOINT", simulator.base_url()),
        ("GES_AUTH_TOKEN", TOKEN.to_owned()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
    ];
    let mut function = LambdaFunction::start(&emulator, env.clone()).await;

    let dev: Vec<GraphSpec> = fleet().into_iter().filter(dev_selected).collect();
    let dev_running = running_ids(&dev, OPT_OUT);
    // 96 selected: 46 running, 22 stopped or stopping, 28 skipped (5 opted out, 2 of
    // them running; importing, faulty, frozen).
    let dry = [96, 0, 0, 22, 28, 46, 0];
    let real = [96, 46, 0, 22, 28, 0, 0];

    // A dry run first: the listing alone, three pages; nothing stopped, nothing
    // looked up graph by graph.
    let mut request = event("fleet-schedule-v2.json");
    request["dry_run"] = json!(true);
    let answer = function.invoke(&request).await.answer().clone();
    assert_eq!(
        answer["selectors"],
        json!([{"name": "dev-*", "tags": {"env": "dev"}}])
    );
    assert_fleet_answer(&answer, &simulator, &dev, OPT_OUT, true, dry);
    assert_listed_once(&simulator, &[]);
    assert_statuses(&simulator, &BTreeSet::new());
    assert_eq!(last_summary(&function, 1).await, (dry, true));

    // The real run: one stop call for each running, selected graph not opted out, and
    // none for any other graph.
    simulator.clear_requests();
    let answer = function
        .invoke(&event("fleet-schedule-v2.json"))
        .await
        .answer()
        .clone();
    assert_fleet_answer(&answer, &simulator, &dev, OPT_OUT, false, real);
    let calls = stop_calls(&simulator);
    assert!(
        calls.values().all(|&n| n == 1),
        "one stop per graph: {calls:?}"
    );
    assert_eq!(calls.keys().cloned().collect::<BTreeSet<_>>(), dev_running);
    assert_listed_once(&simulator, &[OperationKind::StopGraph]);
    assert_statuses(&simulator, &dev_running);
    assert_eq!(last_summary(&function, 2).await, (real, false));
    let selection = logs_of(&function, "selection");
    assert_eq!(selection.len(), 2, "one per listing: {selection:#?}");
    for line in &selection {
        assert_eq!(line["fields"]["project_id"], PROJECT, "{line}");
        assert_eq!(line["fields"]["listed"], GRAPHS, "{line}");
        assert_eq!(line["fields"]["selected"], 96, "{line}");
    }
    // One `graph` line per selected graph and run; the settled ones say why.
    let graph_lines = logs_of(&function, "graph");
    assert_eq!(graph_lines.len(), 2 * 96, "{}", function.diagnostics());
    for line in &graph_lines {
        let fields = &line["fields"];
        if fields["outcome"] != "stopping" {
            assert!(
                fields["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "{line}"
            );
        }
    }

    // Too many: refused before any stop, whether the event's max_graphs or the
    // default maximum (100) is what the selection exceeds.
    reset(&simulator);
    let mut request = event("fleet-schedule-v2.json");
    request["max_graphs"] = json!(10);
    let error = function.invoke(&request).await.error();
    assert_eq!(error.error_type, "TooManyGraphs", "{error:?}");
    assert!(
        error.error_message.contains("96") && error.error_message.contains("max_graphs"),
        "{error:?}"
    );
    let error = function
        .invoke(&json!({"selector": {"name": "*"}}))
        .await
        .error();
    assert_eq!(error.error_type, "TooManyGraphs", "{error:?}");
    assert!(
        error.error_message.contains("260") && error.error_message.contains("GES_MAX_GRAPHS"),
        "{error:?}"
    );
    assert_eq!(stop_calls(&simulator), BTreeMap::new(), "nothing stopped");
    assert_statuses(&simulator, &BTreeSet::new());

    // A selector that matches nothing is an answer, with zero counts.
    let answer = function
        .invoke(&json!({"selectors": [{"name": "nothing-*"}, {"tags": {"env": "qa"}}]}))
        .await
        .answer()
        .clone();
    assert_eq!(answer["results"], json!([]), "{answer}");
    assert_eq!(counts(&answer["summary"]), [0; 7], "{answer}");

    // Over HTTP (an HTTP API, POST /fleet/stop): the fixture's dry run, then the same
    // body for real, then one that selects too many: 422.
    reset(&simulator);
    let fixture = event("fleet-http.json");
    let (status, body) = http(&function.invoke(&fixture).await);
    assert_eq!(status, 200, "{body}");
    assert_fleet_answer(&body, &simulator, &dev, OPT_OUT, true, dry);
    assert_eq!(stop_calls(&simulator), BTreeMap::new());
    let mut request = fixture.clone();
    request["body"] = json!(r#"{"selector": {"name": "dev-*", "tags": {"env": "dev"}}}"#);
    let (status, body) = http(&function.invoke(&request).await);
    assert_eq!(status, 200, "{body}");
    assert_fleet_answer(&body, &simulator, &dev, OPT_OUT, false, real);
    assert_eq!(
        stop_calls(&simulator)
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>(),
        dev_running
    );
    reset(&simulator);
    request["body"] = json!(r#"{"selector": {"name": "*"}}"#);
    let (status, body) = http(&function.invoke(&request).await);
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "TooManyGraphs", "{body}");
    assert_eq!(stop_calls(&simulator), BTreeMap::new());
    function.stop().await;

    // The classic scheduled event names no graph: the configured selectors, with
    // another opt-out tag and maximum. A second function on the same emulator.
    let mut env = env.to_vec();
    env.push(("GES_SELECTORS", SCHEDULE_SELECTORS.to_owned()));
    env.push(("GES_OPT_OUT_TAG", "keep=yes".to_owned()));
    env.push(("GES_MAX_GRAPHS", "80".to_owned()));
    let mut function = LambdaFunction::start(&emulator, env).await;
    reset(&simulator);
    let scheduled: Vec<GraphSpec> = fleet().into_iter().filter(schedule_selected).collect();
    let keep = ("keep", "yes");
    let answer = function
        .invoke(&event("eventbridge-schedule.json"))
        .await
        .answer()
        .clone();
    assert_eq!(
        answer["selectors"],
        json!([
            {"name": "prod-*", "tags": {"env": "prod"}},
            {"name": "Dev-misc-*", "tags": {"team": "s?arch"}}
        ])
    );
    // 77 selected: 48 running, 12 stopped or stopping, 17 skipped.
    assert_fleet_answer(
        &answer,
        &simulator,
        &scheduled,
        keep,
        false,
        [77, 48, 0, 12, 17, 0, 0],
    );
    let running = running_ids(&scheduled, keep);
    let calls = stop_calls(&simulator);
    assert!(
        calls.values().all(|&n| n == 1),
        "one stop per graph: {calls:?}"
    );
    assert_eq!(calls.keys().cloned().collect::<BTreeSet<_>>(), running);
    assert_listed_once(&simulator, &[OperationKind::StopGraph]);
    assert_statuses(&simulator, &running);
    // The configured opt-out tag replaces the default one: graphs tagged
    // ges-stop:skip=true were stopped like the others.
    assert!(
        scheduled
            .iter()
            .any(|g| tag(g, OPT_OUT.0) == Some(OPT_OUT.1) && running.contains(g.id.as_str())),
        "the fleet has a running, selected graph with the default opt-out tag"
    );
    let output = function.stop().await;
    assert!(
        !output.stdout_lines.iter().any(|line| line.contains(TOKEN)),
        "the token was logged"
    );
}

#[tokio::test]
async fn the_demo_runs_a_selector_dry_then_for_real() {
    let binary = tokio::task::spawn_blocking(ges_stop_binary)
        .await
        .expect("the build of ges-stop did not panic");
    let output = tokio::time::timeout(
        Duration::from_secs(60),
        tokio::process::Command::new(binary)
            .args(["demo", "--stop-seconds", "0.3"])
            .env_clear()
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the demo ends within a minute")
    .expect("the demo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    // Skipped: importing, opted out, and the database edition (dev-graphdb).
    let dry =
        "summary: selected 6, stopping 0, already_stopped 1, skipped 3, would_stop 2, failed 0";
    let real =
        "summary: selected 6, stopping 2, already_stopped 1, skipped 3, would_stop 0, failed 0";
    let (Some(dry_at), Some(real_at)) = (stdout.find(dry), stdout.find(real)) else {
        panic!("no dry and real summaries: {stdout}");
    };
    assert!(dry_at < real_at, "the dry run comes first: {stdout}");
    assert!(
        stdout.contains("opted out by the tag ges-stop:skip=true"),
        "{stdout}"
    );
    assert!(
        !stdout.lines().any(|line| line.starts_with("  prod-search")),
        "prod-search is not selected: {stdout}"
    );
}
