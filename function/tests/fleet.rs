//! Fleet mode in-process against the simulator on loopback: selectors resolved by paging
//! list graphs, statuses and the opt-out tag, the `max_graphs` safety, dry runs, the
//! summary log line, several projects (each with its own IAM token) and another region.
//! (The same under the real runtime emulator is in `tests/tests/fleet.rs`.)

mod common;

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use common::context;
use ges_api::types::{GraphId, GraphSizeTypeIndex, GraphStatus, ProductType, ProjectId};
use ges_client::config::vars;
use ges_client::failure::FailureKind;
use ges_client::test_support::LogBuffer;
use ges_simulator::{
    Fault, GraphSpec, ListingFault, OperationKind, RunningSimulator, Simulator, SimulatorBuilder,
};
use ges_stop_lambda::answer::FunctionError;
use ges_stop_lambda::handler::Handler;
use serde_json::{Value, json};

const TOKEN: &str = "fleet-test-token";
const AK: &str = "HPUAFLEETAK000000000";
const SK: &str = "fleet-secret-sk-000000000000000000000000";
const DOMAIN: &str = "acme";
const USER: &str = "ges-ops";
const PASSWORD: &str = "fleet-password";
/// Every invocation gives up after this long.
const PATIENCE: Duration = Duration::from_secs(20);

/// The statuses the fleet cycles through, with how often each comes up per 10 graphs.
const STATUSES: [GraphStatus; 10] = [
    GraphStatus::Running,
    GraphStatus::Running,
    GraphStatus::Running,
    GraphStatus::Running,
    GraphStatus::Running,
    GraphStatus::Stopped,
    GraphStatus::Stopping,
    GraphStatus::Importing,
    GraphStatus::Faulty,
    GraphStatus::Frozen,
];

/// Graph `n` of a fleet: named `dev-n` or `prod-n` by parity, tagged `env` the same way,
/// in the `n % 10`-th status, and opted out when `n % 25 == 0`.
fn fleet_graph(n: u32) -> GraphSpec {
    let env = if n.is_multiple_of(2) { "dev" } else { "prod" };
    let mut spec = GraphSpec::numbered(n, format!("{env}-{n}"))
        .with_status(STATUSES[(n % 10) as usize].clone())
        .with_tag("env", env)
        .with_tag("team", if n.is_multiple_of(3) { "data" } else { "web" });
    if n.is_multiple_of(25) {
        spec = spec.with_tag("ges-stop:skip", "true");
    }
    spec
}

/// What the fleet holds for a predicate on `n`: counts per outcome a real run gives.
fn expected(count: u32, selected: impl Fn(u32) -> bool) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for n in (0..count).filter(|n| selected(*n)) {
        let outcome = if n % 25 == 0 {
            "skipped"
        } else {
            match n % 10 {
                0..=4 => "stopping",
                5 | 6 => "already_stopped",
                _ => "skipped",
            }
        };
        *counts.entry(outcome).or_default() += 1;
        *counts.entry("selected").or_default() += 1;
    }
    counts
}

fn summary_counts(answer: &Value) -> BTreeMap<&'static str, usize> {
    [
        "selected",
        "stopping",
        "already_stopped",
        "skipped",
        "would_stop",
        "failed",
        "stopped",
    ]
    .into_iter()
    .filter_map(|key| {
        let count = answer["summary"][key].as_u64().unwrap() as usize;
        (count > 0).then_some((key, count))
    })
    .collect()
}

async fn fleet(count: u32) -> RunningSimulator {
    Simulator::builder()
        .graphs((0..count).map(fleet_graph))
        .token(TOKEN)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap()
}

fn handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    common::token_handler(simulator, TOKEN, extra)
}

async fn invoke(handler: &Handler, payload: Value) -> Result<Value, FunctionError> {
    tokio::time::timeout(PATIENCE, handler.invoke(&payload, &context(PATIENCE)))
        .await
        .expect("the invocation ends in time")
}

fn requests(
    simulator: &RunningSimulator,
    operation: OperationKind,
) -> Vec<ges_simulator::RequestRecord> {
    simulator
        .requests()
        .into_iter()
        .filter(|r| r.operation == Some(operation))
        .collect()
}

fn stopped_graphs(simulator: &RunningSimulator) -> Vec<GraphId> {
    requests(simulator, OperationKind::StopGraph)
        .into_iter()
        .filter_map(|r| r.graph_id)
        .collect()
}

fn number(id: &GraphId) -> u32 {
    id.as_str().rsplit('-').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_selector_pages_to_the_end_and_stops_only_running_selected_graphs() {
    let simulator = fleet(250).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"selector": {"name": "dev-*", "tags": {"team": "data"}}, "max_graphs": 250}),
    )
    .await
    .unwrap();

    let selected = |n: u32| n.is_multiple_of(2) && n.is_multiple_of(3);
    assert_eq!(
        summary_counts(&answer),
        expected(250, selected),
        "{}",
        answer["summary"]
    );
    assert_eq!(
        answer["selectors"],
        json!([{"name": "dev-*", "tags": {"team": "data"}}])
    );

    // One page of up to 1000: one listing request per thousand graphs.
    let pages: Vec<(u32, u32)> = requests(&simulator, OperationKind::ListGraphs)
        .iter()
        .map(|r| r.page.map(|p| (p.offset, p.limit)).unwrap())
        .collect();
    assert_eq!(pages, [(0, 1000)]);

    // One stop per running, selected, not opted-out graph; none for any other.
    let mut stopped: Vec<u32> = stopped_graphs(&simulator).iter().map(number).collect();
    stopped.sort_unstable();
    let wanted: Vec<u32> = (0..250)
        .filter(|n| selected(*n) && n % 25 != 0 && n % 10 < 5)
        .collect();
    assert_eq!(stopped, wanted);
    assert!(requests(&simulator, OperationKind::ShowGraph).is_empty());
    for n in &wanted {
        let id = GraphSpec::numbered(*n, "").id;
        assert_eq!(simulator.graph_status(&id), Some(GraphStatus::Stopping));
    }

    // Each entry says what happened and, without a call, why; in listing order.
    let results = answer["results"].as_array().unwrap();
    let numbers: Vec<u32> = results
        .iter()
        .map(|r| number(&r["graph_id"].as_str().unwrap().parse().unwrap()))
        .collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
    let entry = |n: u32| {
        results
            .iter()
            .find(|r| r["graph_id"] == GraphSpec::numbered(n, "").id.as_str())
            .unwrap()
    };
    assert_eq!(entry(12)["outcome"], "stopping");
    assert_eq!(entry(12)["name"], "dev-12");
    assert!(entry(12)["job_id"].is_string());
    assert_eq!(entry(36)["outcome"], "already_stopped");
    assert_eq!(entry(36)["reason"], "the graph is stopping (901)");
    assert_eq!(entry(18)["outcome"], "skipped");
    assert_eq!(
        entry(18)["reason"],
        "the graph is faulty (300); GES stops only running graphs"
    );
    assert_eq!(entry(150)["outcome"], "skipped");
    assert_eq!(
        entry(150)["reason"],
        "opted out by the tag ges-stop:skip=true"
    );
}

#[tokio::test]
async fn too_many_selected_refuses_before_any_stop_unless_the_event_raises_the_maximum() {
    let simulator = fleet(250).await;
    let handler = handler(&simulator, &[]);
    // 125 dev graphs: more than the default maximum of 100.
    let err = invoke(&handler, json!({"selector": {"tags": {"env": "dev"}}}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FailureKind::TooManyGraphs.into());
    assert_eq!(err.http_status(), 422);
    let message = err.to_string();
    assert!(
        message.contains("selects 125 graphs, more than the maximum of 100"),
        "{message}"
    );
    assert!(message.contains("\"max_graphs\": 125"), "{message}");
    assert!(stopped_graphs(&simulator).is_empty());

    // GES_MAX_GRAPHS lowers it for everyone; the event raises it for itself.
    let strict = self::handler(&simulator, &[(vars::MAX_GRAPHS, "4")]);
    let err = invoke(&strict, json!({"selector": {"name": "dev-1?"}}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FailureKind::TooManyGraphs.into(), "{err}");
    let answer = invoke(
        &strict,
        json!({"selector": {"name": "dev-1?"}, "max_graphs": 5}),
    )
    .await
    .unwrap();
    assert_eq!(answer["summary"]["selected"], 5, "dev-10 to dev-18");
    assert!(!stopped_graphs(&simulator).is_empty());
}

#[tokio::test]
async fn a_selector_that_matches_nothing_is_an_outcome() {
    let simulator = fleet(30).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(&handler, json!({"selector": {"name": "staging-*"}}))
        .await
        .unwrap();
    assert_eq!(answer["results"], json!([]));
    assert_eq!(
        answer["summary"],
        json!({"selected": 0, "stopping": 0, "stopped": 0, "already_stopped": 0,
               "skipped": 0, "would_stop": 0, "starting": 0, "already_running": 0,
               "unchanged": 0, "would_start": 0, "deferred": 0, "failed": 0})
    );
}

/// The pages a run was answered, as (offset, limit); a page asked without `limit` shows
/// GES's default, 10. A refused request has none.
fn pages(simulator: &RunningSimulator) -> Vec<(u32, u32)> {
    requests(simulator, OperationKind::ListGraphs)
        .iter()
        .filter_map(|r| r.page.map(|p| (p.offset, p.limit)))
        .collect()
}

async fn fleet_with(
    count: u32,
    pages: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder,
) -> RunningSimulator {
    pages(
        Simulator::builder()
            .graphs((0..count).map(fleet_graph))
            .token(TOKEN)
            .stop_duration(Duration::from_secs(30)),
    )
    .start()
    .await
    .unwrap()
}

#[tokio::test]
async fn a_ges_that_answers_smaller_pages_is_paged_by_what_it_answers() {
    // A GES that holds pages to 100 graphs, whatever was asked: each page starts where
    // the graphs received end.
    let simulator = fleet_with(250, |builder| builder.cap_list_limit(100)).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"selector": {"name": "*"}, "max_graphs": 250}),
    )
    .await
    .unwrap();
    assert_eq!(answer["summary"]["selected"], 250, "{}", answer["summary"]);
    assert_eq!(pages(&simulator), [(0, 1000), (100, 1000), (200, 1000)]);
}

#[tokio::test]
async fn a_ges_that_refuses_large_pages_is_listed_with_its_default_and_remembered() {
    let simulator = fleet_with(25, |builder| builder.refuse_list_limit_over(500)).await;
    let handler = handler(&simulator, &[]);
    let run = json!({"selector": {"name": "*"}, "dry_run": true});
    let answer = invoke(&handler, run.clone()).await.unwrap();
    assert_eq!(answer["summary"]["selected"], 25, "{}", answer["summary"]);
    // The refused page, then GES's default pages of 10: never a failed listing
    // because of our page size.
    assert_eq!(pages(&simulator), [(0, 10), (10, 10), (20, 10)]);
    let refused: Vec<u16> = requests(&simulator, OperationKind::ListGraphs)
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(refused, [400, 200, 200, 200]);

    // Warm: the next run asks for GES's default straight away.
    simulator.clear_requests();
    let answer = invoke(&handler, run).await.unwrap();
    assert_eq!(answer["summary"]["selected"], 25);
    assert_eq!(pages(&simulator), [(0, 10), (10, 10), (20, 10)]);
    assert_eq!(requests(&simulator, OperationKind::ListGraphs).len(), 3);
}

#[tokio::test]
async fn a_listing_is_bounded_by_graphs_not_pages() {
    // 10,001 graphs: the first page's count is past the bound, and the run is refused
    // there, without another page or a stop.
    let simulator = fleet_with(10_001, |builder| builder).await;
    let handler = handler(&simulator, &[]);
    let error = invoke(
        &handler,
        json!({"selector": {"name": "*"}, "max_graphs": 1000}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.kind(),
        FailureKind::UnexpectedAnswer.into(),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .contains("GES counts 10001 graphs in it, more than the 10000 a listing reads"),
        "{error}"
    );
    assert_eq!(pages(&simulator).len(), 1);
    assert!(stopped_graphs(&simulator).is_empty());
}

/// A run over every graph that must fail as a listing that does not end, having
/// stopped nothing: its error.
async fn refused_listing(simulator: &RunningSimulator, dry_run: bool) -> String {
    let handler = handler(simulator, &[]);
    let error = invoke(
        &handler,
        json!({"selector": {"name": "*"}, "max_graphs": 1000, "dry_run": dry_run}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.kind(),
        FailureKind::UnexpectedAnswer.into(),
        "{error}"
    );
    assert!(stopped_graphs(simulator).is_empty());
    error.to_string()
}

#[tokio::test]
async fn a_listing_that_ignores_offset_ends_at_its_second_page() {
    // GES answers the first page whatever the offset: the second page adds no graph.
    let simulator = fleet_with(25, |builder| builder.cap_list_limit(10)).await;
    simulator.fail_listings(ListingFault::IgnoresOffset);
    let error = refused_listing(&simulator, false).await;
    assert!(
        error.contains("does not end: the page at offset 10 held only graphs already listed"),
        "{error}"
    );
    assert!(error.contains("(10 distinct graphs listed)"), "{error}");
    assert_eq!(pages(&simulator), [(0, 1000), (10, 1000)]);
}

#[tokio::test]
async fn a_listing_ends_within_the_pages_its_first_count_promised() {
    // One new graph a page, and a count one ahead of every page: the first answer
    // promised two graphs at one a page, so the third page is the last read.
    let simulator = fleet_with(3, |builder| builder.cap_list_limit(1)).await;
    simulator.fail_listings(ListingFault::Endless);
    let error = refused_listing(&simulator, true).await;
    assert!(
        error.contains("graphs still came after 3 pages, more than the first answer's"),
        "{error}"
    );
    assert_eq!(pages(&simulator), [(0, 1000), (1, 1000), (2, 1000)]);

    // The same GES with pages of a thousand: the first promised 1,001 graphs, two
    // pages, and one more is read.
    let large_pages = fleet_with(3, |builder| builder).await;
    large_pages.fail_listings(ListingFault::Endless);
    refused_listing(&large_pages, true).await;
    assert_eq!(pages(&large_pages), [(0, 1000), (1000, 1000), (2000, 1000)]);

    // Cleared, the listing is the project's again.
    simulator.clear_faults();
    simulator.clear_requests();
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"selector": {"name": "*"}, "dry_run": true}),
    )
    .await
    .unwrap();
    assert_eq!(answer["summary"]["selected"], 3, "{}", answer["summary"]);
    assert_eq!(pages(&simulator), [(0, 1000), (1, 1000), (2, 1000)]);
}

#[tokio::test]
async fn a_listing_past_its_bytes_is_refused_and_stops_nothing() {
    // Ten graphs with a tag of 1.2 MB each, two a page: the third page, past 6 MiB
    // read, passes the bound on what a run reads of its listings.
    let tag = "t".repeat(1_200_000);
    let simulator = Simulator::builder()
        .graphs((0..10).map(|n| fleet_graph(n).with_tag("notes", tag.as_str())))
        .token(TOKEN)
        .cap_list_limit(2)
        .start()
        .await
        .unwrap();
    let error = refused_listing(&simulator, false).await;
    assert!(
        error.contains(&format!(
            "the graphs listed by this run passed 6 MiB of answers at project {} (4 of its \
             graphs listed); nothing was stopped or started",
            simulator.project_id()
        )),
        "{error}"
    );
    assert_eq!(pages(&simulator).len(), 3);
}

#[tokio::test]
async fn a_dry_run_lists_what_would_be_stopped_and_why_without_calls_per_graph() {
    let simulator = fleet(120).await;
    let handler = handler(&simulator, &[]);
    let answer = invoke(
        &handler,
        json!({"selector": {"name": "*"}, "dry_run": true, "max_graphs": 120}),
    )
    .await
    .unwrap();
    let mut counts = expected(120, |_| true);
    let would_stop = counts.remove("stopping").unwrap();
    counts.insert("would_stop", would_stop);
    assert_eq!(summary_counts(&answer), counts);
    let first_running = &answer["results"][1];
    assert_eq!(first_running["outcome"], "would_stop");
    assert_eq!(first_running["reason"], "the graph is running");
    assert_eq!(first_running["graph_status"], "200");
    // One listing, no stop, no look-up.
    let everything = simulator.requests();
    assert_eq!(everything.len(), 1, "{everything:?}");
    assert!(
        everything
            .iter()
            .all(|r| r.operation == Some(OperationKind::ListGraphs))
    );
}

#[tokio::test]
async fn the_opt_out_tag_is_configurable() {
    let simulator = fleet(50).await;
    let handler = handler(&simulator, &[(vars::OPT_OUT_TAG, "team=data")]);
    let answer = invoke(&handler, json!({"selector": {"name": "dev-*"}}))
        .await
        .unwrap();
    let data: Vec<&Value> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| number(&r["graph_id"].as_str().unwrap().parse().unwrap()).is_multiple_of(3))
        .collect();
    assert!(!data.is_empty());
    for entry in data {
        assert_eq!(entry["outcome"], "skipped", "{entry}");
        assert_eq!(entry["reason"], "opted out by the tag team=data");
    }
    // With another opt-out tag, `ges-stop:skip=true` means nothing: graph 0 is stopping.
    assert!(stopped_graphs(&simulator).iter().any(|id| number(id) == 20));
}

#[tokio::test]
async fn the_classic_schedule_stops_the_configured_selectors() {
    let simulator = fleet(40).await;
    let handler = handler(
        &simulator,
        &[(
            vars::SELECTORS,
            r#"[{"name": "prod-1*"}, {"name": "prod-3?"}]"#,
        )],
    );
    let schedule: Value = serde_json::from_str(include_str!(
        "../../examples/events/eventbridge-schedule.json"
    ))
    .unwrap();
    let answer = invoke(&handler, schedule).await.unwrap();
    // prod-1, prod-11 .. 19 and prod-31 .. 39, odd.
    let selected =
        |n: u32| n % 2 == 1 && (n == 1 || (10..20).contains(&n) || (30..40).contains(&n));
    assert_eq!(summary_counts(&answer), expected(40, selected));
    assert_eq!(answer["selectors"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn selectors_over_http_answer_the_batch() {
    let simulator = fleet(20).await;
    let handler = handler(&simulator, &[]);
    let mut event: Value =
        serde_json::from_str(include_str!("../../examples/events/apigw-http.json")).unwrap();
    event["rawPath"] = json!("/prod/fleet/stop");
    event["requestContext"]["http"]["path"] = json!("/prod/fleet/stop");
    event["pathParameters"] = json!({});
    event["isBase64Encoded"] = json!(false);
    event["body"] = json!(r#"{"selector": {"name": "dev-*"}, "dry_run": true}"#);
    let response = invoke(&handler, event).await.unwrap();
    assert_eq!(response["statusCode"], 200, "{response}");
    let answer: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(answer["summary"]["selected"], 10, "{answer}");
    assert!(stopped_graphs(&simulator).is_empty());
}

#[tokio::test]
async fn a_listing_that_fails_stops_nothing_and_says_which_project() {
    let simulator = fleet(150).await;
    let handler = handler(&simulator, &[]);
    // The listing is refused: nothing may be acted on.
    simulator.fail_next(
        OperationKind::ListGraphs,
        Fault::status(403, r#"{"error_code":"GES.8003","error_msg":"No."}"#),
    );
    let err = invoke(
        &handler,
        json!({"selector": {"name": "dev-*"}, "max_graphs": 200}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), FailureKind::Forbidden.into(), "{err}");
    assert_eq!(err.http_status(), 502);
    let message = err.to_string();
    assert!(
        message.starts_with(&format!(
            "could not list the graphs of project {}: HTTP 403 GES.8003: No.",
            simulator.project_id()
        )),
        "{message}"
    );
    assert!(stopped_graphs(&simulator).is_empty());

    // A failing GES is tried again: the 503, then the one page.
    simulator.clear_requests();
    simulator.fail_next(OperationKind::ListGraphs, Fault::ServiceUnavailable);
    let answer = invoke(
        &handler,
        json!({"selector": {"name": "dev-*"}, "max_graphs": 200}),
    )
    .await
    .unwrap();
    assert_eq!(answer["summary"]["selected"], 75);
    assert_eq!(requests(&simulator, OperationKind::ListGraphs).len(), 2);
}

#[tokio::test]
async fn a_project_outside_the_allow_list_is_refused_before_any_call() {
    let simulator = fleet(10).await;
    let handler = handler(
        &simulator,
        &[(
            vars::ALLOWED_PROJECT_IDS,
            "0000000000000000000000000000beef",
        )],
    );
    let err = invoke(&handler, json!({"selector": {"name": "*"}}))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), FailureKind::NotAllowed.into());
    assert_eq!(err.http_status(), 403);
    assert!(simulator.requests().is_empty());

    // The graph allow-list leaves graphs out of a selection, reported as skipped.
    let handler = self::handler(
        &simulator,
        &[(
            vars::ALLOWED_GRAPH_IDS,
            GraphSpec::numbered(1, "").id.as_str(),
        )],
    );
    let answer = invoke(&handler, json!({"selector": {"name": "*"}}))
        .await
        .unwrap();
    assert_eq!(answer["summary"]["stopping"], 1, "{answer}");
    assert_eq!(
        answer["results"][2]["reason"],
        "not in GES_ALLOWED_GRAPH_IDS / GES_ALLOWED_PROJECT_IDS"
    );
}

#[tokio::test]
async fn one_summary_line_per_run_has_every_count_as_a_field() {
    let simulator = fleet(30).await;
    let handler = handler(&simulator, &[]);
    let captured = LogBuffer::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_writer(move || writer.clone())
        .finish();
    let answer = {
        let _guard = tracing::subscriber::set_default(subscriber);
        invoke(&handler, json!({"selector": {"name": "dev-*"}}))
            .await
            .unwrap()
    };
    let text = captured.text();
    let summaries: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|line| line["fields"]["message"] == "summary")
        .collect();
    assert_eq!(summaries.len(), 1, "{text}");
    let fields = &summaries[0]["fields"];
    for key in [
        "selected",
        "stopping",
        "stopped",
        "already_stopped",
        "skipped",
        "would_stop",
        "failed",
    ] {
        assert_eq!(fields[key], answer["summary"][key], "{key}: {fields}");
    }
    assert_eq!(fields["dry_run"], false);
}

#[tokio::test]
async fn several_projects_each_get_their_own_iam_token_once() {
    let dev: ProjectId = "0000000000000000000000000000d0e5".parse().unwrap();
    let simulator = (100..110)
        .fold(Simulator::builder(), |builder, n| {
            builder.graph_in(dev.clone(), fleet_graph(n))
        })
        .extra_project(dev.clone(), "cn-north-4_dev")
        .graphs((0..10).map(fleet_graph))
        .iam_user(DOMAIN, USER, PASSWORD)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let env: HashMap<String, String> = HashMap::from([
        (vars::ENDPOINT.to_owned(), simulator.base_url()),
        (vars::IAM_ENDPOINT.to_owned(), simulator.base_url()),
        (vars::IAM_USER.to_owned(), USER.to_owned()),
        (vars::IAM_PASSWORD.to_owned(), PASSWORD.to_owned()),
        (vars::IAM_DOMAIN.to_owned(), DOMAIN.to_owned()),
        (
            vars::PROJECT_ID.to_owned(),
            simulator.project_id().to_string(),
        ),
    ]);
    let handler = common::loaded_handler(&env).await;
    let event = json!({"selectors": [
        {"name": "dev-*"},
        {"name": "dev-*", "project_id": dev.as_str()},
    ]});
    let answer = invoke(&handler, event.clone()).await.unwrap();
    // dev-0 .. dev-8 in the main project, dev-100 .. dev-108 in the other.
    assert_eq!(answer["summary"]["selected"], 10, "{answer}");
    assert_eq!(answer["summary"]["failed"], 0, "{answer}");
    let per_project = |project: &ProjectId| {
        requests(&simulator, OperationKind::StopGraph)
            .iter()
            .filter(|r| r.project_id.as_ref() == Some(project) && r.status == 200)
            .count()
    };
    assert!(per_project(simulator.project_id()) > 0);
    assert!(per_project(&dev) > 0);
    assert_eq!(simulator.iam_token_requests(), 2, "one token per project");

    // Warm: the tokens are reused.
    let answer = invoke(&handler, event).await.unwrap();
    assert_eq!(answer["summary"]["failed"], 0, "{answer}");
    assert_eq!(simulator.iam_token_requests(), 2);
}

#[tokio::test]
async fn another_region_without_a_project_needs_iam_and_sends_nothing_without_it() {
    let simulator = fleet(10).await;
    // GES_ENDPOINT and a token: no region, so no IAM endpoint to find a project with.
    let handler = handler(&simulator, &[]);
    let err = invoke(
        &handler,
        json!({"selector": {"name": "*", "region": "ap-southeast-1"}}),
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), FailureKind::NoProject.into(), "{err}");
    assert_eq!(err.http_status(), 400);
    let message = err.to_string();
    assert!(message.contains("region ap-southeast-1"), "{message}");
    assert!(
        message.contains("HUAWEICLOUD_SDK_IAM_ENDPOINT"),
        "{message}"
    );
    assert!(simulator.requests().is_empty());
}

#[tokio::test]
async fn a_selector_can_name_another_region() {
    let away = Simulator::builder()
        .region("ap-southeast-1")
        .project_id("00000000000000000000000000a5ea51".parse().unwrap())
        .graphs((200..210).map(fleet_graph))
        .ak_sk(AK, SK)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let home = Simulator::builder()
        .graphs((0..10).map(fleet_graph))
        .ak_sk(AK, SK)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let env: HashMap<String, String> = HashMap::from([
        (vars::ENDPOINT.to_owned(), home.base_url()),
        (vars::PROJECT_ID.to_owned(), home.project_id().to_string()),
        (vars::AK.to_owned(), AK.to_owned()),
        (vars::SK.to_owned(), SK.to_owned()),
        (
            "HUAWEICLOUD_SDK_REGION_GES_AP_SOUTHEAST_1".to_owned(),
            away.base_url(),
        ),
        (vars::IAM_ENDPOINT.to_owned(), away.base_url()),
    ]);
    let handler = common::loaded_handler(&env).await;
    // No project_id: the region's project is found in IAM, once.
    let event = json!({"selectors": [
        {"name": "dev-*"},
        {"name": "dev-*", "region": "ap-southeast-1"},
    ]});
    let answer = invoke(&handler, event.clone()).await.unwrap();
    assert_eq!(answer["summary"]["failed"], 0, "{answer}");
    assert_eq!(answer["summary"]["selected"], 10, "{answer}");
    let away_results: Vec<&Value> = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["project_id"] == away.project_id().as_str())
        .collect();
    assert_eq!(away_results.len(), 5, "{answer}");
    assert!(!stopped_graphs(&away).is_empty());
    assert!(stopped_graphs(&away).iter().all(|id| number(id) >= 200));
    assert!(stopped_graphs(&home).iter().all(|id| number(id) < 10));
    invoke(&handler, event).await.unwrap();
    assert_eq!(
        away.iam_project_requests(),
        1,
        "the region's project is kept"
    );
}

#[tokio::test]
async fn graphs_of_the_database_edition_are_skipped_with_the_reason_and_never_called() {
    let simulator = Simulator::builder()
        .graphs([
            GraphSpec::numbered(1, "dev-memory"),
            GraphSpec::numbered(2, "dev-database").with_edition(ProductType::Persistence),
            // No product_type listed: a graph of 100 billion edges is Persistence by default.
            GraphSpec::numbered(3, "dev-huge")
                .without_edition()
                .with_size(GraphSizeTypeIndex::HundredBillionEdges),
        ])
        .token(TOKEN)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let handler = handler(&simulator, &[]);
    let selector = json!({"name": "dev-*"});
    let dry = invoke(&handler, json!({"selector": selector, "dry_run": true}))
        .await
        .unwrap();
    let real = invoke(&handler, json!({"selector": selector}))
        .await
        .unwrap();
    for answer in [&dry, &real] {
        let results = answer["results"].as_array().unwrap();
        for n in [2, 3] {
            let entry = results
                .iter()
                .find(|entry| number(&entry["graph_id"].as_str().unwrap().parse().unwrap()) == n)
                .unwrap();
            assert_eq!(entry["outcome"], "skipped", "{entry}");
            let reason = entry["reason"].as_str().unwrap();
            assert!(reason.contains("database edition"), "{reason}");
            assert!(reason.contains("GES cannot stop"), "{reason}");
        }
        assert_eq!(answer["summary"]["skipped"], 2, "{answer}");
    }
    assert_eq!(dry["summary"]["would_stop"], 1);
    assert_eq!(real["summary"]["stopping"], 1);
    // The journal: two listings and one stop, of the in-memory graph.
    let per_graph: Vec<(Option<OperationKind>, Option<GraphId>)> = simulator
        .requests()
        .into_iter()
        .filter(|r| r.operation != Some(OperationKind::ListGraphs))
        .map(|r| (r.operation, r.graph_id))
        .collect();
    assert_eq!(
        per_graph,
        [(
            Some(OperationKind::StopGraph),
            Some(GraphSpec::numbered(1, "x").id)
        )]
    );
}
