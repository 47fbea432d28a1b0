//! A start over HTTP from start to end: a stopped graph goes 900 -> 920 -> 200 and its
//! job pending/running -> success, moved along by the simulator's settable clock rather
//! than by waiting; GES.7002 for a graph that is not stopped; the optional body; the
//! checks every call goes through (authentication, project, faults); and GES's seven-day
//! rule, seen by moving the clock a week on.

mod common;

use std::time::Duration;

use common::{
    Key, PROJECT, TOKEN, builder, get, graph_id, job_id, post, raw, signed_headers, start,
    token_header,
};
use ges_api::types::{GraphStatus, JobStatus};
use ges_simulator::{
    Authentication, Fault, OperationKind, SELF_RESTART_AFTER, Scheme, error_codes,
};
use serde_json::json;

const START_DURATION: Duration = Duration::from_secs(60);

fn start_path(graph: &str) -> String {
    format!("/v2/{PROJECT}/graphs/{graph}/start")
}

/// `POST` a start with the test token and this body.
async fn post_start_body(
    sim: &ges_simulator::RunningSimulator,
    graph: &str,
    body: &str,
) -> common::Answer {
    let response = common::client()
        .post(format!("{}{}", sim.base_url(), start_path(graph)))
        .header("X-Auth-Token", TOKEN)
        .header("Content-Type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .expect("the simulator answers");
    common::read(response).await
}

#[tokio::test]
async fn a_start_goes_through_starting_to_running_as_the_clock_moves() {
    let sim = builder()
        .start_duration(START_DURATION)
        .start()
        .await
        .expect("starts");
    let stopped = graph_id("g-stopped");
    let answer = post(&sim, &start_path("g-stopped")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let job = answer.body["job_id"].as_str().expect("a job ID").to_owned();
    assert_eq!(job.len(), 32);
    assert_eq!(sim.last_start_job(&stopped), Some(job_id(&job)));
    assert_eq!(sim.last_stop_job(&stopped), None);

    let graph_path = format!("/v2/{PROJECT}/graphs/g-stopped");
    let job_path = format!("/v2/{PROJECT}/graphs/g-stopped/jobs/{job}/status");
    let shown = get(&sim, &graph_path).await;
    assert_eq!(shown.body["graph"]["status"], "920", "{shown:?}");
    let pending = get(&sim, &job_path).await;
    assert_eq!(pending.body["status"], "pending", "{pending:?}");
    assert_eq!(pending.body["end_time"], "");

    // Half way: the job running, the graph still starting.
    sim.advance_clock(START_DURATION / 2);
    let running = get(&sim, &job_path).await;
    assert_eq!(running.body["status"], "running", "{running:?}");
    assert_eq!(
        sim.graph_status(&stopped),
        Some(GraphStatus::Starting),
        "still starting half way"
    );
    // A starting graph can be neither started nor stopped.
    let again = post(&sim, &start_path("g-stopped")).await;
    assert_eq!(
        again.error_code(),
        error_codes::GRAPH_NOT_STOPPED,
        "{again:?}"
    );
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped/stop")).await;
    assert_eq!(
        stop.error_code(),
        error_codes::GRAPH_NOT_RUNNING,
        "{stop:?}"
    );

    sim.advance_clock(START_DURATION / 2);
    assert_eq!(sim.clock_offset(), START_DURATION);
    let done = get(&sim, &job_path).await;
    assert_eq!(done.status, 200, "{done:?}");
    assert_eq!(done.body["job_id"], job.as_str());
    assert_eq!(done.body["status"], "success");
    assert_eq!(done.body["job_type"], "GraphManager");
    assert_eq!(done.body["job_name"], "StartGraph");
    assert_eq!(done.body["related_graph"], "stopped-graph");
    assert_eq!(done.body["fail_reason"], "");
    let begin = done.body["begin_time"].as_str().expect("a begin time");
    let end = done.body["end_time"].as_str().expect("an end time");
    assert_eq!((begin.len(), end.len()), (19, 19), "{done:?}");
    assert!(end > begin, "a minute apart: {begin} .. {end}");
    assert_eq!(sim.job_status(&job_id(&job)), Some(JobStatus::Success));

    let shown = get(&sim, &graph_path).await;
    assert_eq!(shown.body["graph"]["status"], "200", "{shown:?}");
    // Running again, it can be stopped again.
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped/stop")).await;
    assert_eq!(stop.status, 200, "{stop:?}");
}

#[tokio::test]
async fn a_zero_start_duration_starts_at_once() {
    let sim = builder()
        .start_duration(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let answer = post(&sim, &start_path("g-stopped")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-stopped")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn a_graph_that_is_not_stopped_answers_ges_7002() {
    let sim = builder()
        .stop_duration(Duration::from_secs(60))
        .start()
        .await
        .expect("starts");
    let running = post(&sim, &start_path("g-running")).await;
    assert_eq!(running.status, 400, "{running:?}");
    assert_eq!(
        running.body,
        json!({"error_code": "GES.7002", "error_msg": "The graph is not stopped."})
    );
    // Stopping is not stopped either.
    assert_eq!(
        post(&sim, &format!("/v2/{PROJECT}/graphs/g-other/stop"))
            .await
            .status,
        200
    );
    let stopping = post(&sim, &start_path("g-other")).await;
    assert_eq!(stopping.error_code(), error_codes::GRAPH_NOT_STOPPED);
    assert_eq!(sim.last_start_job(&graph_id("g-running")), None);

    let unknown = post(&sim, &start_path("nope")).await;
    assert_eq!(unknown.status, 404, "{unknown:?}");
    assert_eq!(unknown.error_code(), error_codes::GRAPH_NOT_FOUND);
}

#[tokio::test]
async fn a_body_naming_a_backup_is_accepted_and_recorded_and_bad_json_is_400() {
    let sim = builder()
        .start_duration(Duration::ZERO)
        .start()
        .await
        .expect("starts");
    let bad = post_start_body(&sim, "g-stopped", "{\"graph_backup_id\": ").await;
    assert_eq!(bad.status, 400, "{bad:?}");
    assert_eq!(bad.error_code(), error_codes::INVALID_PARAMETER);
    let wrong_type = post_start_body(&sim, "g-stopped", "{\"graph_backup_id\": 7}").await;
    assert_eq!(wrong_type.error_code(), error_codes::INVALID_PARAMETER);
    assert_eq!(
        sim.graph_status(&graph_id("g-stopped")),
        Some(GraphStatus::Stopped),
        "a refused body starts nothing"
    );

    let answer = post_start_body(&sim, "g-stopped", r#"{"graph_backup_id": "backup-1"}"#).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.body["job_id"].is_string());
    assert_eq!(
        sim.graph_status(&graph_id("g-stopped")),
        Some(GraphStatus::Running)
    );

    let records = sim.requests();
    let backups: Vec<(u16, Option<&str>)> = records
        .iter()
        .map(|record| (record.status, record.graph_backup_id.as_deref()))
        .collect();
    assert_eq!(backups, [(400, None), (400, None), (200, Some("backup-1"))]);
    assert!(
        records
            .iter()
            .all(|record| record.operation == Some(OperationKind::StartGraph))
    );

    // An empty object is a body without a backup.
    sim.put_graph(
        ges_simulator::GraphSpec::running(graph_id("g-stopped"), "stopped-graph")
            .with_status(GraphStatus::Stopped),
    );
    let empty = post_start_body(&sim, "g-stopped", "{}").await;
    assert_eq!(empty.status, 200, "{empty:?}");
}

#[tokio::test]
async fn a_start_needs_credentials_and_the_right_project() {
    let sim = start().await;
    let path = start_path("g-stopped");
    let missing = raw(&sim, "POST", &path, &[], b"").await;
    assert_eq!(missing.status, 401, "{missing:?}");
    assert_eq!(missing.error_code(), error_codes::AUTHENTICATION_FAILED);
    let wrong = raw(
        &sim,
        "POST",
        &path,
        &[("X-Auth-Token".to_owned(), "not-the-token".to_owned())],
        b"",
    )
    .await;
    assert_eq!(wrong.status, 401, "{wrong:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-stopped")),
        Some(GraphStatus::Stopped)
    );

    // A signed start, body included in the signature; X-Project-Id naming another
    // project is refused.
    let body = br#"{"graph_backup_id":"b-2"}"#;
    let mut headers = signed_headers(&sim, "POST", &path, "", body, Key::valid());
    headers.push((
        "X-Project-Id".to_owned(),
        "ffffffffffffffffffffffffffffffff".to_owned(),
    ));
    let elsewhere = raw(&sim, "POST", &path, &headers, body).await;
    assert_eq!(elsewhere.status, 403, "{elsewhere:?}");
    assert_eq!(elsewhere.error_code(), error_codes::WRONG_PROJECT);
    headers.pop();
    headers.push(("X-Project-Id".to_owned(), PROJECT.to_owned()));
    let signed = raw(&sim, "POST", &path, &headers, body).await;
    assert_eq!(signed.status, 200, "{signed:?}");
    // A body changed after signing breaks the signature.
    let tampered = raw(
        &sim,
        "POST",
        &start_path("g-running"),
        &signed_headers(
            &sim,
            "POST",
            &start_path("g-running"),
            "",
            body,
            Key::valid(),
        ),
        br#"{"graph_backup_id":"b-3"}"#,
    )
    .await;
    assert_eq!(tampered.status, 401, "{tampered:?}");

    let authentications: Vec<Authentication> = sim
        .requests()
        .iter()
        .map(|record| record.authentication)
        .collect();
    assert_eq!(
        authentications,
        [
            Authentication::Missing,
            Authentication::Refused(Scheme::Token),
            Authentication::Accepted(Scheme::AkSk),
            Authentication::Accepted(Scheme::AkSk),
            Authentication::Refused(Scheme::AkSk),
        ]
    );
    assert_eq!(sim.requests()[3].graph_backup_id.as_deref(), Some("b-2"));
}

#[tokio::test]
async fn faults_apply_to_starts() {
    let sim = start().await;
    let path = start_path("g-stopped");
    sim.fail_next(OperationKind::StartGraph, Fault::ServiceUnavailable);
    sim.fail_next(OperationKind::StartGraph, Fault::Throttled);
    // A fault queued for the stop is not the start's.
    sim.fail_next(OperationKind::StopGraph, Fault::InternalServerError);
    for (status, code) in [
        (503, error_codes::SERVICE_UNAVAILABLE),
        (429, error_codes::THROTTLED),
    ] {
        let answer = post(&sim, &path).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (status, code),
            "{answer:?}"
        );
        assert_eq!(
            sim.graph_status(&graph_id("g-stopped")),
            Some(GraphStatus::Stopped)
        );
    }
    sim.fail_graph(&graph_id("g-stopped"), Fault::InternalServerError);
    let per_graph = post(&sim, &path).await;
    assert_eq!(per_graph.status, 500, "{per_graph:?}");
    sim.clear_faults();
    let answer = post(&sim, &path).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-stopped")),
        Some(GraphStatus::Starting)
    );
}

#[tokio::test]
async fn a_graph_stopped_for_seven_days_restarts_by_itself() {
    let sim = builder()
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .expect("starts");
    // g-running is stopped now; g-stopped has been stopped since the start.
    let stop = post(&sim, &format!("/v2/{PROJECT}/graphs/g-running/stop")).await;
    assert_eq!(stop.status, 200, "{stop:?}");
    let stop_job = stop.body["job_id"].as_str().expect("a job ID").to_owned();

    sim.advance_clock(SELF_RESTART_AFTER - Duration::from_secs(1));
    let list = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    let statuses: Vec<&str> = list.body["graphs"]
        .as_array()
        .expect("graphs")
        .iter()
        .map(|graph| graph["status"].as_str().expect("a status"))
        .collect();
    assert_eq!(statuses, ["900", "900", "200"], "{list:?}");

    sim.advance_clock(Duration::from_secs(1));
    let shown = get(&sim, &format!("/v2/{PROJECT}/graphs/g-stopped")).await;
    assert_eq!(shown.body["graph"]["status"], "200", "{shown:?}");
    // The stopped one has been stopped since its stop job ended, 30 s after it began.
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Stopped)
    );
    sim.advance_clock(Duration::from_secs(30));
    let shown = get(&sim, &format!("/v2/{PROJECT}/graphs/g-running")).await;
    assert_eq!(shown.body["graph"]["status"], "200", "{shown:?}");
    // GES restarted it without a job; the stop's job stays a success.
    assert_eq!(sim.last_start_job(&graph_id("g-running")), None);
    let job = get(
        &sim,
        &format!("/v2/{PROJECT}/graphs/g-running/jobs/{stop_job}/status"),
    )
    .await;
    assert_eq!(job.body["status"], "success", "{job:?}");

    // Running to every call: a start is refused, a stop accepted.
    let start = post(&sim, &start_path("g-stopped")).await;
    assert_eq!(
        start.error_code(),
        error_codes::GRAPH_NOT_STOPPED,
        "{start:?}"
    );
    let again = raw(
        &sim,
        "POST",
        &format!("/v2/{PROJECT}/graphs/g-stopped/stop"),
        &token_header(),
        b"",
    )
    .await;
    assert_eq!(again.status, 200, "{again:?}");
}
