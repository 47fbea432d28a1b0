//! Credentials against the simulator's IAM and GES on loopback: password and agency
//! tokens obtained, cached across invocations, refreshed before they expire and after
//! a `401`, shared by concurrent stops; the project found from the region; credentials
//! read from a fake AWS Parameters and Secrets Lambda Extension. Every wait is bounded.

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use ges_api::types::GraphId;
use ges_client::config::{Config, ConfigError, vars};
use ges_client::run::Settings;
use ges_simulator::{
    Authentication, GraphSpec, OperationKind, RunningSimulator, Scheme, Simulator, SimulatorBuilder,
};
use ges_stop_lambda::answer::FunctionError;
use ges_stop_lambda::handler::Handler;
use lambda_runtime::{Context, Diagnostic};
use serde_json::{Value, json};

const DOMAIN: &str = "acme";
const USER: &str = "ges-ops";
const PASSWORD: &str = "very-secret-password";
const AK: &str = "HPUAEXAMPLEAK0000000";
const SK: &str = "very-secret-sk-0000000000000000000000000";
const SECURITY_TOKEN: &str = "very-secret-security-token";
const SESSION_TOKEN: &str = "very-secret-aws-session-token";

/// Every test gives up after this long.
const PATIENCE: Duration = Duration::from_secs(20);

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

fn graphs(count: usize) -> Vec<GraphSpec> {
    (1..=count)
        .map(|n| GraphSpec::running(graph(&format!("g-{n}")), format!("graph {n}")))
        .collect()
}

fn builder(count: usize) -> SimulatorBuilder {
    Simulator::builder()
        .graphs(graphs(count))
        .iam_user(DOMAIN, USER, PASSWORD)
        .stop_duration(Duration::from_secs(30))
}

/// Variables pointing GES and IAM at the simulator, plus `extra`.
fn env(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env: HashMap<String, String> = HashMap::from([
        (vars::ENDPOINT.to_owned(), simulator.base_url()),
        (vars::IAM_ENDPOINT.to_owned(), simulator.base_url()),
    ]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

fn password_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        (vars::IAM_USER, USER.to_owned()),
        (vars::IAM_PASSWORD, PASSWORD.to_owned()),
        (vars::IAM_DOMAIN, DOMAIN.to_owned()),
        (vars::PROJECT_ID, simulator.project_id().to_string()),
    ]
}

async fn load(env: &HashMap<String, String>) -> Result<Config, ConfigError> {
    tokio::time::timeout(PATIENCE, Config::load(|name| env.get(name).cloned()))
        .await
        .expect("the configuration loads in time")
}

async fn handler(env: &HashMap<String, String>) -> Handler {
    common::loaded_handler(env).await
}

async fn password_handler(simulator: &RunningSimulator, extra: &[(&str, &str)]) -> Handler {
    let owned = password_env(simulator);
    let mut pairs: Vec<(&str, &str)> = owned.iter().map(|(k, v)| (*k, v.as_str())).collect();
    pairs.extend_from_slice(extra);
    handler(&env(simulator, &pairs)).await
}

fn context() -> Context {
    common::context(PATIENCE)
}

async fn invoke(handler: &Handler, payload: Value) -> Result<Value, FunctionError> {
    tokio::time::timeout(PATIENCE, handler.invoke(&payload, &context()))
        .await
        .expect("the invocation ends in time")
}

/// The stop requests GES saw, as (status, authentication).
fn stops(simulator: &RunningSimulator) -> Vec<(u16, Authentication)> {
    simulator
        .requests()
        .iter()
        .filter(|r| r.operation == Some(OperationKind::StopGraph))
        .map(|r| (r.status, r.authentication))
        .collect()
}

const TOKEN_ACCEPTED: (u16, Authentication) = (200, Authentication::Accepted(Scheme::Token));

#[tokio::test]
async fn a_password_token_is_obtained_once_and_reused_across_invocations() {
    let simulator = builder(3).start().await.unwrap();
    let handler = password_handler(&simulator, &[]).await;
    assert_eq!(
        simulator.iam_token_requests(),
        0,
        "no token before it is needed"
    );
    for id in ["g-1", "g-2", "g-3"] {
        let answer = invoke(&handler, json!({ "graph_id": id })).await.unwrap();
        assert_eq!(answer["outcome"], "stopping", "{answer}");
    }
    assert_eq!(
        simulator.iam_token_requests(),
        1,
        "one token for every invocation"
    );
    assert_eq!(stops(&simulator), vec![TOKEN_ACCEPTED; 3]);
    // Neither the password nor the cached token (the simulator's start `MIIsim`) shows.
    let shown = format!("{handler:?}");
    assert!(
        shown.contains("IamTokens") && shown.contains("obtained: 1"),
        "{shown}"
    );
    assert!(
        !shown.contains("very-secret") && !shown.contains("MIIsim"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_token_is_refreshed_before_it_expires() {
    let simulator = builder(2)
        .iam_token_lifetime(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let handler = password_handler(&simulator, &[]).await;
    invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    assert_eq!(simulator.iam_token_requests(), 1);
    // Refreshed once a tenth of its life is left: 1.8 s in, before GES would refuse it.
    tokio::time::sleep(Duration::from_millis(1900)).await;
    invoke(&handler, json!({"graph_id": "g-2"})).await.unwrap();
    assert_eq!(
        simulator.iam_token_requests(),
        2,
        "refreshed before it expired"
    );
    assert_eq!(
        stops(&simulator),
        vec![TOKEN_ACCEPTED; 2],
        "GES never saw the old token after its refresh time"
    );
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_stop_sent_again() {
    let simulator = builder(2).start().await.unwrap();
    let handler = password_handler(&simulator, &[]).await;
    invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    // IAM revokes every token (a password change): the cached one is now stale.
    simulator.revoke_iam_tokens();
    let answer = invoke(&handler, json!({"graph_id": "g-2"})).await.unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    // The re-send is reported: two requests went out for this stop.
    assert_eq!(answer["attempts"], 2, "{answer}");
    assert_eq!(simulator.iam_token_requests(), 2, "one refresh");
    assert_eq!(
        stops(&simulator),
        vec![
            TOKEN_ACCEPTED,
            (401, Authentication::Refused(Scheme::Token)),
            TOKEN_ACCEPTED
        ],
        "the refused stop was sent once more, with the fresh token"
    );
}

#[tokio::test]
async fn a_token_dead_on_arrival_is_refused_without_asking_iam_again() {
    // Tokens that are dead on arrival (a clock ahead of IAM's): using one would mean a
    // new token for every request, so none is used and IAM is asked once.
    let simulator = builder(3)
        .iam_token_lifetime(Duration::ZERO)
        .start()
        .await
        .unwrap();
    let handler = password_handler(&simulator, &[]).await;
    for graphs in [
        json!({"graph_id": "g-1"}),
        json!({"graph_ids": ["g-2", "g-3"]}),
    ] {
        // One graph fails the invocation; a batch reports each graph's failure.
        let message = match invoke(&handler, graphs).await {
            Ok(answer) => answer.to_string(),
            Err(error) => Diagnostic::from(error).error_message,
        };
        assert!(
            message.contains("clock") && message.contains("HUAWEICLOUD_SDK_IAM_ENDPOINT"),
            "{message}"
        );
        assert!(!message.contains("very-secret"), "{message}");
    }
    assert!(
        stops(&simulator).is_empty(),
        "no stop sent with a dead token"
    );
    assert_eq!(
        simulator.iam_token_requests(),
        1,
        "IAM asked once, not per stop"
    );
}

#[tokio::test]
async fn concurrent_stops_share_one_token_and_one_refresh() {
    const GRAPHS: usize = 24;
    let simulator = builder(GRAPHS).start().await.unwrap();
    let handler = password_handler(&simulator, &[(vars::MAX_CONCURRENCY, "24")]).await;
    let ids: Vec<String> = (1..=GRAPHS).map(|n| format!("g-{n}")).collect();
    let answer = invoke(&handler, json!({ "graph_ids": ids })).await.unwrap();
    assert_eq!(answer["summary"]["stopping"], GRAPHS, "{answer}");
    assert_eq!(simulator.iam_token_requests(), 1, "one token for all");

    // Every stop is refused at once: they still share one refresh.
    simulator.revoke_iam_tokens();
    simulator.clear_requests();
    for spec in graphs(GRAPHS) {
        simulator.put_graph(spec);
    }
    let answer = invoke(&handler, json!({ "graph_ids": ids })).await.unwrap();
    assert_eq!(answer["summary"]["stopping"], GRAPHS, "{answer}");
    assert_eq!(simulator.iam_token_requests(), 2, "one refresh for all");
    let accepted = stops(&simulator)
        .iter()
        .filter(|stop| **stop == TOKEN_ACCEPTED)
        .count();
    assert_eq!(accepted, GRAPHS);
}

#[tokio::test]
async fn the_project_is_found_from_the_region_with_temporary_aksk_and_kept() {
    let simulator = Simulator::builder()
        .graphs(graphs(2))
        .ak_sk(AK, SK)
        .start()
        .await
        .unwrap();
    let env = env(
        &simulator,
        &[
            (vars::REGION, "cn-north-4"),
            (vars::AK, AK),
            (vars::SK, SK),
            (vars::SECURITY_TOKEN, SECURITY_TOKEN),
        ],
    );
    let config = load(&env).await.unwrap();
    assert_eq!(
        config.default_project_id.as_ref(),
        Some(simulator.project_id())
    );
    let settings = Settings::from_lookup(|name| env.get(name).cloned()).unwrap();
    let handler = Handler::new(&config, settings).unwrap();
    for id in ["g-1", "g-2"] {
        let answer = invoke(&handler, json!({ "graph_id": id })).await.unwrap();
        assert_eq!(answer["project_id"], simulator.project_id().as_str());
    }
    assert_eq!(simulator.iam_project_requests(), 1, "looked up once");
    let lookup = simulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v3/projects")
        .unwrap();
    assert_eq!(lookup.query.as_deref(), Some("name=cn-north-4"));
    assert_eq!(
        lookup.authentication,
        Authentication::Accepted(Scheme::AkSk)
    );
}

#[tokio::test]
async fn a_token_scoped_by_region_finds_the_project_and_serves_the_stops() {
    let simulator = builder(1).start().await.unwrap();
    let handler = handler(&env(
        &simulator,
        &[
            (vars::REGION, "cn-north-4"),
            (vars::IAM_USER, USER),
            (vars::IAM_PASSWORD, PASSWORD),
            (vars::IAM_DOMAIN, DOMAIN),
        ],
    ))
    .await;
    let answer = invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert_eq!(simulator.iam_project_requests(), 1);
    assert_eq!(
        simulator.iam_token_requests(),
        1,
        "the look-up's token serves the stops"
    );
}

#[tokio::test]
async fn a_region_without_a_project_is_a_clear_error() {
    let simulator = builder(1).region("cn-north-4").start().await.unwrap();
    let env = env(
        &simulator,
        &[
            (vars::REGION, "cn-east-3"),
            (vars::IAM_USER, USER),
            (vars::IAM_PASSWORD, PASSWORD),
            (vars::IAM_DOMAIN, DOMAIN),
        ],
    );
    // The token is scoped by name to cn-east-3, which this IAM does not serve.
    let err = load(&env).await.unwrap_err();
    let shown = err.to_string();
    assert!(shown.contains("cn-east-3"), "{shown}");
    assert!(!shown.contains("very-secret"), "{shown}");

    let aksk = Simulator::builder()
        .graphs(graphs(1))
        .ak_sk(AK, SK)
        .start()
        .await
        .unwrap();
    let env = self::env(
        &aksk,
        &[(vars::REGION, "cn-east-3"), (vars::AK, AK), (vars::SK, SK)],
    );
    let err = load(&env).await.unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("IAM has no project named cn-east-3"),
        "{shown}"
    );
    assert!(shown.contains(vars::PROJECT_ID), "{shown}");
}

#[tokio::test]
async fn an_agency_token_is_assumed_with_aksk() {
    let simulator = Simulator::builder()
        .graphs(graphs(1))
        .ak_sk(AK, SK)
        .iam_agency("other-account", "ges-operator")
        .start()
        .await
        .unwrap();
    let handler = handler(&env(
        &simulator,
        &[
            (vars::AK, AK),
            (vars::SK, SK),
            (vars::IAM_AGENCY, "ges-operator"),
            (vars::IAM_AGENCY_DOMAIN, "other-account"),
            (vars::PROJECT_ID, simulator.project_id().as_str()),
        ],
    ))
    .await;
    let answer = invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    let token_request = simulator
        .requests()
        .into_iter()
        .find(|r| r.path == "/v3/auth/tokens")
        .unwrap();
    assert_eq!(
        token_request.authentication,
        Authentication::Accepted(Scheme::AkSk),
        "assume_role is signed with the AK/SK"
    );
    assert_eq!(
        stops(&simulator),
        vec![TOKEN_ACCEPTED],
        "GES got the agency token"
    );
}

#[tokio::test]
async fn a_wrong_password_fails_the_stop_without_repeating_it() {
    let simulator = builder(1).start().await.unwrap();
    let env = env(
        &simulator,
        &[
            (vars::IAM_USER, USER),
            (vars::IAM_PASSWORD, "very-secret-but-wrong"),
            (vars::IAM_DOMAIN, DOMAIN),
            (vars::PROJECT_ID, simulator.project_id().as_str()),
        ],
    );
    let handler = handler(&env).await;
    let error = invoke(&handler, json!({"graph_id": "g-1"}))
        .await
        .unwrap_err();
    let diagnostic = Diagnostic::from(error);
    // What the user acts on: the credentials are wrong.
    assert_eq!(diagnostic.error_type, "Unauthorized", "{diagnostic:?}");
    assert!(
        diagnostic.error_message.contains("IAM refused")
            && diagnostic.error_message.contains(vars::IAM_PASSWORD),
        "{diagnostic:?}"
    );
    assert!(
        !diagnostic.error_message.contains("very-secret"),
        "{diagnostic:?}"
    );
    assert!(stops(&simulator).is_empty(), "nothing reached GES");
    assert!(!format!("{handler:?}").contains("very-secret"));
}

/// A fake AWS Parameters and Secrets Lambda Extension on 127.0.0.1: it answers the
/// secret `secret_id` with `secret_string` to callers presenting [`SESSION_TOKEN`].
async fn fake_extension(
    secret_id: &'static str,
    secret_string: String,
) -> (u16, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    let app = axum::Router::new().route(
        "/secretsmanager/get",
        get(
            move |headers: HeaderMap, Query(query): Query<HashMap<String, String>>| {
                let secret_string = secret_string.clone();
                let counted = Arc::clone(&counted);
                async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    let token = headers
                        .get("x-aws-parameters-secrets-token")
                        .and_then(|value| value.to_str().ok());
                    if token != Some(SESSION_TOKEN) {
                        return (StatusCode::UNAUTHORIZED, "missing or wrong token".to_owned());
                    }
                    if query.get("secretId").map(String::as_str) != Some(secret_id) {
                        return (StatusCode::BAD_REQUEST, "ResourceNotFoundException".to_owned());
                    }
                    let body = json!({
                        "ARN": format!("arn:aws:secretsmanager:eu-west-1:123456789012:secret:{secret_id}"),
                        "Name": secret_id,
                        "SecretString": secret_string,
                        "VersionId": "v1",
                    });
                    (StatusCode::OK, body.to_string())
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, calls, task)
}

#[tokio::test]
async fn credentials_come_from_the_secret_through_the_extension() {
    let simulator = Simulator::builder()
        .graphs(graphs(2))
        .ak_sk(AK, SK)
        .start()
        .await
        .unwrap();
    let secret = json!({"HUAWEICLOUD_SDK_AK": AK, "HUAWEICLOUD_SDK_SK": SK}).to_string();
    let (port, calls, extension) = fake_extension("ges/stop", secret).await;
    let port = port.to_string();
    let base = [
        (vars::SECRET_ID, "ges/stop"),
        (vars::SECRETS_EXTENSION_PORT, port.as_str()),
        (vars::PROJECT_ID, simulator.project_id().as_str()),
    ];
    let with = |extra: &[(&str, &str)]| {
        let mut all = base.to_vec();
        all.extend_from_slice(extra);
        env(&simulator, &all)
    };

    let env_ok = with(&[(vars::AWS_SESSION_TOKEN, SESSION_TOKEN)]);
    let config = load(&env_ok).await.unwrap();
    assert!(!format!("{config:?}").contains("very-secret"));
    let settings = Settings::from_lookup(|name| env_ok.get(name).cloned()).unwrap();
    let handler = Handler::new(&config, settings).unwrap();
    for id in ["g-1", "g-2"] {
        let answer = invoke(&handler, json!({ "graph_id": id })).await.unwrap();
        assert_eq!(answer["outcome"], "stopping", "{answer}");
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "read once, at start-up");
    assert_eq!(
        stops(&simulator),
        vec![(200, Authentication::Accepted(Scheme::AkSk)); 2]
    );

    // The synchronous, environment-only path refuses rather than ignore the secret.
    assert!(matches!(
        Config::from_lookup(|name| env_ok.get(name).cloned()),
        Err(ConfigError::SecretNeedsLoad)
    ));

    // A wrong session token, none, and a variable set twice: clear errors, no secret.
    for (extra, expected) in [
        (
            vec![(vars::AWS_SESSION_TOKEN, "very-secret-but-wrong")],
            "answered 401",
        ),
        (vec![], vars::AWS_SESSION_TOKEN),
        (
            vec![
                (vars::AWS_SESSION_TOKEN, SESSION_TOKEN),
                (vars::AK, "OTHERAK"),
            ],
            "HUAWEICLOUD_SDK_AK is set both in the environment and in the secret",
        ),
    ] {
        let err = load(&with(&extra)).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains(expected), "{shown}");
        assert!(!shown.contains("very-secret"), "{shown}");
    }
    extension.abort();
}

#[tokio::test]
async fn a_password_in_the_secret_gives_iam_tokens() {
    let simulator = builder(1).start().await.unwrap();
    let secret = json!({"GES_IAM_PASSWORD": PASSWORD}).to_string();
    let (port, _, extension) = fake_extension("ges/password", secret).await;
    let port = port.to_string();
    let handler = handler(&env(
        &simulator,
        &[
            (vars::SECRET_ID, "ges/password"),
            (vars::SECRETS_EXTENSION_PORT, port.as_str()),
            (vars::AWS_SESSION_TOKEN, SESSION_TOKEN),
            (vars::IAM_USER, USER),
            (vars::IAM_DOMAIN, DOMAIN),
            (vars::PROJECT_ID, simulator.project_id().as_str()),
        ],
    ))
    .await;
    let answer = invoke(&handler, json!({"graph_id": "g-1"})).await.unwrap();
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    assert_eq!(simulator.iam_token_requests(), 1);
    extension.abort();
}

#[tokio::test]
async fn no_extension_is_a_clear_error() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    }
    .to_string();
    let env: HashMap<String, String> = [
        (vars::SECRET_ID, "ges/stop"),
        (vars::SECRETS_EXTENSION_PORT, port.as_str()),
        (vars::AWS_SESSION_TOKEN, SESSION_TOKEN),
        (vars::ENDPOINT, "http://127.0.0.1:9"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let err = load(&env).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        shown.contains("could not reach the AWS Parameters and Secrets Lambda Extension"),
        "{shown}"
    );
    assert!(!shown.contains("very-secret"), "{shown}");
}
