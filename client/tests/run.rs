//! The core's run, as any front door runs it: a request typed by hand (no event), the
//! runner under an `Instant` deadline, and credentials that hold for one run only.

use std::time::{Duration, Instant};

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::{Config, vars};
use ges_client::ges::Outcome;
use ges_client::run::{Answer, Graphs, RunCredentials, RunError, RunRequest, Runner, Settings};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator};

const CONFIGURED_TOKEN: &str = "configured-token";

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator(access_key: &str, secret_key: &str) -> RunningSimulator {
    Simulator::builder()
        .graphs([
            GraphSpec::running(graph("r-1"), "one"),
            GraphSpec::running(graph("r-2"), "two"),
        ])
        .token(CONFIGURED_TOKEN)
        .ak_sk(access_key, secret_key)
        .start()
        .await
        .unwrap()
}

/// A runner configured with `token` as the deployment's credentials.
fn runner(simulator: &RunningSimulator, token: &str) -> Runner {
    let env = [
        (vars::ENDPOINT, simulator.base_url()),
        (vars::PROJECT_ID, simulator.project_id().to_string()),
        (vars::AUTH_TOKEN, token.to_owned()),
    ];
    let lookup = |name: &str| {
        env.iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value.clone())
    };
    let config = Config::from_lookup(lookup).unwrap();
    Runner::new(&config, Settings::from_lookup(lookup).unwrap()).unwrap()
}

fn stop(id: &str, credentials: Option<RunCredentials>) -> RunRequest {
    RunRequest {
        graphs: Some(Graphs::Named(vec![graph(id)])),
        credentials,
        ..RunRequest::default()
    }
}

fn ak_sk(access_key: &str, secret_key: &str) -> RunCredentials {
    RunCredentials::ak_sk(access_key.to_owned(), secret_key.to_owned().into(), None)
}

/// The run's own credentials sign its calls, in place of the configured ones, and for
/// that run only: the next run without them signs with the configuration's again.
#[tokio::test]
async fn a_runs_own_credentials_sign_its_calls_and_only_its_own() {
    let simulator = simulator("RUN-AK", "run-sk").await;
    // The configured token is wrong: only the run's AK/SK can stop a graph.
    let runner = runner(&simulator, "not-the-token");
    let answer_by = Some(Instant::now() + Duration::from_secs(30));

    let answer = runner
        .run(&stop("r-1", Some(ak_sk("RUN-AK", "run-sk"))), answer_by)
        .await
        .unwrap();
    let Answer::Single(report) = answer else {
        panic!("{answer:?}");
    };
    assert_eq!(report.outcome, Outcome::Stopping);
    assert_eq!(
        simulator.graph_status(&graph("r-1")),
        Some(GraphStatus::Stopping)
    );

    // Without them, the configured (wrong) token is refused.
    let refused = runner.run(&stop("r-2", None), answer_by).await.unwrap_err();
    assert!(matches!(refused, RunError::Graph(_)), "{refused}");
    assert_eq!(refused.kind().name(), "Unauthorized", "{refused}");
    // And a wrong secret key given for a run is refused as well: they really sign.
    let refused = runner
        .run(&stop("r-2", Some(ak_sk("RUN-AK", "wrong"))), answer_by)
        .await
        .unwrap_err();
    assert_eq!(refused.kind().name(), "Unauthorized", "{refused}");
    assert_eq!(
        simulator.graph_status(&graph("r-2")),
        Some(GraphStatus::Running)
    );
}

/// A deadline already here sends nothing, whatever the run asks.
#[tokio::test]
async fn a_deadline_already_passed_sends_nothing() {
    let simulator = simulator("AK", "SK").await;
    let runner = runner(&simulator, CONFIGURED_TOKEN);
    let error = runner
        .run(&stop("r-1", None), Some(Instant::now()))
        .await
        .unwrap_err();
    assert!(matches!(error, RunError::DeadlineAlreadyPassed), "{error}");
    assert!(simulator.requests().is_empty());
    // No deadline at all (the command line's): the run goes ahead.
    let answer = runner.run(&stop("r-1", None), None).await.unwrap();
    assert!(matches!(answer, Answer::Single(_)), "{answer:?}");
}
