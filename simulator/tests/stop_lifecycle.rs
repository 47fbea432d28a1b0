//! A stop over HTTP from start to end: the graph goes 200 -> 901 -> 900 and its job
//! pending/running -> success; then GES.7001. Also the faults a test can inject, and
//! shutting down.

mod common;

use std::time::Duration;

use common::{PATIENCE, PROJECT, builder, get, graph_id, job_id, post, start};
use ges_api::types::{GraphStatus, JobStatus};
use ges_simulator::{Fault, GraphSpec, OperationKind, error_codes};
use tokio::time::Instant;

const STOP_DURATION: Duration = Duration::from_millis(1500);

/// Polls until `done` holds for the answer, every 20 ms, at most `PATIENCE` and 500
/// times; returns every answer seen.
async fn poll_until(
    mut fetch: impl AsyncFnMut() -> common::Answer,
    done: impl Fn(&common::Answer) -> bool,
) -> Vec<common::Answer> {
    let started = Instant::now();
    let mut seen = Vec::new();
    for _ in 0..500 {
        let answer = fetch().await;
        let finished = done(&answer);
        seen.push(answer);
        if finished {
            return seen;
        }
        assert!(
            started.elapsed() < PATIENCE,
            "gave up waiting after {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("gave up after 500 polls");
}

#[tokio::test]
async fn a_stop_goes_through_stopping_to_stopped_and_its_job_succeeds() {
    let sim = builder()
        .stop_duration(STOP_DURATION)
        .start()
        .await
        .expect("starts");
    let started = Instant::now();
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    assert_eq!(stop.status, 200, "{stop:?}");
    let job = stop.body["job_id"].as_str().expect("a job ID").to_owned();
    assert_eq!(job.len(), 32);
    assert!(job.bytes().all(|b| b.is_ascii_hexdigit()), "{job}");
    assert_eq!(
        sim.last_stop_job(&graph_id("g-running")),
        Some(job_id(&job))
    );

    let graph_path = format!("/v2/{PROJECT}/graphs/g-running");
    let first = get(&sim, &graph_path).await;
    if started.elapsed() < STOP_DURATION {
        assert_eq!(first.body["graph"]["status"], "901", "{first:?}");
    }

    let job_path = format!("/v2/{PROJECT}/graphs/g-running/jobs/{job}/status");
    let jobs = poll_until(
        async || get(&sim, &job_path).await,
        |answer| answer.body["status"] == "success",
    )
    .await;
    assert!(started.elapsed() >= STOP_DURATION);
    let statuses: Vec<&str> = jobs
        .iter()
        .map(|answer| answer.body["status"].as_str().expect("a status"))
        .collect();
    // Statuses only move forward, and the job was seen running before it succeeded.
    let rank = |status: &str| match status {
        "pending" => 0,
        "running" => 1,
        "success" => 2,
        other => panic!("unexpected job status {other}"),
    };
    assert!(
        statuses.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{statuses:?}"
    );
    assert!(statuses.contains(&"running"), "{statuses:?}");

    let done = &jobs.last().expect("an answer").body;
    assert_eq!(done["job_id"], job.as_str());
    assert_eq!(done["job_type"], "GraphManager");
    assert_eq!(done["job_name"], "StopGraph");
    assert_eq!(done["related_graph"], "running-graph");
    assert_eq!(done["fail_reason"], "");
    for field in ["begin_time", "end_time"] {
        let time = done[field].as_str().expect("a time");
        assert!(is_ges_time(time), "{field}: {time}");
    }

    let graph = get(&sim, &graph_path).await;
    assert_eq!(graph.body["graph"]["status"], "900", "{graph:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Stopped)
    );
    assert_eq!(sim.job_status(&job_id(&job)), Some(JobStatus::Success));

    let again = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    assert_eq!(again.status, 400, "{again:?}");
    assert_eq!(
        again.body,
        serde_json::json!({"error_code": "GES.7001", "error_msg": "The graph is not running."})
    );
}

/// `yyyy-MM-ddTHH:mm:ss`
fn is_ges_time(value: &str) -> bool {
    value.len() == 19
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            10 => b == b'T',
            13 | 16 => b == b':',
            _ => b.is_ascii_digit(),
        })
}

#[tokio::test]
async fn a_running_job_has_no_end_time_yet() {
    let sim = builder()
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .expect("starts");
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    let job = stop.body["job_id"].as_str().expect("a job ID");
    let answer = get(
        &sim,
        &format!("/v2/{PROJECT}/graphs/g-running/jobs/{job}/status"),
    )
    .await;
    assert_eq!(answer.body["status"], "pending", "{answer:?}");
    assert_eq!(answer.body["end_time"], "");
    // A stopping graph is not running either.
    let again = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    assert_eq!(again.error_code(), error_codes::GRAPH_NOT_RUNNING);
    // The job belongs to its graph only.
    let elsewhere = get(
        &sim,
        &format!("/v2/{PROJECT}/graphs/g-other/jobs/{job}/status"),
    )
    .await;
    assert_eq!(elsewhere.status, 404);
}

#[tokio::test]
async fn a_stopped_graph_answers_ges_7001() {
    let sim = start().await;
    let answer = post(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped/stop")).await;
    assert_eq!(answer.status, 400, "{answer:?}");
    assert_eq!(answer.error_code(), "GES.7001");
    assert_eq!(answer.error_msg(), "The graph is not running.");
}

#[tokio::test]
async fn a_zero_stop_duration_stops_at_once_and_put_graph_restarts() {
    let sim = builder()
        .stop_duration(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let path = format!("/v2/{PROJECT}/graphs/g-running/stop");
    let first = post(&sim, &path).await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Stopped)
    );
    sim.put_graph(GraphSpec::running(graph_id("g-running"), "running-graph"));
    let second = post(&sim, &path).await;
    assert_eq!(second.status, 200, "{second:?}");
    // Job IDs differ from stop to stop.
    assert!(second.body["job_id"].is_string());
    assert_ne!(first.body["job_id"], second.body["job_id"]);
}

#[tokio::test]
async fn injected_faults_answer_once_and_change_nothing() {
    let sim = start().await;
    let path = format!("/v2/{PROJECT}/graphs/g-running/stop");
    sim.fail_next(OperationKind::StopGraph, Fault::ServiceUnavailable);
    sim.fail_next(OperationKind::StopGraph, Fault::Throttled);
    sim.fail_next(OperationKind::StopGraph, Fault::InternalServerError);
    sim.fail_next(OperationKind::ShowGraph, Fault::InternalServerError);

    let expected = [
        (503, error_codes::SERVICE_UNAVAILABLE),
        (429, error_codes::THROTTLED),
        (500, error_codes::INTERNAL_ERROR),
    ];
    for (status, code) in expected {
        let answer = post(&sim, &path).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (status, code),
            "{answer:?}"
        );
        assert_eq!(
            sim.graph_status(&graph_id("g-running")),
            Some(GraphStatus::Running)
        );
    }
    assert_eq!(post(&sim, &path).await.status, 200);
    let show = get(&sim, &format!("/v2/{PROJECT}/graphs/g-running")).await;
    assert_eq!(show.status, 500);
}

#[tokio::test]
async fn a_delayed_answer_comes_late_but_the_stop_happens_at_once() {
    let sim = start().await;
    sim.fail_next(
        OperationKind::StopGraph,
        Fault::Delay(Duration::from_secs(5)),
    );
    let url = format!("{}/v2/{PROJECT}/graphs/g-running/stop", sim.base_url());
    let outcome = common::client()
        .post(&url)
        .header("X-Auth-Token", common::TOKEN)
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(outcome.is_err_and(|err| err.is_timeout()));
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Stopping)
    );
}

#[tokio::test]
async fn shutdown_stops_listening_even_with_a_kept_alive_connection() {
    let sim = start().await;
    let addr = sim.addr();
    // One client, so its connection stays open (keep-alive) across the shutdown.
    let client = common::client();
    let response = client
        .get(format!("{}/v2/{PROJECT}/graphs", sim.base_url()))
        .header("X-Auth-Token", common::TOKEN)
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 200);
    tokio::time::timeout(PATIENCE, sim.shutdown())
        .await
        .expect("shuts down in time")
        .expect("shuts down cleanly");
    let refused = tokio::net::TcpStream::connect(addr).await;
    assert!(refused.is_err(), "still listening on {addr}");
    drop(client);
}
