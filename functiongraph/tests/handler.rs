//! The FunctionGraph handler in-process against the GES simulator on loopback: the
//! agency's credentials sign the invocation's calls, their absence or a partial set is
//! refused before anything is sent, APIG answers carry the Lambda's statuses, and no
//! secret reaches an answer, an error or a log line.

use std::collections::HashMap;
use std::sync::Arc;

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::vars;
use ges_client::run::{ErrorType, RunCredentials};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};
use ges_stop_functiongraph::agency::{self, AgencyError};
use ges_stop_functiongraph::answer::Reply;
use ges_stop_functiongraph::handler::{Context, Handler, RUNTIME_PROJECT_ID, StartupError};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const AGENCY_AK: &str = "AGENCY-AK-1";
const AGENCY_SK: &str = "agency-sk-planted-secret";
const AGENCY_TOKEN: &str = "agency-st-planted-secret";

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator() -> RunningSimulator {
    Simulator::builder()
        .graphs([
            GraphSpec::running(graph("g-1"), "one"),
            GraphSpec::running(graph("g-2"), "two"),
        ])
        .ak_sk(AGENCY_AK, AGENCY_SK)
        .start()
        .await
        .unwrap()
}

/// FunctionGraph's environment for `simulator`: a region, the runtime's project, and no
/// credentials of any kind; `extra` over it.
fn env(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env = HashMap::from([
        (vars::REGION.to_owned(), "cn-north-4".to_owned()),
        (vars::ENDPOINT.to_owned(), simulator.base_url()),
        (vars::IAM_ENDPOINT.to_owned(), simulator.base_url()),
        (vars::CES_ENDPOINT.to_owned(), simulator.base_url()),
        (
            RUNTIME_PROJECT_ID.to_owned(),
            simulator.project_id().to_string(),
        ),
    ]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

async fn handler(env: &HashMap<String, String>) -> Handler {
    Handler::from_lookup(|name| env.get(name).cloned())
        .await
        .unwrap()
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.insert(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn agency_headers() -> HeaderMap {
    headers(&[
        (agency::ACCESS_KEY, AGENCY_AK),
        (agency::SECRET_KEY, AGENCY_SK),
        (agency::SECURITY_TOKEN, AGENCY_TOKEN),
    ])
}

fn context(headers: &HeaderMap) -> Context {
    Context {
        request_id: "fg-req-1".to_owned(),
        credentials: agency::from_headers(headers),
        answer_by: Some(std::time::Instant::now() + std::time::Duration::from_secs(20)),
    }
}

fn error(reply: &Reply) -> (ErrorType, &str) {
    match reply {
        Reply::Error {
            error_type,
            message,
        } => (*error_type, message.as_str()),
        Reply::Response(body) => panic!("an answer: {body}"),
    }
}

fn response(reply: &Reply) -> Value {
    match reply {
        Reply::Response(body) => serde_json::from_str(body).unwrap(),
        other => panic!("an error: {other:?}"),
    }
}

#[tokio::test]
async fn the_agencys_credentials_sign_the_invocations_calls() {
    let simulator = simulator().await;
    let handler = handler(&env(&simulator, &[])).await;
    let reply = handler
        .invoke(Ok(br#"{"graph_id": "g-1"}"#), &context(&agency_headers()))
        .await;
    let answer = response(&reply);
    assert_eq!(answer["graph_id"], "g-1", "{answer}");
    assert!(answer.get("error").is_none(), "{answer}");
    assert_ne!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Running)
    );
    // No IAM look-up at start, and every call signed (the simulator knows only the
    // agency's key).
    assert_eq!(simulator.iam_project_requests(), 0);
    assert!(!simulator.requests().is_empty());
    assert!(
        simulator
            .requests()
            .iter()
            .all(|record| record.status < 400)
    );
}

#[tokio::test]
async fn without_an_agency_or_a_configured_mode_nothing_is_sent() {
    let simulator = simulator().await;
    let handler = handler(&env(&simulator, &[])).await;
    let reply = handler
        .invoke(Ok(br#"{"graph_id": "g-1"}"#), &context(&HeaderMap::new()))
        .await;
    let (error_type, message) = error(&reply);
    assert_eq!(error_type, ErrorType::InvalidConfiguration);
    assert!(message.contains("give the function an agency"), "{message}");
    assert!(simulator.requests().is_empty());
    let body: Value = serde_json::from_str(&reply.body()).unwrap();
    assert_eq!(body["errorType"], "InvalidConfiguration");
    // Through APIG: the same refusal, as an HTTP 500.
    let apig = json!({"httpMethod": "POST", "path": "/graphs/g-1/stop", "requestContext": {}});
    let reply = handler
        .invoke(Ok(apig.to_string().as_bytes()), &context(&HeaderMap::new()))
        .await;
    let answer = response(&reply);
    assert_eq!(answer["statusCode"], 500);
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["error"]["code"], "InvalidConfiguration");
    assert_eq!(body["error"]["request_id"], "fg-req-1");
    assert!(simulator.requests().is_empty());
}

#[tokio::test]
async fn a_configured_mode_signs_when_there_is_no_agency() {
    let simulator = simulator().await;
    let handler = handler(&env(
        &simulator,
        &[(vars::AK, AGENCY_AK), (vars::SK, AGENCY_SK)],
    ))
    .await;
    let reply = handler
        .invoke(Ok(br#"{"graph_id": "g-2"}"#), &context(&HeaderMap::new()))
        .await;
    let answer = response(&reply);
    assert_eq!(answer["graph_id"], "g-2", "{answer}");
    assert_ne!(
        simulator.graph_status(&graph("g-2")),
        Some(GraphStatus::Running)
    );
}

#[tokio::test]
async fn apig_answers_carry_the_lambdas_statuses() {
    let simulator = simulator().await;
    let handler = handler(&env(&simulator, &[(vars::ALLOWED_GRAPH_IDS, "g-1")])).await;
    let apig = |method: &str, path: &str| {
        json!({"httpMethod": method, "path": path, "requestContext": {}, "body": "",
               "isBase64Encoded": true, "headers": {}, "queryStringParameters": {}})
        .to_string()
    };
    for (event, code) in [
        (
            apig("GET", "/graphs/g-1/stop"),
            Some(ErrorType::MethodNotAllowed),
        ),
        (apig("POST", "/nowhere"), Some(ErrorType::RouteNotFound)),
        (apig("POST", "/graphs/g-2/stop"), None),
        (apig("POST", "/graphs/g-1/stop"), None),
    ] {
        let reply = handler
            .invoke(Ok(event.as_bytes()), &context(&agency_headers()))
            .await;
        let answer = response(&reply);
        assert_eq!(answer["isBase64Encoded"], false);
        assert_eq!(answer["headers"]["content-type"], "application/json");
        let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
        match code {
            Some(error_type) => {
                assert_eq!(answer["statusCode"], error_type.http_status().as_u16());
                assert_eq!(body["error"]["code"], error_type.name());
            }
            None if body.get("error").is_some() => {
                // g-2 is outside the allow-list: the core's NotAllowed, with its status.
                assert_eq!(body["error"]["code"], "NotAllowed");
                assert_eq!(answer["statusCode"], 403, "{answer}");
            }
            None => assert_eq!(answer["statusCode"], 200, "{answer}"),
        }
    }
    let refused = response(
        &handler
            .invoke(
                Ok(apig("GET", "/graphs/g-1/stop").as_bytes()),
                &context(&agency_headers()),
            )
            .await,
    );
    assert_eq!(refused["headers"]["allow"], "POST");
}

#[tokio::test]
async fn a_partial_set_of_credential_headers_is_refused_before_anything_is_sent() {
    let simulator = simulator().await;
    let handler = handler(&env(&simulator, &[])).await;
    let partial = headers(&[
        (agency::ACCESS_KEY, AGENCY_AK),
        (agency::SECRET_KEY, AGENCY_SK),
    ]);
    let reply = handler
        .invoke(Ok(br#"{"graph_id": "g-1"}"#), &context(&partial))
        .await;
    let (error_type, message) = error(&reply);
    assert_eq!(error_type, ErrorType::InvalidConfiguration);
    assert!(message.contains(agency::SECURITY_TOKEN), "{message}");
    assert!(simulator.requests().is_empty());
    assert!(matches!(
        agency::from_headers(&partial),
        Err(AgencyError::Incomplete { .. })
    ));
}

#[tokio::test]
async fn no_secret_reaches_an_answer_an_error_or_a_log_line() {
    // The log lines go to a file of their own (`&File` writes, so `Arc<File>` makes
    // writers), read back at the end.
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("functiongraph-secrets.log");
    let file = Arc::new(std::fs::File::create(&path).unwrap());
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_current_span(true)
        .with_span_list(true)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(file)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let simulator = simulator().await;
    let handler = handler(&env(&simulator, &[])).await;
    let wrong_sk = "wrong-sk-planted-secret";
    let mut shown = Vec::new();
    for headers in [
        // Accepted.
        agency_headers(),
        // A secret key GES refuses: the run fails with the simulator's refusal.
        headers(&[
            (agency::ACCESS_KEY, AGENCY_AK),
            (agency::SECRET_KEY, wrong_sk),
            (agency::SECURITY_TOKEN, AGENCY_TOKEN),
        ]),
        // Partial sets.
        headers(&[
            (agency::SECRET_KEY, AGENCY_SK),
            (agency::SECURITY_TOKEN, AGENCY_TOKEN),
        ]),
        headers(&[
            (agency::ACCESS_KEY, AGENCY_AK),
            (agency::SECRET_KEY, wrong_sk),
        ]),
    ] {
        for event in [
            r#"{"graph_ids": ["g-1", "g-2"]}"#.to_owned(),
            json!({"httpMethod": "POST", "path": "/graphs/g-1/stop", "requestContext": {},
                   "headers": {"x-cff-secret-key": AGENCY_SK}})
            .to_string(),
        ] {
            let context = context(&headers);
            shown.push(format!("{context:?}"));
            let reply = handler.invoke(Ok(event.as_bytes()), &context).await;
            shown.push(format!("{reply:?} {}", reply.body()));
        }
    }
    let credentials = RunCredentials::ak_sk(
        AGENCY_AK.to_owned(),
        AGENCY_SK.to_owned().into(),
        Some(AGENCY_TOKEN.to_owned().into()),
    );
    shown.push(format!("{credentials:?}"));
    let logs = std::fs::read_to_string(&path).unwrap();
    // The sweep is not vacuous: the lines were written, the refusals said.
    assert!(logs.contains("\"invocation\""), "{logs}");
    assert!(
        shown.iter().any(|reply| reply.contains("Unauthorized")),
        "{shown:?}"
    );
    for secret in [AGENCY_SK, AGENCY_TOKEN, wrong_sk] {
        assert!(!logs.contains(secret), "{secret} in the logs: {logs}");
        for text in &shown {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
}

#[tokio::test]
async fn start_up_refuses_what_cannot_work_on_functiongraph() {
    let simulator = simulator().await;
    let refused = |env: HashMap<String, String>| async move {
        Handler::from_lookup(|name| env.get(name).cloned())
            .await
            .unwrap_err()
    };
    let mut no_region = env(&simulator, &[]);
    no_region.remove(vars::REGION);
    assert!(matches!(refused(no_region).await, StartupError::NoRegion));
    let secret = env(&simulator, &[(vars::SECRET_ID, "ges/stop")]);
    assert!(matches!(
        refused(secret).await,
        StartupError::AwsOnly { .. }
    ));
    // No project and no credentials: nothing to ask IAM with, so nothing is asked (an
    // invocation names its project, or is refused as NoProject).
    let mut no_project = env(&simulator, &[]);
    no_project.remove(RUNTIME_PROJECT_ID);
    let handler = Handler::from_lookup(|name| no_project.get(name).cloned())
        .await
        .unwrap();
    assert_eq!(simulator.iam_project_requests(), 0);
    let reply = handler
        .invoke(Ok(br#"{"graph_id": "g-1"}"#), &context(&agency_headers()))
        .await;
    assert_eq!(error(&reply).0.name(), "NoProject");
    let bad_project = env(&simulator, &[(RUNTIME_PROJECT_ID, "../etc")]);
    let message = refused(bad_project).await.to_string();
    assert!(message.starts_with("RUNTIME_PROJECT_ID: "), "{message}");
}

/// A timer that names nothing runs `GES_GRAPH_IDS` when no document is set, tag
/// schedules or not; with neither, it reconciles on what the graphs' tags say.
#[tokio::test]
async fn an_empty_timer_runs_the_configured_graphs_else_reconciles_on_tags() {
    let now = jiff::Timestamp::now().to_string();
    let timer = json!({"version": "v1.0", "time": now, "trigger_type": "TIMER",
                       "trigger_name": "t", "user_event": ""})
    .to_string();

    let simulator = simulator().await;
    let configured = handler(&env(&simulator, &[(vars::GRAPH_IDS, "g-1")])).await;
    let reply = configured
        .invoke(Ok(timer.as_bytes()), &context(&agency_headers()))
        .await;
    let answer = response(&reply);
    assert_eq!(answer["graph_id"], "g-1", "{answer}");
    assert_ne!(
        simulator.graph_status(&graph("g-1")),
        Some(GraphStatus::Running)
    );

    // Neither graphs nor a document: a reconcile, on the tags alone. The simulator's
    // graphs carry no schedule tag, so it selects none and changes nothing.
    let simulator = self::simulator().await;
    let tags_only = handler(&env(&simulator, &[])).await;
    let reply = tags_only
        .invoke(Ok(timer.as_bytes()), &context(&agency_headers()))
        .await;
    let answer = response(&reply);
    assert_eq!(answer["summary"]["selected"], 0, "{answer}");
    assert!(answer["at"].is_string(), "a reconcile's answer: {answer}");
    assert_eq!(
        simulator.graph_status(&graph("g-2")),
        Some(GraphStatus::Running)
    );

    // Tags off, and nothing configured: refused, as before.
    let off = handler(&env(&simulator, &[(vars::TAG_SCHEDULES, "off")])).await;
    let reply = off
        .invoke(Ok(timer.as_bytes()), &context(&agency_headers()))
        .await;
    assert_eq!(error(&reply).0, ErrorType::NoGraphsConfigured);
}
