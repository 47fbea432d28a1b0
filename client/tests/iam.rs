//! The IAM token cache and IAM's retries, against the simulator's IAM behind a small
//! loopback proxy that can hold or fail IAM's answers (the simulator injects faults
//! into GES's operations only).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::response::Response;
use ges_api::types::{GraphId, ProjectId, StopGraphRequest};
use ges_client::config::{Config, vars};
use ges_client::credentials::IamError;
use ges_client::ges::{ClientErrorKind, GesClient};
use ges_client::transport;
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use tokio::sync::Notify;
use tokio::time::Instant;

const DOMAIN: &str = "acme";
const USER: &str = "ges-ops";
const PASSWORD: &str = "very-secret-password";
/// A bound on every wait, so that a broken test fails rather than hangs.
const PATIENCE: Duration = Duration::from_secs(20);
const PROJECT_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// What the proxy does with IAM request number `n` (from 1) and its body: answer with
/// this status and body, or `None` to pass it to the simulator (after the future ends).
type Behaviour =
    Arc<dyn Fn(usize, Bytes) -> Pin<Box<dyn Future<Output = Option<u16>> + Send>> + Send + Sync>;

struct Proxy {
    base_url: String,
    hits: Arc<AtomicUsize>,
}

#[derive(Clone)]
struct ProxyState {
    upstream: String,
    hits: Arc<AtomicUsize>,
    behaviour: Behaviour,
    http: reqwest::Client,
}

async fn proxy(simulator: &RunningSimulator, behaviour: Behaviour) -> Proxy {
    let hits = Arc::new(AtomicUsize::new(0));
    let state = ProxyState {
        upstream: simulator.base_url(),
        hits: hits.clone(),
        behaviour,
        http: transport::build_client(Default::default()).unwrap(),
    };
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    Proxy { base_url, hits }
}

async fn forward(State(state): State<ProxyState>, request: Request) -> Response {
    let hit = state.hits.fetch_add(1, Ordering::SeqCst) + 1;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20).await.unwrap();
    if let Some(status) = (state.behaviour)(hit, body.clone()).await {
        return Response::builder()
            .status(status)
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"error_code":"IAM.0001","error_msg":"injected"}"#,
            ))
            .unwrap();
    }
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let mut headers = parts.headers.clone();
    headers.remove("host");
    let answer = state
        .http
        .request(parts.method, format!("{}{path}", state.upstream))
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    let mut response = Response::builder().status(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" {
            response = response.header(name, value);
        }
    }
    response
        .body(Body::from(answer.bytes().await.unwrap()))
        .unwrap()
}

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

fn project_b() -> ProjectId {
    PROJECT_B.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graphs((1..=4).map(|n| GraphSpec::running(graph(&format!("a-{n}")), format!("a {n}"))))
        .extra_project(project_b(), "cn-north-4_b")
        .graph_in(project_b(), GraphSpec::running(graph("b-1"), "b 1"))
        .iam_user(DOMAIN, USER, PASSWORD)
        .stop_duration(Duration::from_secs(30))
        .start()
        .await
        .unwrap()
}

fn client(simulator: &RunningSimulator, iam: &str, extra: &[(&str, &str)]) -> GesClient {
    let project = simulator.project_id().to_string();
    let mut env: Vec<(&str, &str)> = vec![
        (vars::ENDPOINT, simulator.base_url().leak()),
        (vars::IAM_ENDPOINT, iam),
        (vars::PROJECT_ID, project.leak()),
        (vars::IAM_USER, USER),
        (vars::IAM_PASSWORD, PASSWORD),
        (vars::IAM_DOMAIN, DOMAIN),
    ];
    env.extend_from_slice(extra);
    let config = Config::from_lookup(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.to_string())
    })
    .unwrap();
    GesClient::new(&config).unwrap()
}

fn stop(project_id: &ProjectId, graph_id: &str) -> StopGraphRequest {
    StopGraphRequest {
        project_id: project_id.clone(),
        graph_id: graph(graph_id),
    }
}

async fn bounded<T>(future: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, future)
        .await
        .expect("done in time")
}

#[tokio::test]
async fn a_slow_token_fetch_for_one_project_never_stalls_another_projects_cached_token() {
    let simulator = simulator().await;
    let arrived = Arc::new(Notify::new());
    let release = Arc::new(Notify::new());
    let (on_arrival, on_release) = (arrived.clone(), release.clone());
    let behaviour: Behaviour = Arc::new(move |_, body: Bytes| {
        let (arrived, release) = (on_arrival.clone(), on_release.clone());
        Box::pin(async move {
            // IAM is slow for project B: its answer waits until the test says so.
            if String::from_utf8_lossy(&body).contains(PROJECT_B) {
                arrived.notify_one();
                release.notified().await;
            }
            None
        })
    });
    let iam = proxy(&simulator, behaviour).await;
    let client = client(&simulator, &iam.base_url, &[]);
    let project_a = simulator.project_id().clone();

    // Project A's token, cached.
    bounded(client.execute(&stop(&project_a, "a-1")))
        .await
        .unwrap();
    assert_eq!(iam.hits.load(Ordering::SeqCst), 1);

    // A stop in project B waits for IAM...
    let b_client = client.clone();
    let b_stop = tokio::spawn(async move { b_client.execute(&stop(&project_b(), "b-1")).await });
    bounded(arrived.notified()).await;

    // ...while project A's stops, and a second stop in project B, go on without it.
    let b_again = {
        let client = client.clone();
        tokio::spawn(async move { client.execute(&stop(&project_b(), "b-1")).await })
    };
    for graph_id in ["a-2", "a-3", "a-4"] {
        let reply = bounded(client.execute(&stop(&project_a, graph_id))).await;
        assert!(reply.is_ok(), "{reply:?}");
    }
    assert!(
        !b_stop.is_finished(),
        "project B's stop still waits for its token"
    );
    assert_eq!(
        iam.hits.load(Ordering::SeqCst),
        2,
        "A's stops asked IAM for nothing"
    );

    release.notify_one();
    let reply = bounded(b_stop).await.unwrap();
    assert!(reply.is_ok(), "{reply:?}");
    // The second B stop shared the first's fetch (its stop is refused as already
    // stopping, or accepted: either way GES answered, with B's one token).
    let _ = bounded(b_again).await.unwrap();
    assert_eq!(
        iam.hits.load(Ordering::SeqCst),
        2,
        "one fetch for project B"
    );
}

#[tokio::test]
async fn iam_answering_503_is_retried_as_ges_calls_are() {
    let simulator = simulator().await;
    let behaviour: Behaviour =
        Arc::new(|hit, _| Box::pin(async move { (hit <= 2).then_some(503) }));
    let iam = proxy(&simulator, behaviour).await;
    let client = client(&simulator, &iam.base_url, &[]);
    let reply = bounded(client.execute(&stop(simulator.project_id(), "a-1"))).await;
    assert!(reply.is_ok(), "{reply:?}");
    assert_eq!(iam.hits.load(Ordering::SeqCst), 3, "two 503s, then a token");
}

#[tokio::test]
async fn iam_failing_every_attempt_ends_after_the_policys_attempts() {
    let simulator = simulator().await;
    let behaviour: Behaviour = Arc::new(|_, _| Box::pin(async { Some(429) }));
    let iam = proxy(&simulator, behaviour).await;
    let client = client(&simulator, &iam.base_url, &[(vars::MAX_ATTEMPTS, "2")]);
    let error = bounded(client.execute(&stop(simulator.project_id(), "a-1")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ClientErrorKind::Iam(IamError::Refused(ges_client::credentials::Refusal {
                status: 429,
                attempts: 2,
                ..
            }))
        ),
        "{error}"
    );
    assert_eq!(iam.hits.load(Ordering::SeqCst), 2);
    assert!(!error.to_string().contains("very-secret"), "{error}");
}

#[tokio::test]
async fn iam_refusing_connections_is_retried_then_reported_with_its_attempts() {
    let simulator = simulator().await;
    // A port nothing listens on: bound, then closed.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = client(&simulator, &closed, &[]);
    let error = bounded(client.execute(&stop(simulator.project_id(), "a-1")))
        .await
        .unwrap_err();
    assert!(
        matches!(
            error.kind(),
            ClientErrorKind::Iam(IamError::Transport { attempts: 3, .. })
        ),
        "{error}"
    );
    let shown = error.to_string();
    assert!(shown.contains("after 3 attempts"), "{shown}");
    // reqwest's error named the URL, query and all: it was taken out.
    assert!(!shown.contains("nocatalog"), "{shown}");
}

#[tokio::test]
async fn iam_retries_never_run_past_the_deadline() {
    let simulator = simulator().await;
    let behaviour: Behaviour = Arc::new(|_, _| Box::pin(async { Some(503) }));
    let iam = proxy(&simulator, behaviour).await;
    let client = client(&simulator, &iam.base_url, &[]);
    // Less time than a retry needs (its least attempt time): one attempt only.
    let deadline = Instant::now() + ges_client::transport::MIN_ATTEMPT_TIME / 2;
    let error =
        bounded(client.execute_before(&stop(simulator.project_id(), "a-1"), Some(deadline)))
            .await
            .unwrap_err();
    assert!(matches!(error.kind(), ClientErrorKind::Iam(_)), "{error}");
    assert!(
        iam.hits.load(Ordering::SeqCst) <= 1,
        "no retry past the deadline"
    );
}

#[tokio::test]
async fn tokens_dead_on_arrival_are_refused_with_a_clear_error_and_iam_asked_once() {
    let simulator = Simulator::builder()
        .graphs((1..=3).map(|n| GraphSpec::running(graph(&format!("a-{n}")), format!("a {n}"))))
        .iam_user(DOMAIN, USER, PASSWORD)
        .iam_token_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let client = client(&simulator, &simulator.base_url(), &[]);
    for graph_id in ["a-1", "a-2", "a-3"] {
        let error = bounded(client.execute(&stop(simulator.project_id(), graph_id)))
            .await
            .unwrap_err();
        assert!(
            matches!(
                error.kind(),
                ClientErrorKind::Iam(IamError::ExpiredOnArrival(_))
            ),
            "{error}"
        );
        let shown = error.to_string();
        assert!(shown.contains("clock") && shown.contains("IAM"), "{shown}");
    }
    assert_eq!(simulator.iam_token_requests(), 1, "not once per request");
    assert!(
        simulator.requests().iter().all(|r| r.operation.is_none()),
        "no GES call with a dead token"
    );
}
