//! Reading graphs' request counts from the simulator's Cloud Eye over loopback: what
//! the counts show, the split into requests at Cloud Eye's limits (counted in the
//! simulator's journal), a refusal, a retry and an unreachable endpoint.

use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::{Config, Endpoint, vars};
use ges_client::ges::{ClientErrorKind, GesClient};
use ges_client::usage::{Usage, UsageErrorKind, Window, read_request_counts};
use ges_simulator::{
    Authentication, Fault, GraphSpec, IdleMinutes, OperationKind, RunningSimulator, Scheme,
    Simulator,
};
use time::OffsetDateTime;

const AK: &str = "HPUAEXAMPLEAK0000000";
const SK: &str = "ExampleSecretKey0000000000000000000000000";
const MINUTE: time::Duration = time::Duration::MINUTE;

fn id(value: &str) -> GraphId {
    value.parse().unwrap()
}

async fn simulator(graphs: Vec<GraphSpec>) -> RunningSimulator {
    Simulator::builder()
        .graphs(graphs)
        .ak_sk(AK, SK)
        .start()
        .await
        .unwrap()
}

/// A client signing with AK/SK, its Cloud Eye at `ces` (the simulator's unless said).
fn client(
    sim: &RunningSimulator,
    ces: Option<&str>,
    extra: &[(&str, &str)],
) -> (GesClient, Endpoint) {
    let base = sim.base_url();
    let project = sim.project_id().to_string();
    let mut env: Vec<(&str, String)> = vec![
        (vars::ENDPOINT, base.clone()),
        (vars::CES_ENDPOINT, ces.map_or(base, str::to_owned)),
        (vars::PROJECT_ID, project),
        (vars::AK, AK.to_owned()),
        (vars::SK, SK.to_owned()),
    ];
    env.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let config = Config::from_lookup(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap();
    let endpoint = config
        .ces_endpoint
        .clone()
        .expect("GES_CES_ENDPOINT is set");
    (GesClient::new(&config).unwrap(), endpoint)
}

/// `minutes` whole minutes of the simulator's clock that ended five minutes ago, once
/// its graphs have run for `ran` minutes.
fn past_window(sim: &RunningSimulator, ran: u64, minutes: i64) -> Window {
    sim.advance_clock(Duration::from_secs(ran * 60));
    let now = sim.now_utc();
    let minute = now
        .replace_second(0)
        .unwrap()
        .replace_nanosecond(0)
        .unwrap();
    let to = minute - MINUTE * 5;
    Window::new(to - time::Duration::minutes(minutes), to).unwrap()
}

fn at(window: Window, minute: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(window.from_ms()) * 1_000_000).unwrap()
        + time::Duration::minutes(minute)
}

fn reads(sim: &RunningSimulator) -> Vec<ges_simulator::RequestRecord> {
    sim.requests()
        .into_iter()
        .filter(|record| record.operation == Some(OperationKind::BatchListMetricData))
        .collect()
}

#[tokio::test]
async fn counts_show_idle_busy_and_not_known_graphs() {
    let sim = simulator(vec![
        GraphSpec::running(id("busy"), "busy"),
        GraphSpec::running(id("idle"), "idle"),
        GraphSpec::running(id("off"), "off").with_status(GraphStatus::Stopped),
    ])
    .await;
    let (client, ces) = client(&sim, None, &[]);
    let window = past_window(&sim, 60, 10);
    sim.set_requests(&id("busy"), at(window, 3), 7);
    sim.set_requests(&id("busy"), at(window, 9), 5);
    // Set for a stopped graph: Cloud Eye shows nothing of it.
    sim.set_requests(&id("off"), at(window, 3), 9);

    let graphs = [id("busy"), id("idle"), id("off"), id("busy")];
    let usages = read_request_counts(&client, &ces, sim.project_id(), &graphs, window, None)
        .await
        .unwrap();
    let found: Vec<(&str, Usage)> = usages
        .iter()
        .map(|usage| (usage.graph_id().as_str(), usage.usage()))
        .collect();
    assert_eq!(
        found,
        [
            ("busy", Usage::Busy { requests: 12 }),
            ("idle", Usage::Idle),
            (
                "off",
                Usage::Unknown {
                    reported: 0,
                    minutes: 10
                }
            ),
        ]
    );
    assert_eq!(usages[0].reported_minutes(), 10);
    assert_eq!(
        usages[0]
            .minutes()
            .filter(|(_, count)| *count > 0)
            .collect::<Vec<_>>(),
        [(3, 7), (9, 5)]
    );

    let reads = reads(&sim);
    assert_eq!(reads.len(), 1, "{reads:#?}");
    assert_eq!(reads[0].metrics, Some(3));
    assert_eq!(
        reads[0].authentication,
        Authentication::Accepted(Scheme::AkSk)
    );
}

#[tokio::test]
async fn where_idle_minutes_report_nothing_an_unused_graph_is_not_known_to_be_idle() {
    let sim = simulator(vec![GraphSpec::running(id("quiet"), "quiet")]).await;
    sim.set_idle_minutes(IdleMinutes::Absent);
    let (client, ces) = client(&sim, None, &[]);
    let window = past_window(&sim, 60, 15);
    let usages = read_request_counts(
        &client,
        &ces,
        sim.project_id(),
        &[id("quiet")],
        window,
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        usages[0].usage(),
        Usage::Unknown {
            reported: 0,
            minutes: 15
        }
    );
    sim.set_requests(&id("quiet"), at(window, 14), 1);
    let usages = read_request_counts(
        &client,
        &ces,
        sim.project_id(),
        &[id("quiet")],
        window,
        None,
    )
    .await
    .unwrap();
    assert_eq!(usages[0].usage(), Usage::Busy { requests: 1 });
}

/// How many metrics each Cloud Eye read asked for, in order.
fn batches(sim: &RunningSimulator) -> Vec<usize> {
    reads(sim).iter().map(|r| r.metrics.unwrap_or(0)).collect()
}

#[tokio::test]
async fn graphs_are_split_into_requests_at_both_of_cloud_eyes_limits() {
    let graphs: Vec<GraphSpec> = (0..1001).map(|n| GraphSpec::numbered(n, "g")).collect();
    let ids: Vec<GraphId> = graphs.iter().map(|graph| graph.id.clone()).collect();
    let sim = simulator(graphs).await;
    let (client, ces) = client(&sim, None, &[]);

    // Five minutes: the 500-metric limit binds.
    let window = past_window(&sim, 3100, 5);
    let usages = read_request_counts(&client, &ces, sim.project_id(), &ids, window, None)
        .await
        .unwrap();
    assert_eq!(batches(&sim), [500, 500, 1]);
    assert!(usages.iter().all(|usage| usage.usage() == Usage::Idle));

    // Thirty minutes: 3,000 datapoints bind, 100 graphs a request.
    sim.clear_requests();
    let window = past_window(&sim, 0, 30);
    let usages = read_request_counts(&client, &ces, sim.project_id(), &ids[..250], window, None)
        .await
        .unwrap();
    assert_eq!(batches(&sim), [100, 100, 50]);
    // No window was shortened: every minute of every graph came back.
    assert!(usages.iter().all(|usage| usage.usage() == Usage::Idle));

    // The longest window: one graph a request, read whole.
    sim.clear_requests();
    let window = past_window(&sim, 0, 3000);
    let usages = read_request_counts(&client, &ces, sim.project_id(), &ids[..2], window, None)
        .await
        .unwrap();
    assert_eq!(batches(&sim), [1, 1]);
    assert!(usages.iter().all(|usage| usage.reported_minutes() == 3000));
}

#[tokio::test]
async fn a_refusal_fails_the_read_and_names_cloud_eyes_code() {
    let sim = simulator(vec![GraphSpec::running(id("g"), "g")]).await;
    let (client, ces) = client(&sim, None, &[]);
    let window = past_window(&sim, 60, 10);
    sim.fail_next(
        OperationKind::BatchListMetricData,
        Fault::json(
            403,
            r#"{"http_code":"403","message":{"details":"Policy doesn't allow [ces:metricData:list] to be performed","code":"ces.0017"}}"#,
        ),
    );
    let error = read_request_counts(&client, &ces, sim.project_id(), &[id("g")], window, None)
        .await
        .unwrap_err();
    let UsageErrorKind::Refused(refusal) = error.kind() else {
        panic!("{error:?}");
    };
    assert_eq!(refusal.status, 403);
    let message = error.to_string();
    assert!(
        message.contains("Cloud Eye at http://127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("ces.0017"), "{message}");
    assert!(message.contains("ces:metricData:list"), "{message}");
    // A refusal is final: sent once.
    assert_eq!(reads(&sim).len(), 1);
}

#[tokio::test]
async fn a_failing_cloud_eye_is_tried_again_and_a_throttled_one_fails_the_read() {
    let sim = simulator(vec![GraphSpec::running(id("g"), "g")]).await;
    let window = past_window(&sim, 60, 10);
    let (retrying, ces) = client(&sim, None, &[]);
    sim.fail_next(
        OperationKind::BatchListMetricData,
        Fault::ServiceUnavailable,
    );
    let usages = read_request_counts(&retrying, &ces, sim.project_id(), &[id("g")], window, None)
        .await
        .unwrap();
    assert_eq!(usages[0].usage(), Usage::Idle);
    assert_eq!(
        reads(&sim).iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 200]
    );

    let (once, ces) = client(&sim, None, &[(vars::MAX_ATTEMPTS, "1")]);
    sim.fail_next(OperationKind::BatchListMetricData, Fault::Throttled);
    let error = read_request_counts(&once, &ces, sim.project_id(), &[id("g")], window, None)
        .await
        .unwrap_err();
    assert!(
        matches!(error.kind(), UsageErrorKind::Call { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("429"), "{error}");
}

#[tokio::test]
async fn an_unreachable_cloud_eye_fails_the_read_naming_its_variable() {
    let sim = simulator(vec![GraphSpec::running(id("g"), "g")]).await;
    // A port nobody listens on any more.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let (client, ces) = client(
        &sim,
        Some(&format!("http://{closed}")),
        &[(vars::MAX_ATTEMPTS, "1")],
    );
    let window = past_window(&sim, 60, 10);
    let error = read_request_counts(&client, &ces, sim.project_id(), &[id("g")], window, None)
        .await
        .unwrap_err();
    let UsageErrorKind::Call { source } = error.kind() else {
        panic!("{error:?}");
    };
    assert!(
        matches!(source.kind(), ClientErrorKind::Transport { .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(message.contains("GES_CES_ENDPOINT"), "{message}");
    assert!(message.contains(&closed.to_string()), "{message}");
    assert!(reads(&sim).is_empty());
}
