//! Federation's settings as the environment gives them: what is taken, and each refusal
//! naming the variables to fix, at start-up, before anything is asked of anyone.

use std::collections::HashMap;

use ges_client::config::{Config, ConfigError};
use ges_client::credentials::Credentials;
use ges_client::federation::IdTokenSource;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const PROVIDER: &str = "iam::0a1b2c3d:oidcProvider:aws-lambda";
const AGENCY: &str = "iam::0a1b2c3d:agency:ges-stop";
const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";

fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Config::from_lookup(|name| vars.get(name).cloned())
}

/// The function's own identity, as Lambda's environment and the template give it.
fn aws_mode() -> Vec<(&'static str, &'static str)> {
    vec![
        ("HUAWEICLOUD_SDK_REGION", "ap-southeast-1"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY),
        ("GES_OIDC_AWS_AUDIENCE", "ges-stop"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "ASIAEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-key-value"),
        ("AWS_SESSION_TOKEN", "aws-session-token-value"),
    ]
}

fn message(vars: &[(&str, &str)]) -> String {
    config(vars).unwrap_err().to_string()
}

#[test]
fn the_functions_own_identity_is_asked_of_the_regional_sts_and_never_shown() {
    let config = config(&aws_mode()).unwrap();
    let Credentials::Federated(federated) = &config.credentials else {
        panic!("{:?}", config.credentials);
    };
    assert_eq!(
        federated.endpoint().to_string(),
        "https://sts.ap-southeast-1.myhuaweicloud.com"
    );
    let IdTokenSource::Aws(identity) = federated.id_token() else {
        panic!("{:?}", federated.id_token());
    };
    assert_eq!(
        identity.endpoint.to_string(),
        "https://sts.eu-west-1.amazonaws.com"
    );
    assert_eq!(identity.region, "eu-west-1");
    assert_eq!(identity.audience.as_str(), "ges-stop");
    assert_eq!(identity.algorithm.as_str(), "RS256");
    assert_eq!(identity.lifetime.seconds(), 300);
    assert_eq!(federated.obtained(), 0, "nothing is asked at start-up");
    let shown = format!("{config:?}");
    for secret in ["aws-secret-key-value", "aws-session-token-value"] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains(AGENCY), "{shown}");
}

#[test]
fn the_sdks_variables_override_endpoints_and_defaults() {
    let mut vars = aws_mode();
    vars.extend([
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", "http://127.0.0.1:9"),
        ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:8"),
        ("AWS_ENDPOINT_URL", "http://127.0.0.1:7"),
        ("GES_OIDC_AWS_ALGORITHM", "ES384"),
        ("GES_OIDC_AWS_DURATION_SECONDS", "900"),
    ]);
    let config = config(&vars).unwrap();
    let Credentials::Federated(federated) = &config.credentials else {
        panic!()
    };
    assert_eq!(federated.endpoint().to_string(), "http://127.0.0.1:9");
    let IdTokenSource::Aws(identity) = federated.id_token() else {
        panic!()
    };
    assert_eq!(identity.endpoint.to_string(), "http://127.0.0.1:8");
    assert_eq!(identity.algorithm.as_str(), "ES384");
    assert_eq!(identity.lifetime.seconds(), 900);
}

#[test]
fn a_given_token_wins_over_the_file_as_in_the_sdk() {
    let base = [
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY),
    ];
    let mut vars = base.to_vec();
    vars.extend([
        ("HUAWEICLOUD_OIDC_ID_TOKEN", JWT),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", "/var/run/token"),
    ]);
    let config = config(&vars).unwrap();
    let Credentials::Federated(federated) = &config.credentials else {
        panic!()
    };
    assert!(matches!(federated.id_token(), IdTokenSource::Given(_)));
    assert!(!format!("{config:?}").contains(JWT));

    let mut vars = base.to_vec();
    vars.push(("HUAWEICLOUD_OIDC_TOKEN_FILE", "/var/run/token"));
    let config = self::config(&vars).unwrap();
    let Credentials::Federated(federated) = &config.credentials else {
        panic!()
    };
    assert!(matches!(federated.id_token(), IdTokenSource::File(_)));
}

#[test]
fn mixing_federation_with_other_credentials_is_refused_naming_both() {
    for other in [
        "HUAWEICLOUD_SDK_AK",
        "GES_AUTH_TOKEN",
        "GES_IAM_USER",
        "GES_IAM_AGENCY",
        "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    ] {
        let mut vars = aws_mode();
        vars.push((other, "x"));
        let message = message(&vars);
        assert!(message.contains(other), "{message}");
        assert!(message.contains("(federation)"), "{message}");
    }
}

#[test]
fn two_token_sources_are_refused_naming_both() {
    for (other, value) in [
        ("HUAWEICLOUD_OIDC_ID_TOKEN", JWT),
        ("HUAWEICLOUD_OIDC_TOKEN_FILE", "/var/run/token"),
    ] {
        let mut vars = aws_mode();
        vars.push((other, value));
        let message = message(&vars);
        assert!(message.contains("GES_OIDC_AWS_AUDIENCE"), "{message}");
        assert!(message.contains(other), "{message}");
        assert!(!message.contains(JWT), "{message}");
    }
}

#[test]
fn what_federation_needs_is_named_when_missing() {
    let without = |name: &str| -> Vec<(&'static str, &'static str)> {
        aws_mode()
            .into_iter()
            .filter(|(key, _)| *key != name)
            .collect()
    };
    for (name, says) in [
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "HUAWEICLOUD_SDK_PROJECT_ID is not set",
        ),
        (
            "HUAWEICLOUD_OIDC_PROVIDER_URN",
            "HUAWEICLOUD_OIDC_PROVIDER_URN is not set",
        ),
        (
            "HUAWEICLOUD_OIDC_AGENCY_URN",
            "HUAWEICLOUD_OIDC_AGENCY_URN is not set",
        ),
        ("AWS_REGION", "AWS_REGION is not set"),
        ("AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID is not set"),
        ("GES_OIDC_AWS_AUDIENCE", "federation needs an ID token"),
    ] {
        let message = message(&without(name));
        assert!(message.contains(says), "{name}: {message}");
    }
}

#[test]
fn a_region_without_an_sts_in_the_sdks_table_needs_the_endpoint() {
    let vars: Vec<_> = aws_mode()
        .into_iter()
        .map(|(key, value)| match key {
            "HUAWEICLOUD_SDK_REGION" => (key, "eu-west-101"),
            _ => (key, value),
        })
        .collect();
    let message = message(&vars);
    assert!(message.contains("eu-west-101"), "{message}");
    assert!(
        message.contains("HUAWEICLOUD_SDK_STS_ENDPOINT"),
        "{message}"
    );
}

#[test]
fn bad_values_are_refused_naming_the_variable() {
    for (name, value) in [
        ("HUAWEICLOUD_OIDC_DURATION_SECONDS", "600"),
        ("HUAWEICLOUD_OIDC_SESSION_NAME", "has space"),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", "ges-stop"),
        ("HUAWEICLOUD_OIDC_POLICY_IDS", "ok,not ok"),
        ("GES_OIDC_AWS_ALGORITHM", "HS256"),
        ("GES_OIDC_AWS_DURATION_SECONDS", "7200"),
    ] {
        let vars: Vec<_> = aws_mode()
            .into_iter()
            .filter(|(key, _)| *key != name)
            .chain([(name, value)])
            .collect();
        let message = message(&vars);
        assert!(message.contains(name), "{name}: {message}");
    }
    let message = message(&[
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", "not-a-jwt-but-a-secret"),
    ]);
    assert!(message.contains("HUAWEICLOUD_OIDC_ID_TOKEN"), "{message}");
    assert!(!message.contains("not-a-jwt-but-a-secret"), "{message}");
}

#[test]
fn aws_settings_without_the_audience_are_refused() {
    let message = message(&[
        ("HUAWEICLOUD_SDK_REGION", "cn-north-4"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY),
        ("HUAWEICLOUD_OIDC_ID_TOKEN", JWT),
        ("GES_OIDC_AWS_ALGORITHM", "ES384"),
    ]);
    assert!(message.contains("GES_OIDC_AWS_ALGORITHM"), "{message}");
}

#[tokio::test]
async fn a_secret_with_federation_is_refused_before_it_is_read() {
    // No extension listens: reading the secret would fail differently, after a connect.
    let mut vars: HashMap<String, String> = aws_mode()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    vars.insert(
        "HUAWEICLOUD_SDK_SECRET_ID".to_owned(),
        "ges-stop".to_owned(),
    );
    vars.insert(
        "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT".to_owned(),
        "9".to_owned(),
    );
    let error = Config::load(|name| vars.get(name).cloned())
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("HUAWEICLOUD_SDK_SECRET_ID"), "{message}");
    assert!(message.contains("(federation)"), "{message}");
}

#[test]
fn a_federation_variable_in_the_secret_is_refused() {
    let error = ges_client::credentials::SecretValues::parse(
        r#"{"HUAWEICLOUD_OIDC_AGENCY_URN": "iam::1:agency:x"}"#,
    )
    .unwrap_err();
    let message = error.to_string();
    assert!(message.contains("HUAWEICLOUD_OIDC_AGENCY_URN"), "{message}");
    assert!(message.contains("federation needs no secret"), "{message}");
}

/// Each endpoint's errors name its own service: a bad IAM or STS endpoint used to read
/// "the GES endpoint ...".
#[test]
fn endpoint_errors_name_the_service_whose_endpoint_it_is() {
    let sdk = [
        ("HUAWEICLOUD_SDK_REGION", "ap-southeast-1"),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
        ("HUAWEICLOUD_SDK_AK", "AK"),
        ("HUAWEICLOUD_SDK_SK", "SK"),
    ];
    for (variable, value, service, mode) in [
        (
            "HUAWEICLOUD_SDK_IAM_ENDPOINT",
            "http://iam.example.com",
            "the IAM endpoint",
            sdk.to_vec(),
        ),
        (
            "HUAWEICLOUD_SDK_STS_ENDPOINT",
            "ftp://sts.example.com",
            "the Huawei Cloud STS endpoint",
            aws_mode(),
        ),
        (
            "AWS_ENDPOINT_URL_STS",
            "https://sts.example.com?x=1",
            "the AWS STS endpoint",
            aws_mode(),
        ),
        (
            "GES_ENDPOINT",
            "not a url",
            "the GES endpoint",
            sdk.to_vec(),
        ),
    ] {
        let mut vars = mode;
        vars.push((variable, value));
        let shown = message(&vars);
        assert!(
            shown.contains(variable) && shown.contains(service),
            "{variable}: {shown}"
        );
        if service != "the GES endpoint" {
            assert!(!shown.contains("GES endpoint"), "{variable}: {shown}");
        }
    }
}

/// A credential that goes in a header as it is (a token, an access key, a security
/// token, AWS's key ID and session token) is refused at start-up when it holds a
/// character a header cannot carry, naming the variable and never the value; it used
/// to fail every call later, as a `ClientError` naming a header.
#[test]
fn a_credential_a_header_cannot_carry_is_refused_at_start_up() {
    const SECRET: &str = "tok3n-secret-part";
    let ak_sk = |extra: (&'static str, String)| {
        let mut vars: Vec<(&str, String)> = vec![
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-1".into()),
            ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.into()),
            ("HUAWEICLOUD_SDK_AK", "AKEXAMPLE".into()),
            ("HUAWEICLOUD_SDK_SK", "SK".into()),
        ];
        vars.retain(|(name, _)| *name != extra.0);
        vars.push(extra);
        vars
    };
    let token = |value: String| {
        vec![
            ("HUAWEICLOUD_SDK_REGION", "ap-southeast-1".to_owned()),
            ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
            ("GES_AUTH_TOKEN", value),
        ]
    };
    let aws = |variable: &'static str, value: String| {
        let mut vars: Vec<(&str, String)> = aws_mode()
            .into_iter()
            .filter(|(name, _)| *name != variable)
            .map(|(name, value)| (name, value.to_owned()))
            .collect();
        vars.push((variable, value));
        vars
    };
    for bad in [
        format!("{SECRET}\u{1}x"),
        format!("{SECRET}\r\nX-Injected: 1"),
        format!("{SECRET}\u{7f}"),
        format!("{SECRET}é"),
    ] {
        for (variable, vars) in [
            ("GES_AUTH_TOKEN", token(bad.clone())),
            (
                "HUAWEICLOUD_SDK_AK",
                ak_sk(("HUAWEICLOUD_SDK_AK", bad.clone())),
            ),
            (
                "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                ak_sk(("HUAWEICLOUD_SDK_SECURITY_TOKEN", bad.clone())),
            ),
            ("AWS_ACCESS_KEY_ID", aws("AWS_ACCESS_KEY_ID", bad.clone())),
            ("AWS_SESSION_TOKEN", aws("AWS_SESSION_TOKEN", bad.clone())),
        ] {
            let borrowed: Vec<(&str, &str)> = vars
                .iter()
                .map(|(name, value)| (*name, value.as_str()))
                .collect();
            let error = config(&borrowed).expect_err(variable);
            let shown = format!("{error} {error:?}");
            assert!(
                shown.contains(variable) && shown.contains("HTTP header"),
                "{variable}: {shown}"
            );
            assert!(!shown.contains(SECRET), "{variable}: {shown}");
        }
    }
    // A plain token is taken.
    let good = token("MIIplain-token_value.1".to_owned());
    let borrowed: Vec<(&str, &str)> = good.iter().map(|(n, v)| (*n, v.as_str())).collect();
    config(&borrowed).unwrap();
}
