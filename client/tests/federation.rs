//! Federation against the simulator's AWS STS and Huawei STS on loopback: the function's
//! own ID token is asked of AWS STS, traded for temporary AK/SK at Huawei STS, cached
//! across calls, dropped and obtained anew when GES refuses it, and every failure ends
//! in a clear error with nothing sent to GES.

use std::time::Duration;

use ges_api::types::{GraphId, StopGraphRequest};
use ges_client::config::Config;
use ges_client::ges::GesClient;
use ges_simulator::{GraphSpec, OperationKind, RunningSimulator, Simulator};

const AWS_KEY: &str = "ASIASIMULATOREXAMPLE";
const AWS_SECRET: &str = "aws-secret-access-key-for-the-simulator";
const AWS_SESSION: &str = "aws-session-token-for-the-simulator";
const AUDIENCE: &str = "ges-stop-audience";
const PROVIDER: &str = "iam::0a1b2c3d4e:oidcProvider:aws-lambda";
const AGENCY: &str = "iam::0a1b2c3d4e:agency:ges-stop";
/// A bound on every call, so that a broken test fails rather than hangs.
const PATIENCE: Duration = Duration::from_secs(20);

fn graph(id: &str) -> GraphId {
    id.parse().unwrap()
}

async fn simulator(
    configure: impl FnOnce(ges_simulator::SimulatorBuilder) -> ges_simulator::SimulatorBuilder,
) -> RunningSimulator {
    let builder = Simulator::builder()
        .graphs((1..=3).map(|n| GraphSpec::running(graph(&format!("g-{n}")), format!("g {n}"))))
        .aws_credentials(AWS_KEY, AWS_SECRET, Some(AWS_SESSION.to_owned()))
        .oidc_provider(PROVIDER.parse().unwrap(), AUDIENCE)
        .oidc_agency(AGENCY.parse().unwrap())
        .stop_duration(Duration::from_secs(30));
    configure(builder).start().await.unwrap()
}

fn env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            simulator.project_id().to_string(),
        ),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER.to_owned()),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY.to_owned()),
        ("GES_OIDC_AWS_AUDIENCE", AUDIENCE.to_owned()),
        ("AWS_REGION", simulator.aws_region().to_owned()),
        ("AWS_ENDPOINT_URL_STS", simulator.base_url()),
        ("AWS_ACCESS_KEY_ID", AWS_KEY.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET.to_owned()),
        ("AWS_SESSION_TOKEN", AWS_SESSION.to_owned()),
        ("GES_REQUEST_TIMEOUT_SECS", "2".to_owned()),
    ]
}

fn client(env: &[(&'static str, String)]) -> GesClient {
    let config = Config::from_lookup(|name| {
        env.iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.clone())
    })
    .unwrap();
    GesClient::new(&config).unwrap()
}

fn stop(simulator: &RunningSimulator, graph_id: &str) -> StopGraphRequest {
    StopGraphRequest {
        project_id: simulator.project_id().clone(),
        graph_id: graph(graph_id),
    }
}

fn calls(simulator: &RunningSimulator, kind: OperationKind) -> usize {
    simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(kind))
        .count()
}

#[tokio::test]
async fn one_exchange_serves_every_call_while_the_credentials_are_good() {
    let simulator = simulator(|builder| builder).await;
    let client = client(&env(&simulator));
    for n in 1..=3 {
        let sent = tokio::time::timeout(
            PATIENCE,
            client.execute(&stop(&simulator, &format!("g-{n}"))),
        )
        .await
        .unwrap();
        assert!(sent.is_ok(), "{sent:?}");
    }
    assert_eq!(calls(&simulator, OperationKind::GetWebIdentityToken), 1);
    assert_eq!(calls(&simulator, OperationKind::AssumeAgencyWithOidc), 1);
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 3);
}

#[tokio::test]
async fn credentials_ges_refuses_are_dropped_and_obtained_anew() {
    let simulator = simulator(|builder| builder).await;
    let client = client(&env(&simulator));
    let first = tokio::time::timeout(PATIENCE, client.execute(&stop(&simulator, "g-1")))
        .await
        .unwrap();
    assert!(first.is_ok(), "{first:?}");
    simulator.revoke_federated_credentials();
    let second = tokio::time::timeout(PATIENCE, client.execute(&stop(&simulator, "g-2")))
        .await
        .unwrap();
    assert!(second.is_ok(), "{second:?}");
    assert_eq!(calls(&simulator, OperationKind::AssumeAgencyWithOidc), 2);
    assert_eq!(simulator.federated_credentials_issued(), 2);
}

#[tokio::test]
async fn a_refusal_at_either_sts_sends_nothing_to_ges_and_says_what_to_do() {
    let disabled = simulator(|builder| builder.aws_outbound_federation_disabled()).await;
    let error = tokio::time::timeout(
        PATIENCE,
        client(&env(&disabled)).execute(&stop(&disabled, "g-1")),
    )
    .await
    .unwrap()
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("enable-outbound-web-identity-federation"),
        "{error}"
    );
    assert_eq!(calls(&disabled, OperationKind::StopGraph), 0);

    let wrong_agency = simulator(|builder| builder).await;
    let mut env = env(&wrong_agency);
    env.retain(|(key, _)| *key != "HUAWEICLOUD_OIDC_AGENCY_URN");
    env.push((
        "HUAWEICLOUD_OIDC_AGENCY_URN",
        "iam::0a1b2c3d4e:agency:other".to_owned(),
    ));
    let error = tokio::time::timeout(PATIENCE, client(&env).execute(&stop(&wrong_agency, "g-1")))
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    assert!(error.contains("Huawei Cloud STS refused"), "{error}");
    assert!(error.contains("HUAWEICLOUD_OIDC_AGENCY_URN"), "{error}");
    assert_eq!(calls(&wrong_agency, OperationKind::StopGraph), 0);
    for secret in [AWS_SECRET, AWS_SESSION] {
        assert!(!error.contains(secret), "{error}");
    }
}

#[tokio::test]
async fn the_token_file_is_read_again_at_every_exchange() {
    let simulator = simulator(|builder| builder).await;
    let file = std::env::temp_dir().join(format!("ges-stop-id-token-{}", std::process::id()));
    let good = simulator.mint_id_token(&simulator.id_token_claims(), ges_simulator::Signer::Rs256);
    std::fs::write(&file, format!("{good}\n")).unwrap();
    let mut env = env(&simulator);
    env.retain(|(key, _)| !key.starts_with("GES_OIDC_AWS") && !key.starts_with("AWS_"));
    env.push(("HUAWEICLOUD_OIDC_TOKEN_FILE", file.display().to_string()));
    let client = client(&env);
    let first = tokio::time::timeout(PATIENCE, client.execute(&stop(&simulator, "g-1")))
        .await
        .unwrap();
    assert!(first.is_ok(), "{first:?}");

    // The file is rotated in place, to a token STS refuses; once the credentials are
    // gone, the next exchange must read it, not reuse what was read at first.
    let foreign = simulator.mint_id_token(
        &simulator.id_token_claims(),
        ges_simulator::Signer::ForeignKey,
    );
    std::fs::write(&file, foreign).unwrap();
    simulator.revoke_federated_credentials();
    let error = tokio::time::timeout(PATIENCE, client.execute(&stop(&simulator, "g-2")))
        .await
        .unwrap()
        .unwrap_err()
        .to_string();
    std::fs::remove_file(&file).unwrap();
    assert!(error.contains("Huawei Cloud STS refused"), "{error}");
    assert_eq!(calls(&simulator, OperationKind::AssumeAgencyWithOidc), 2);
    assert_eq!(calls(&simulator, OperationKind::GetWebIdentityToken), 0);
}
