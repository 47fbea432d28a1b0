//! The simulator's IAM: tokens for a password or an agency, accepted by GES until they
//! expire, the project look-up, and the counters tests assert on.

mod common;

use std::time::Duration;

use common::{Key, PROJECT, TOKEN, builder, client, read, signed_headers};
use ges_simulator::{Authentication, OperationKind, RunningSimulator, Scheme};
use serde_json::{Value, json};

const DOMAIN: &str = "acme";
const USER: &str = "ops";
const PASSWORD: &str = "very-secret-password";

fn password_body(password: &str, scope: Value) -> Value {
    json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "domain": {"name": DOMAIN}, "name": USER, "password": password}}},
        "scope": {"project": scope}}})
}

/// `POST /v3/auth/tokens`: the status, the `X-Subject-Token`, the body.
async fn create_token(
    sim: &RunningSimulator,
    body: &Value,
    headers: &[(&str, &str)],
) -> (u16, Option<String>, Value) {
    let mut request = client()
        .post(format!("{}/v3/auth/tokens", sim.base_url()))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("IAM answers");
    let token = response
        .headers()
        .get("x-subject-token")
        .map(|value| value.to_str().unwrap().to_owned());
    let answer = read(response).await;
    (answer.status, token, answer.body)
}

async fn show_graph(sim: &RunningSimulator, token: &str) -> u16 {
    client()
        .get(format!("{}/v2/{PROJECT}/graphs/g-running", sim.base_url()))
        .header("X-Auth-Token", token)
        .send()
        .await
        .expect("GES answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_password_token_is_accepted_by_ges_until_it_expires() {
    let sim = builder()
        .iam_user(DOMAIN, USER, PASSWORD)
        .iam_token_lifetime(Duration::from_millis(600))
        .start()
        .await
        .unwrap();
    for scope in [json!({"id": PROJECT}), json!({"name": "cn-north-4"})] {
        let (status, token, body) = create_token(&sim, &password_body(PASSWORD, scope), &[]).await;
        assert_eq!(status, 201, "{body}");
        let token = token.expect("X-Subject-Token");
        assert_eq!(body["token"]["project"]["id"], PROJECT);
        assert_eq!(body["token"]["methods"], json!(["password"]));
        let expires_at = body["token"]["expires_at"].as_str().unwrap();
        time::OffsetDateTime::parse(expires_at, &time::format_description::well_known::Rfc3339)
            .expect("an RFC 3339 time");
        assert_eq!(show_graph(&sim, &token).await, 200);
    }
    let (_, token, _) =
        create_token(&sim, &password_body(PASSWORD, json!({"id": PROJECT})), &[]).await;
    let token = token.unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_eq!(show_graph(&sim, &token).await, 401, "expired");
    assert_eq!(sim.iam_token_requests(), 3);
    let last = sim.requests().pop().unwrap();
    assert_eq!(last.operation, Some(OperationKind::ShowGraph));
    assert_eq!(last.authentication, Authentication::Refused(Scheme::Token));
}

#[tokio::test]
async fn revoked_tokens_are_refused_and_fixed_tokens_still_work() {
    let sim = builder()
        .iam_user(DOMAIN, USER, PASSWORD)
        .start()
        .await
        .unwrap();
    let (_, token, _) =
        create_token(&sim, &password_body(PASSWORD, json!({"id": PROJECT})), &[]).await;
    let token = token.unwrap();
    assert_eq!(show_graph(&sim, &token).await, 200);
    sim.revoke_iam_tokens();
    assert_eq!(show_graph(&sim, &token).await, 401);
    assert_eq!(
        show_graph(&sim, TOKEN).await,
        200,
        "configured tokens never expire"
    );
}

#[tokio::test]
async fn bad_token_requests_are_refused_without_repeating_the_password() {
    let sim = builder()
        .iam_user(DOMAIN, USER, PASSWORD)
        .start()
        .await
        .unwrap();
    let (status, token, body) = create_token(
        &sim,
        &password_body("very-secret-but-wrong", json!({"id": PROJECT})),
        &[],
    )
    .await;
    assert_eq!((status, token), (401, None), "{body}");
    assert_eq!(body["error"]["code"], 401);
    assert!(!body.to_string().contains("very-secret"), "{body}");

    let (status, _, body) = create_token(
        &sim,
        &password_body(PASSWORD, json!({"name": "cn-east-3"})),
        &[],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    let (status, _, _) = create_token(&sim, &json!({"auth": {}}), &[]).await;
    assert_eq!(status, 400);
    assert_eq!(sim.iam_token_requests(), 3, "refusals count too");
}

#[tokio::test]
async fn an_agency_token_needs_an_authenticated_caller_and_a_known_agency() {
    let sim = builder()
        .iam_agency("other", "ges-operator")
        .start()
        .await
        .unwrap();
    let body = |agency: &str| {
        json!({"auth": {
            "identity": {"methods": ["assume_role"],
                "assume_role": {"domain_name": "other", "agency_name": agency}},
            "scope": {"project": {"id": PROJECT}}}})
    };
    let (status, _, _) = create_token(&sim, &body("ges-operator"), &[]).await;
    assert_eq!(status, 401, "no credentials");
    let (status, _, _) = create_token(&sim, &body("unknown"), &[("X-Auth-Token", TOKEN)]).await;
    assert_eq!(status, 403, "unknown agency");
    let (status, token, _) =
        create_token(&sim, &body("ges-operator"), &[("X-Auth-Token", TOKEN)]).await;
    assert_eq!(status, 201);
    assert_eq!(show_graph(&sim, &token.unwrap()).await, 200);

    // Signed with the AK/SK instead.
    let payload = body("ges-operator").to_string();
    let headers = signed_headers(
        &sim,
        "POST",
        "/v3/auth/tokens",
        "",
        payload.as_bytes(),
        Key::valid(),
    );
    let mut request = client().post(format!("{}/v3/auth/tokens", sim.base_url()));
    for (name, value) in headers.iter().filter(|(name, _)| name != "Host") {
        request = request.header(name, value);
    }
    let response = request.body(payload).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
}

#[tokio::test]
async fn projects_are_looked_up_by_region_name() {
    let sim = builder().region("ap-southeast-1").start().await.unwrap();
    let headers = signed_headers(
        &sim,
        "GET",
        "/v3/projects",
        "name=ap-southeast-1",
        b"",
        Key::valid(),
    );
    let mut request = client().get(format!(
        "{}/v3/projects?name=ap-southeast-1",
        sim.base_url()
    ));
    for (name, value) in headers.iter().filter(|(name, _)| name != "Host") {
        request = request.header(name, value);
    }
    let answer = read(request.send().await.unwrap()).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    assert_eq!(answer.body["projects"][0]["id"], PROJECT);
    assert_eq!(answer.body["projects"][0]["name"], "ap-southeast-1");

    let other = client()
        .get(format!("{}/v3/projects?name=cn-north-4", sim.base_url()))
        .header("X-Auth-Token", TOKEN)
        .send()
        .await
        .unwrap();
    let answer = read(other).await;
    assert_eq!(answer.body["projects"], json!([]));

    let anonymous = client()
        .get(format!(
            "{}/v3/projects?name=ap-southeast-1",
            sim.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    assert_eq!(sim.iam_project_requests(), 3);
    assert_eq!(sim.iam_token_requests(), 0);
}

#[tokio::test]
async fn iam_users_alone_are_enough_credentials() {
    let sim = ges_simulator::Simulator::builder()
        .iam_user(DOMAIN, USER, PASSWORD)
        .start()
        .await
        .expect("IAM users can obtain tokens: nothing else is needed");
    let (status, _, _) = create_token(
        &sim,
        &password_body(PASSWORD, json!({"id": sim.project_id().as_str()})),
        &[],
    )
    .await;
    assert_eq!(status, 201);
}
