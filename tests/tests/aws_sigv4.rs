//! Our AWS STS `GetWebIdentityToken` request against botocore's (the AWS SDK for
//! Python's core, from PyPI): the same body, byte for byte, and the same SigV4 signature
//! for the same credentials, region, endpoint and instant.
//! (`tests/python/botocore_sts.py sign`, with the venv's Python.)

use std::process::Stdio;
use std::time::{Duration, SystemTime};

use ges_client::federation::{AwsKeys, WebIdentity};
use secrecy::SecretString;
use serde_json::{Value, json};
use time::PrimitiveDateTime;
use time::macros::format_description;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use ges_stop_e2e::{python, workspace_root};

/// Importing botocore takes a moment; a stuck script is killed after this.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(60);

struct Case {
    session_token: Option<&'static str>,
    region: &'static str,
    endpoint: &'static str,
    audience: &'static str,
    algorithm: &'static str,
    duration: u32,
    timestamp: &'static str,
}

const CASES: &[Case] = &[
    // What Lambda gives: a role session, the regional endpoint.
    Case {
        session_token: Some(
            "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+session/token==",
        ),
        region: "eu-west-1",
        endpoint: "https://sts.eu-west-1.amazonaws.com",
        audience: "https://sts.ap-southeast-1.myhuaweicloud.com",
        algorithm: "RS256",
        duration: 300,
        timestamp: "20261201T120000Z",
    },
    // Long-lived keys (no session token), ES384, an audience that needs encoding.
    Case {
        session_token: None,
        region: "us-east-1",
        endpoint: "https://sts.us-east-1.amazonaws.com",
        audience: "ges stop/prod+eu~1:*",
        algorithm: "ES384",
        duration: 3600,
        timestamp: "20280229T235959Z",
    },
    // An endpoint with a port and a path, as AWS_ENDPOINT_URL_STS may give.
    Case {
        session_token: Some("session-token"),
        region: "cn-north-1",
        endpoint: "http://127.0.0.1:4566/sts",
        audience: "ges-stop",
        algorithm: "RS256",
        duration: 60,
        timestamp: "20261231T000000Z",
    },
];

const ACCESS_KEY: &str = "ASIAEXAMPLEACCESSKEY";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

async fn botocore(request: &Value) -> Value {
    let mut child = Command::new(python())
        .arg(workspace_root().join("tests/python/botocore_sts.py"))
        .arg("sign")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("the venv's Python runs");
    let mut stdin = child.stdin.take().expect("a stdin");
    stdin
        .write_all(request.to_string().as_bytes())
        .await
        .expect("the request is written");
    drop(stdin);
    let output = tokio::time::timeout(SCRIPT_TIMEOUT, child.wait_with_output())
        .await
        .expect("botocore signs in time")
        .expect("the script ends");
    assert!(
        output.status.success(),
        "botocore_sts.py sign: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

/// What the script is asked to sign: the case, at `timestamp`.
fn request(case: &Case, timestamp: &str) -> Value {
    json!({
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "session_token": case.session_token,
        "region": case.region,
        "endpoint": case.endpoint,
        "audience": case.audience,
        "algorithm": case.algorithm,
        "duration": case.duration,
        "timestamp": timestamp,
    })
}

fn instant(timestamp: &str) -> SystemTime {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let at = PrimitiveDateTime::parse(timestamp, format)
        .expect("a SigV4 timestamp")
        .assume_utc();
    SystemTime::from(at)
}

#[tokio::test]
async fn our_signature_is_botocores() {
    for case in CASES {
        let identity = WebIdentity {
            endpoint: case.endpoint.parse().expect("an endpoint"),
            region: case.region.to_owned(),
            keys: AwsKeys {
                access_key_id: ACCESS_KEY.to_owned(),
                secret_access_key: SecretString::from(SECRET_KEY),
                session_token: case.session_token.map(SecretString::from),
            },
            audience: case.audience.parse().expect("an audience"),
            algorithm: case.algorithm.parse().expect("an algorithm"),
            lifetime: case.duration.to_string().parse().expect("a lifetime"),
        };
        let ours = identity
            .signed_request(instant(case.timestamp))
            .expect("the request signs");
        let theirs = botocore(&request(case, case.timestamp)).await;
        assert_eq!(
            std::str::from_utf8(&ours.body).unwrap(),
            theirs["body"],
            "{}",
            case.audience
        );
        let header = |name: &str| {
            ours.headers
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value.as_str())
        };
        for name in [
            "Content-Type",
            "X-Amz-Date",
            "X-Amz-Security-Token",
            "Authorization",
        ] {
            assert_eq!(
                header(name),
                theirs["headers"][name].as_str(),
                "{name} for the case {}",
                case.audience
            );
        }
    }
}

#[tokio::test]
async fn the_comparison_can_fail() {
    // Another instant signs differently: the test above is not comparing constants.
    let case = &CASES[0];
    let first = botocore(&request(case, case.timestamp)).await;
    let second = botocore(&request(case, "20261201T120001Z")).await;
    assert_ne!(
        first["headers"]["Authorization"],
        second["headers"]["Authorization"]
    );
}
