//! Cloud Eye's batch read as the simulator serves it: the counts a test sets, only for
//! the minutes a graph ran, and Cloud Eye's limits as Cloud Eye applies them.

mod common;

use std::time::Duration;

use common::{PROJECT, TOKEN, client, graph_id, post, raw, read, signed_headers, start};
use ges_simulator::{Authentication, IdleMinutes, OperationKind, RunningSimulator, Scheme};
use serde_json::{Value, json};
use time::OffsetDateTime;

const MINUTE: i64 = 60_000;

fn path() -> String {
    format!("/V1.0/{PROJECT}/batch-query-metric-data")
}

fn metric(graph: &str) -> Value {
    json!({
        "namespace": "SYS.GES",
        "metric_name": "ges004_request_count",
        "dimensions": [{"name": "instance_id", "value": graph}],
    })
}

fn body(graphs: &[&str], from: i64, to: i64, period: &str, filter: &str) -> Value {
    json!({
        "metrics": graphs.iter().map(|graph| metric(graph)).collect::<Vec<_>>(),
        "from": from,
        "to": to,
        "period": period,
        "filter": filter,
    })
}

/// The start of the simulator's current minute, in ms.
fn this_minute(sim: &RunningSimulator) -> i64 {
    let now = (sim.now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    now - now.rem_euclid(MINUTE)
}

fn date(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
}

async fn query(sim: &RunningSimulator, body: &Value) -> common::Answer {
    let response = client()
        .post(format!("{}{}", sim.base_url(), path()))
        .header("X-Auth-Token", TOKEN)
        .header("Content-Type", "application/json")
        .body(serde_json::to_vec(body).unwrap())
        .send()
        .await
        .expect("the simulator answers");
    read(response).await
}

/// `(minute index from `from`, value)` of one metric's datapoints.
fn points(answer: &common::Answer, metric: usize, filter: &str, from: i64) -> Vec<(i64, f64)> {
    answer.body["metrics"][metric]["datapoints"]
        .as_array()
        .expect("datapoints")
        .iter()
        .map(|point| {
            (
                (point["timestamp"].as_i64().unwrap() - from) / MINUTE,
                point[filter].as_f64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_running_graph_reads_its_counts_and_zero_for_idle_minutes() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(30 * 60));
    let to = this_minute(&sim) - 5 * MINUTE;
    let from = to - 10 * MINUTE;
    sim.set_requests(&graph_id("g-running"), date(from + 2 * MINUTE + 7), 40);
    sim.set_requests(&graph_id("g-running"), date(from + 9 * MINUTE), 2);
    // A count for a minute outside the window, and for a stopped graph: never shown.
    sim.set_requests(&graph_id("g-running"), date(to), 99);
    sim.set_requests(&graph_id("g-stopped"), date(from), 5);

    let answer = query(
        &sim,
        &body(&["g-running", "g-stopped"], from, to, "1", "sum"),
    )
    .await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let expected: Vec<(i64, f64)> = (0..10)
        .map(|minute| {
            let count = match minute {
                2 => 40.0,
                9 => 2.0,
                _ => 0.0,
            };
            (minute, count)
        })
        .collect();
    assert_eq!(points(&answer, 0, "sum", from), expected);
    assert_eq!(answer.body["metrics"][0]["unit"], "count");
    assert_eq!(
        answer.body["metrics"][0]["dimensions"][0]["value"],
        "g-running"
    );
    assert_eq!(points(&answer, 1, "sum", from), []);

    let record = &sim.requests()[0];
    assert_eq!(record.operation, Some(OperationKind::BatchListMetricData));
    assert_eq!(record.metrics, Some(2));
    assert_eq!(
        record.project_id.as_ref().map(|p| p.as_str()),
        Some(PROJECT)
    );
    assert_eq!(
        record.authentication,
        Authentication::Accepted(Scheme::Token)
    );
}

#[tokio::test]
async fn with_idle_minutes_absent_a_running_graph_reports_only_minutes_it_served() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(30 * 60));
    sim.set_idle_minutes(IdleMinutes::Absent);
    let to = this_minute(&sim) - 5 * MINUTE;
    let from = to - 10 * MINUTE;
    sim.set_requests(&graph_id("g-running"), date(from + 3 * MINUTE), 8);
    sim.set_requests(&graph_id("g-running"), date(from + 4 * MINUTE), 0);
    let answer = query(&sim, &body(&["g-running"], from, to, "1", "sum")).await;
    assert_eq!(points(&answer, 0, "sum", from), [(3, 8.0)]);
}

#[tokio::test]
async fn minutes_a_graph_did_not_run_throughout_have_no_datapoint() {
    let sim = start().await;
    let added = (sim.now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    sim.advance_clock(Duration::from_secs(30 * 60));
    let stopped_at = this_minute(&sim) + 30_000;
    // Stop the graph half a minute into the current minute.
    sim.advance_clock(Duration::from_millis(
        u64::try_from(stopped_at - (sim.now_utc().unix_timestamp_nanos() / 1_000_000) as i64)
            .unwrap_or(0),
    ));
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    assert_eq!(stop.status, 200, "{stop:?}");
    sim.advance_clock(Duration::from_secs(20 * 60));
    let stop_minute = stopped_at - stopped_at.rem_euclid(MINUTE);
    let from = stop_minute - 3 * MINUTE;
    let answer = query(
        &sim,
        &body(&["g-running"], from, stop_minute + 5 * MINUTE, "1", "sum"),
    )
    .await;
    // The three minutes before the stop; none from the minute it stopped in on.
    assert_eq!(
        points(&answer, 0, "sum", from),
        [(0, 0.0), (1, 0.0), (2, 0.0)]
    );
    // Minutes before the graph was added, and minutes not over yet, have none either.
    let now = this_minute(&sim);
    let answer = query(
        &sim,
        &body(
            &["g-other"],
            now - 80 * MINUTE,
            now + 10 * MINUTE,
            "1",
            "sum",
        ),
    )
    .await;
    let read = points(&answer, 0, "sum", now - 80 * MINUTE);
    // The first minute that started once the graph was there.
    let first = (added + MINUTE - 1).div_euclid(MINUTE) * MINUTE;
    assert_eq!(
        read.first().map(|p| p.0),
        Some((first - (now - 80 * MINUTE)) / MINUTE),
        "{read:?}"
    );
    assert_eq!(read.last().map(|p| p.0), Some(79), "{read:?}");
}

#[tokio::test]
async fn periods_aggregate_with_the_filter_and_from_is_rounded_down() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(3 * 3600));
    let hour = 3_600_000;
    let to = {
        let now = this_minute(&sim);
        now - now.rem_euclid(hour)
    };
    let start = to - hour;
    for (minute, count) in [(0, 4), (1, 6), (5, 10)] {
        sim.set_requests(&graph_id("g-running"), date(start + minute * MINUTE), count);
    }
    // From a minute and a half into the hour: rounded down to the 5-minute period.
    let answer = query(
        &sim,
        &body(&["g-running"], start + 90_000, to, "300", "sum"),
    )
    .await;
    let sums = points(&answer, 0, "sum", start);
    assert_eq!(sums.len(), 12, "{sums:?}");
    assert_eq!(&sums[..2], [(0, 10.0), (5, 10.0)]);
    let answer = query(&sim, &body(&["g-running"], start, to, "3600", "max")).await;
    assert_eq!(points(&answer, 0, "max", start), [(0, 10.0)]);
    let answer = query(
        &sim,
        &body(&["g-running"], start, start + 5 * MINUTE, "300", "average"),
    )
    .await;
    assert_eq!(points(&answer, 0, "average", start), [(0, 2.0)]);
}

#[tokio::test]
async fn past_3000_datapoints_from_is_moved_forward_without_a_word() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(48 * 3600));
    let to = this_minute(&sim) - 5 * MINUTE;
    // Two metrics of 2,000 minutes: 4,000 datapoints asked, 1,500 minutes each read.
    let from = to - 2000 * MINUTE;
    let answer = query(&sim, &body(&["g-running", "g-other"], from, to, "1", "sum")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    for metric in 0..2 {
        let read = points(&answer, metric, "sum", from);
        assert_eq!(read.len(), 1500);
        assert_eq!(read[0].0, 500);
    }
    // Exactly 3,000 is read whole.
    let answer = query(
        &sim,
        &body(
            &["g-running", "g-other"],
            to - 1500 * MINUTE,
            to,
            "1",
            "sum",
        ),
    )
    .await;
    assert_eq!(points(&answer, 0, "sum", to - 1500 * MINUTE)[0].0, 0);
}

#[tokio::test]
async fn more_than_500_metrics_and_bad_bodies_are_refused_as_cloud_eye_refuses() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(3600));
    let to = this_minute(&sim);
    let from = to - MINUTE;
    let graphs: Vec<String> = (0..501).map(|n| format!("g-{n}")).collect();
    let names: Vec<&str> = graphs.iter().map(String::as_str).collect();
    let answer = query(&sim, &body(&names, from, to, "1", "sum")).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.body["message"]["code"], "ces.0014");
    assert_eq!(sim.requests()[0].metrics, Some(501));

    let answer = query(&sim, &body(&names[..500], from, to, "1", "sum")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["metrics"].as_array().map(Vec::len), Some(500));

    for bad in [
        body(&["g-running"], to, from, "1", "sum"),
        body(&["g-running"], from, to, "60", "sum"),
        body(&["g-running"], from, to, "1", "median"),
        body(&[], from, to, "1", "sum"),
        json!({"metrics": [metric("g-running")], "from": from, "to": to, "period": "1"}),
    ] {
        let answer = query(&sim, &bad).await;
        assert_eq!(answer.status, 400, "{bad}: {answer:?}");
        assert_eq!(answer.body["message"]["code"], "ces.0014", "{bad}");
    }
}

#[tokio::test]
async fn authentication_is_the_ges_routes_and_faults_apply() {
    let sim = start().await;
    sim.advance_clock(Duration::from_secs(3600));
    let to = this_minute(&sim);
    let bytes = serde_json::to_vec(&body(&["g-running"], to - 5 * MINUTE, to, "1", "sum")).unwrap();
    let mut headers = signed_headers(&sim, "POST", &path(), "", &bytes, common::Key::valid());
    headers.push(("X-Project-Id".to_owned(), PROJECT.to_owned()));
    let answer = raw(&sim, "POST", &path(), &headers, &bytes).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        sim.requests()[0].authentication,
        Authentication::Accepted(Scheme::AkSk)
    );

    let unsigned = raw(&sim, "POST", &path(), &[], &bytes).await;
    assert_eq!(unsigned.status, 401);
    assert_eq!(unsigned.error_code(), "APIGW.0301");

    let other = format!("/V1.0/{}/batch-query-metric-data", "ffff".repeat(8));
    let headers = signed_headers(&sim, "POST", &other, "", &bytes, common::Key::valid());
    let answer = raw(&sim, "POST", &other, &headers, &bytes).await;
    assert_eq!(answer.status, 403, "{answer:?}");
    assert_eq!(answer.body["message"]["code"], "ces.0017");

    sim.fail_next(
        OperationKind::BatchListMetricData,
        ges_simulator::Fault::Throttled,
    );
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    let throttled = query(&sim, &value).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(throttled.error_code(), "APIGW.0308");
}
