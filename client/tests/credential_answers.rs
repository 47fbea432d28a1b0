//! Answers of a credential service that do not match its contract, holding a secret:
//! IAM's token call and the AWS Parameters and Secrets Lambda Extension, each played by
//! a small loopback server that answers one planted answer. No error (its message,
//! its `Debug`) repeats what the answer held; each names the service and what was
//! wrong. (Huawei STS's are tested end to end, through the Lambda binary, in
//! tests/tests/federation.rs.)

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use ges_api::types::StopGraphRequest;
use ges_client::config::{Config, vars};
use ges_client::ges::GesClient;

/// What an answer plants: no message may hold it.
const PLANTED: &str = "PLANTEDsecretValue7Kd9";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const GRAPH: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const PASSWORD: &str = "iam-password-4f1e";
const SESSION_TOKEN: &str = "aws-session-token-91c2";

/// One answer, given to every request.
#[derive(Clone)]
struct Planted {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

/// Serves `planted` to every request on a loopback port; its base URL and port.
async fn serve(planted: Planted) -> (String, u16) {
    let planted = Arc::new(planted);
    let app = axum::Router::new().fallback(move || {
        let planted = Arc::clone(&planted);
        async move {
            let mut response = Response::builder().status(planted.status);
            for (name, value) in &planted.headers {
                response = response.header(*name, value);
            }
            response
                .header("content-type", "application/json")
                .header("x-request-id", "0a1b2c3d4e5f")
                .body(Body::from(planted.body.clone()))
                .unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://127.0.0.1:{port}"), port)
}

#[track_caller]
fn assert_withheld(what: &str, shown: &str) {
    for secret in [PLANTED, PASSWORD, SESSION_TOKEN, "MIIheader"] {
        assert!(
            !shown.contains(secret),
            "{what}: {secret} repeated: {shown}"
        );
    }
}

/// IAM's token answer of a shape the contract does not give: the token (or anything)
/// in the body, a `202`, a mistyped expiry, a refusal repeating the password. The stop
/// fails naming IAM, with nothing of the answer in it.
#[tokio::test]
async fn an_iam_token_answer_of_an_unexpected_shape_is_never_quoted() {
    let token = || vec![("x-subject-token", "MIIheader-token".to_owned())];
    let cases = [
        (
            "a token where the token object belongs",
            Planted {
                status: 201,
                headers: token(),
                body: format!(r#"{{"token": "{PLANTED}"}}"#),
            },
            "token",
        ),
        (
            "a 202 with the token in its body",
            Planted {
                status: 202,
                headers: token(),
                body: format!(
                    r#"{{"token": {{"expires_at": "2099-01-01T00:00:00Z", "id": "{PLANTED}"}}}}"#
                ),
            },
            "HTTP 202",
        ),
        (
            "an expiry that is not a time",
            Planted {
                status: 201,
                headers: token(),
                body: format!(r#"{{"token": {{"expires_at": "{PLANTED}"}}}}"#),
            },
            "token.expires_at",
        ),
        (
            "a refusal repeating the password",
            Planted {
                status: 401,
                headers: Vec::new(),
                body: format!(
                    r#"{{"error_code": "IAM.0001", "error_msg": "password {PASSWORD} is wrong {PLANTED}"}}"#
                ),
            },
            "401 IAM.0001",
        ),
        (
            "a refusal whose code is a sentence",
            Planted {
                status: 403,
                headers: Vec::new(),
                body: format!(r#"{{"error": {{"code": "no {PLANTED}", "message": "x"}}}}"#),
            },
            "403 (",
        ),
    ];
    for (what, planted, says) in cases {
        let (iam, _) = serve(planted).await;
        let env: HashMap<&str, String> = HashMap::from([
            // GES is never reached: the token comes first.
            (vars::ENDPOINT, "http://127.0.0.1:9".to_owned()),
            (vars::IAM_ENDPOINT, iam),
            (vars::PROJECT_ID, PROJECT.to_owned()),
            (vars::IAM_USER, "ops".to_owned()),
            (vars::IAM_PASSWORD, PASSWORD.to_owned()),
            (vars::IAM_DOMAIN, "acme".to_owned()),
        ]);
        let config = Config::from_lookup(|name| env.get(name).cloned()).unwrap();
        let client = GesClient::new(&config).unwrap();
        let stop = StopGraphRequest {
            project_id: PROJECT.parse().unwrap(),
            graph_id: GRAPH.parse().unwrap(),
        };
        let error = client.execute(&stop).await.unwrap_err();
        let shown = format!("{error} {error:?}");
        assert_withheld(what, &shown);
        assert!(
            shown.contains("IAM") && shown.contains(says) && shown.contains("0a1b2c3d4e5f"),
            "{what}: names IAM, what was wrong and the request id: {shown}"
        );
        assert!(error.to_string().len() < 1024, "{what}: {shown}");
    }
}

/// The extension's answer of the wrong shape, with a secret in it: not an object, a
/// `SecretString` that is not JSON, one whose key is the secret key itself (typed in
/// the console's key column). Start-up fails naming the secret, and repeats none of it.
#[tokio::test]
async fn a_secrets_manager_answer_of_the_wrong_shape_is_never_quoted() {
    let answer = |secret_string: serde_json::Value| {
        serde_json::json!({"ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:s", "SecretString": secret_string})
            .to_string()
    };
    let cases = [
        (
            "a key that is the secret key",
            answer(serde_json::Value::String(format!(
                r#"{{"HUAWEICLOUD_SDK_AK": "AK", "{PLANTED}": "HUAWEICLOUD_SDK_SK"}}"#
            ))),
            "a key of 22 characters",
        ),
        (
            "a SecretString that is not JSON",
            answer(serde_json::Value::String(format!(
                r#"{{"HUAWEICLOUD_SDK_SK": {PLANTED}}}"#
            ))),
            "not a JSON object",
        ),
        (
            "a SecretString that is an object",
            answer(serde_json::json!({"HUAWEICLOUD_SDK_SK": PLANTED})),
            "no SecretString",
        ),
        (
            "an answer that is not JSON",
            format!("<html>{PLANTED}</html>"),
            "not JSON",
        ),
    ];
    for (what, body, says) in cases {
        let (_, port) = serve(Planted {
            status: 200,
            headers: Vec::new(),
            body,
        })
        .await;
        let env: HashMap<&str, String> = HashMap::from([
            (vars::ENDPOINT, "http://127.0.0.1:9".to_owned()),
            (vars::PROJECT_ID, PROJECT.to_owned()),
            (vars::SECRET_ID, "ges/stop".to_owned()),
            (vars::SECRETS_EXTENSION_PORT, port.to_string()),
            (vars::AWS_SESSION_TOKEN, SESSION_TOKEN.to_owned()),
        ]);
        let error = Config::load(|name| env.get(name).cloned())
            .await
            .expect_err(what);
        let shown = format!("{error} {error:?}");
        assert_withheld(what, &shown);
        assert!(
            (shown.contains("HUAWEICLOUD_SDK_SECRET_ID")
                || shown.contains("Secrets Lambda Extension"))
                && shown.contains(says),
            "{what}: {shown}"
        );
    }
}
