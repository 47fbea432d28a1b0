//! Keyless federation over loopback: AWS STS's `GetWebIdentityToken` (SigV4-signed with
//! smithy-rs's aws-sigv4, the AWS SDK for Rust's signer: a reference beside botocore for
//! the simulator's check) gives a JWT that verifies against the served JWKS; Huawei STS trades it for temporary credentials that stop a graph until they
//! expire; and each refusal gives its documented error.

mod common;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{PATIENCE, client, graph_id};
use ges_api::signing::{self, RequestView, SdkDate};
use ges_api::types::GraphStatus;
use ges_simulator::{
    Audience, Authentication, Fault, OperationKind, RunningSimulator, Scheme, Signer, Simulator,
    SimulatorBuilder, error_codes,
};
use serde_json::{Value, json};

const AWS_AK: &str = "ASIASIMULATOR0000001";
const AWS_SK: &str = "aws+secret/key000000000000000000000000000";
const SESSION: &str = "IQoJb3JpZ2luX2VjEXAMPLEsessiontoken";
const AUDIENCE: &str = "ges-stop.example";
const PROVIDER: &str = "iam::0a1b2c3d:identityProvider:aws-lambda";
const AGENCY: &str = "iam::0a1b2c3d:agency:ges-stop";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A simulator with federation only: no static credentials of any kind.
fn builder() -> SimulatorBuilder {
    Simulator::builder()
        .project_id(PROJECT.parse().unwrap())
        .graph(ges_simulator::GraphSpec::running(graph_id("g-1"), "one"))
        .stop_duration(Duration::ZERO)
        .aws_credentials(AWS_AK, AWS_SK, Some(SESSION.to_owned()))
        .oidc_provider(PROVIDER.parse().unwrap(), AUDIENCE)
        .oidc_agency(AGENCY.parse().unwrap())
}

async fn start(builder: SimulatorBuilder) -> RunningSimulator {
    builder.start().await.expect("the simulator starts")
}

fn ask(audience: &str, algorithm: &str, duration: Option<u64>) -> String {
    let mut body = format!(
        "Action=GetWebIdentityToken&Version=2011-06-15&Audience.member.1={audience}&SigningAlgorithm={algorithm}"
    );
    if let Some(duration) = duration {
        body.push_str(&format!("&DurationSeconds={duration}"));
    }
    body
}

/// An AWS STS answer: status and XML text.
struct Xml {
    status: u16,
    content_type: String,
    text: String,
}

impl Xml {
    fn element(&self, name: &str) -> Option<&str> {
        let open = format!("<{name}>");
        let start = self.text.find(&open)? + open.len();
        let end = self.text[start..].find(&format!("</{name}>"))?;
        Some(&self.text[start..start + end])
    }
}

/// `POST /` with this body, signed with smithy-rs's aws-sigv4 (the client signs with ges-api's).
async fn get_token(
    sim: &RunningSimulator,
    body: &str,
    secret_key: &str,
    token: Option<&str>,
) -> Xml {
    let host = sim.addr().to_string();
    let content_type = "application/x-www-form-urlencoded; charset=utf-8";
    let headers = [("host", host.as_str()), ("content-type", content_type)];
    let identity: Identity =
        Credentials::new(AWS_AK, secret_key, token.map(str::to_owned), None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("sts")
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let url = format!("{}/", sim.base_url());
    let signable = SignableRequest::new(
        "POST",
        url.as_str(),
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(signable, &params).unwrap().into_parts();
    let mut request = client()
        .post(&url)
        .header("content-type", content_type)
        .body(body.to_owned());
    for (name, value) in instructions.headers() {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("AWS STS answers");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let text = response.text().await.unwrap();
    Xml {
        status,
        content_type,
        text,
    }
}

async fn fresh_token(sim: &RunningSimulator, algorithm: &str) -> String {
    let answer = get_token(sim, &ask(AUDIENCE, algorithm, None), AWS_SK, Some(SESSION)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.element("WebIdentityToken").unwrap().to_owned()
}

async fn assume(sim: &RunningSimulator, body: Value) -> common::Answer {
    let response = client()
        .post(format!("{}/v5/agencies/assume-with-oidc", sim.base_url()))
        .header("content-type", "application/json;charset=UTF-8")
        .body(body.to_string())
        .send()
        .await
        .expect("Huawei STS answers");
    common::read(response).await
}

fn exchange(id_token: &str) -> Value {
    json!({
        "provider_urn": PROVIDER,
        "agency_urn": AGENCY,
        "agency_session_name": "oidc-sts-session",
        "id_token": id_token,
        "duration_seconds": 900,
    })
}

/// Decodes a JWT segment as JSON.
fn segment(token: &str, index: usize) -> Value {
    let part = token.split('.').nth(index).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn a_signed_call_gets_a_jwt_that_verifies_against_the_served_jwks() {
    let sim = start(builder()).await;
    let discovery = common::read(
        client()
            .get(format!(
                "{}/.well-known/openid-configuration",
                sim.base_url()
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(discovery.body["issuer"], sim.issuer());
    let jwks_uri = discovery.body["jwks_uri"].as_str().unwrap().to_owned();
    assert_eq!(jwks_uri, format!("{}/.well-known/jwks.json", sim.issuer()));
    let jwks = common::read(client().get(&jwks_uri).send().await.unwrap())
        .await
        .body;

    for algorithm in ["RS256", "ES384"] {
        let answer = get_token(
            &sim,
            &ask(AUDIENCE, algorithm, Some(900)),
            AWS_SK,
            Some(SESSION),
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        assert_eq!(answer.content_type, "text/xml");
        assert!(answer.text.starts_with(
            "<GetWebIdentityTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetWebIdentityTokenResult><WebIdentityToken>"
        ), "{}", answer.text);
        assert_eq!(answer.element("RequestId").unwrap().len(), 36);
        let token = answer.element("WebIdentityToken").unwrap();

        let header = segment(token, 0);
        assert_eq!(header["alg"], algorithm);
        assert_eq!(header["typ"], "JWT");
        let claims = segment(token, 1);
        assert_eq!(claims["iss"], sim.issuer());
        assert_eq!(claims["sub"], ges_simulator::DEFAULT_AWS_ROLE_ARN);
        assert_eq!(claims["aud"], AUDIENCE);
        let iat = claims["iat"].as_i64().unwrap();
        assert_eq!(claims["exp"].as_i64().unwrap() - iat, 900);
        assert_eq!(claims["nbf"].as_i64().unwrap(), iat);
        assert!(claims["jti"].is_string());
        assert_eq!(
            claims["https://sts.amazonaws.com/"]["aws_account"],
            "123456789012"
        );
        let expiration = time::OffsetDateTime::parse(
            answer.element("Expiration").unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap();
        assert_eq!(expiration.unix_timestamp(), claims["exp"].as_i64().unwrap());

        // The signature, checked with ring against the key the JWKS publishes.
        let key = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|key| key["kid"] == header["kid"])
            .expect("the token's kid is in the JWKS");
        assert_eq!(key["alg"], algorithm);
        assert_eq!(key["use"], "sig");
        let b64 = |name: &str| URL_SAFE_NO_PAD.decode(key[name].as_str().unwrap()).unwrap();
        let (message, signature) = token.rsplit_once('.').unwrap();
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        let verified = if algorithm == "RS256" {
            ring::signature::RsaPublicKeyComponents {
                n: b64("n"),
                e: b64("e"),
            }
            .verify(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                message.as_bytes(),
                &signature,
            )
        } else {
            let mut point = vec![4];
            point.extend(b64("x"));
            point.extend(b64("y"));
            ring::signature::UnparsedPublicKey::new(
                &ring::signature::ECDSA_P384_SHA384_FIXED,
                point,
            )
            .verify(message.as_bytes(), &signature)
        };
        verified.expect("the signature verifies with the published key");
    }
    let kinds: Vec<_> = sim.requests().iter().filter_map(|r| r.operation).collect();
    assert_eq!(
        kinds,
        [
            OperationKind::OpenIdConfiguration,
            OperationKind::Jwks,
            OperationKind::GetWebIdentityToken,
            OperationKind::GetWebIdentityToken
        ]
    );
    assert_eq!(
        sim.requests()[2].authentication,
        Authentication::Accepted(Scheme::SigV4)
    );
}

/// A GES stop signed with temporary credentials.
async fn stop_with(
    sim: &RunningSimulator,
    access_key: &str,
    secret_key: &str,
    security_token: &str,
) -> common::Answer {
    let credentials = common::Temporary {
        access_key,
        secret_key,
        security_token,
    };
    let path = format!("/v2/{PROJECT}/graphs/g-1/stop");
    common::send_temporary(sim, reqwest::Method::POST, &path, b"{}", credentials).await
}

#[tokio::test]
async fn the_token_buys_temporary_credentials_that_stop_a_graph_until_they_expire() {
    let sim = start(builder().federated_credentials_lifetime(Duration::from_secs(60))).await;
    let token = fresh_token(&sim, "RS256").await;
    let answer = assume(&sim, exchange(&token)).await;
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let credentials = &answer.body["credentials"];
    let ak = credentials["access_key_id"].as_str().unwrap();
    let sk = credentials["secret_access_key"].as_str().unwrap();
    let security_token = credentials["security_token"].as_str().unwrap();
    assert_eq!(ak.len(), 20);
    // Huawei's format, which the SDK parses with `%Y-%m-%dT%H:%M:%S.%fZ`.
    let expiration = credentials["expiration"].as_str().unwrap();
    let parsed = time::PrimitiveDateTime::parse(
        expiration,
        time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z"
        ),
    )
    .unwrap()
    .assume_utc();
    let lifetime = parsed - time::OffsetDateTime::now_utc();
    assert!(lifetime <= time::Duration::seconds(60) && lifetime > time::Duration::seconds(50));
    assert_eq!(
        answer.body["subject_from_id_token"],
        ges_simulator::DEFAULT_AWS_ROLE_ARN
    );
    assert_eq!(answer.body["audience"], AUDIENCE);
    assert_eq!(answer.body["provider"], PROVIDER);
    assert_eq!(
        answer.body["assumed_agency"]["urn"],
        "sts::0a1b2c3d:assumed-agency:ges-stop/oidc-sts-session"
    );
    assert_eq!(sim.federated_credentials_issued(), 1);

    // A security token that is not the access key's is refused.
    let other = stop_with(&sim, ak, sk, "not-the-token").await;
    assert_eq!(other.status, 401);
    assert_eq!(other.error_code(), error_codes::AUTHENTICATION_FAILED);
    assert!(
        other.error_msg().contains("does not belong"),
        "{}",
        other.error_msg()
    );
    assert!(!other.error_msg().contains(security_token));

    let stopped = stop_with(&sim, ak, sk, security_token).await;
    assert_eq!(stopped.status, 200, "{:?}", stopped.body);
    let last = sim.requests().pop().unwrap();
    assert_eq!(
        last.authentication,
        Authentication::Accepted(Scheme::TemporaryAkSk)
    );
    assert_eq!(
        sim.graph_status(&graph_id("g-1")),
        Some(GraphStatus::Stopped)
    );

    sim.advance_clock(Duration::from_secs(61));
    let expired = stop_with(&sim, ak, sk, security_token).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.error_code(), error_codes::AUTHENTICATION_FAILED);
    assert!(
        expired.error_msg().contains("expired"),
        "{}",
        expired.error_msg()
    );
    assert_eq!(
        sim.requests().pop().unwrap().authentication,
        Authentication::Refused(Scheme::TemporaryAkSk)
    );
}

#[tokio::test]
async fn revoked_credentials_are_refused() {
    let sim = start(builder()).await;
    let token = fresh_token(&sim, "ES384").await;
    let answer = assume(&sim, exchange(&token)).await;
    let credentials = &answer.body["credentials"];
    let (ak, sk, st) = (
        credentials["access_key_id"].as_str().unwrap(),
        credentials["secret_access_key"].as_str().unwrap(),
        credentials["security_token"].as_str().unwrap(),
    );
    sim.revoke_federated_credentials();
    assert_eq!(stop_with(&sim, ak, sk, st).await.status, 401);
}

#[tokio::test]
async fn aws_refuses_bad_signatures_and_what_the_account_forbids() {
    let sim = start(builder()).await;
    let code = |xml: &Xml| xml.element("Code").unwrap_or_default().to_owned();
    let body = ask(AUDIENCE, "RS256", None);

    let wrong_key = get_token(&sim, &body, "not-the-secret", Some(SESSION)).await;
    assert_eq!(wrong_key.status, 403);
    assert_eq!(code(&wrong_key), error_codes::SIGNATURE_DOES_NOT_MATCH);
    assert!(
        wrong_key.text.contains("<Type>Sender</Type>"),
        "{}",
        wrong_key.text
    );
    assert!(!wrong_key.text.contains("not-the-secret"));
    assert_eq!(
        sim.requests().pop().unwrap().authentication,
        Authentication::Refused(Scheme::SigV4)
    );

    let no_session = get_token(&sim, &body, AWS_SK, None).await;
    assert_eq!(
        (no_session.status, code(&no_session)),
        (403, error_codes::INVALID_CLIENT_TOKEN_ID.to_owned())
    );

    let unsigned = client()
        .post(format!("{}/", sim.base_url()))
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status().as_u16(), 403);
    assert!(
        unsigned
            .text()
            .await
            .unwrap()
            .contains(error_codes::MISSING_AUTHENTICATION_TOKEN)
    );

    let too_long = get_token(
        &sim,
        &ask(AUDIENCE, "RS256", Some(3601)),
        AWS_SK,
        Some(SESSION),
    )
    .await;
    assert_eq!(
        (too_long.status, code(&too_long)),
        (400, error_codes::VALIDATION_ERROR.to_owned())
    );
    let hs = get_token(&sim, &ask(AUDIENCE, "HS256", None), AWS_SK, Some(SESSION)).await;
    assert_eq!(code(&hs), error_codes::VALIDATION_ERROR);

    for (builder, expected) in [
        (
            builder().aws_outbound_federation_disabled(),
            error_codes::OUTBOUND_FEDERATION_DISABLED,
        ),
        (
            builder().aws_deny_web_identity_token(),
            error_codes::ACCESS_DENIED,
        ),
        (
            builder().aws_token_audiences(["another-audience"]),
            error_codes::ACCESS_DENIED,
        ),
        (
            builder().aws_session_remaining(Duration::from_secs(120)),
            error_codes::SESSION_DURATION_ESCALATION,
        ),
    ] {
        let sim = start(builder).await;
        let refused = get_token(&sim, &body, AWS_SK, Some(SESSION)).await;
        assert_eq!(
            (refused.status, code(&refused)),
            (403, expected.to_owned()),
            "{}",
            refused.text
        );
    }

    let sim = start(builder().aws_token_audiences([AUDIENCE])).await;
    assert_eq!(
        get_token(&sim, &body, AWS_SK, Some(SESSION)).await.status,
        200
    );
    let many: String = (1..=10)
        .map(|i| format!("&Audience.member.{i}={}", "a".repeat(1000)))
        .collect();
    let big = format!("Action=GetWebIdentityToken&Version=2011-06-15&SigningAlgorithm=RS256{many}");
    let sim = start(builder()).await;
    let refused = get_token(&sim, &big, AWS_SK, Some(SESSION)).await;
    assert_eq!(
        (refused.status, code(&refused)),
        (400, error_codes::JWT_PAYLOAD_SIZE_EXCEEDED.to_owned())
    );
}

#[tokio::test]
async fn huawei_refuses_tokens_it_cannot_trust() {
    let sim = start(builder().oidc_trusted_subject(ges_simulator::DEFAULT_AWS_ROLE_ARN)).await;
    let valid = sim.id_token_claims();
    let minted = |change: &dyn Fn(&mut ges_simulator::IdTokenClaims), signer| {
        let mut claims = valid.clone();
        change(&mut claims);
        sim.mint_id_token(&claims, signer)
    };
    let now = valid.iat;
    let cases = [
        (
            minted(&|_| {}, Signer::ForeignKey),
            401,
            error_codes::STS_ID_TOKEN_SIGNATURE,
        ),
        (
            minted(&|_| {}, Signer::UnknownKeyId),
            401,
            error_codes::STS_ID_TOKEN_SIGNATURE,
        ),
        (
            minted(&|_| {}, Signer::AlgNone),
            401,
            error_codes::STS_ID_TOKEN_ALGORITHM,
        ),
        (
            minted(&|_| {}, Signer::Hs256),
            401,
            error_codes::STS_ID_TOKEN_ALGORITHM,
        ),
        (
            "garbage".to_owned(),
            401,
            error_codes::STS_ID_TOKEN_MALFORMED,
        ),
        (
            minted(
                &|c| c.aud = Audience::One("someone-else".to_owned()),
                Signer::Rs256,
            ),
            401,
            error_codes::STS_ID_TOKEN_AUDIENCE,
        ),
        (
            minted(
                &|c| c.iss = "https://evil.example".to_owned(),
                Signer::Es384,
            ),
            401,
            error_codes::STS_ID_TOKEN_ISSUER,
        ),
        (
            minted(&|c| c.exp = now - 120, Signer::Rs256),
            401,
            error_codes::STS_ID_TOKEN_EXPIRED,
        ),
        (
            minted(&|c| c.nbf = Some(now + 600), Signer::Rs256),
            401,
            error_codes::STS_ID_TOKEN_NOT_YET_VALID,
        ),
        (
            minted(
                &|c| c.sub = "arn:aws:iam::123456789012:role/other".to_owned(),
                Signer::Rs256,
            ),
            403,
            error_codes::STS_SUBJECT_NOT_TRUSTED,
        ),
    ];
    for (token, status, code) in cases {
        let answer = assume(&sim, exchange(&token)).await;
        assert_eq!(
            (answer.status, answer.error_code()),
            (status, code),
            "{:?}",
            answer.body
        );
        assert!(!answer.error_msg().contains(&token) || token == "garbage");
    }
    assert_eq!(sim.federated_credentials_issued(), 0);

    let good = minted(&|_| {}, Signer::Rs256);
    let mut body = exchange(&good);
    body["provider_urn"] = json!("iam::0a1b2c3d:identityProvider:other");
    assert_eq!(
        assume(&sim, body).await.error_code(),
        error_codes::STS_PROVIDER_NOT_FOUND
    );
    let mut body = exchange(&good);
    body["agency_urn"] = json!("iam::0a1b2c3d:agency:other");
    let unknown = assume(&sim, body).await;
    assert_eq!(
        (unknown.status, unknown.error_code()),
        (404, error_codes::STS_AGENCY_NOT_FOUND)
    );
    let mut body = exchange(&good);
    body["duration_seconds"] = json!(899);
    assert_eq!(
        assume(&sim, body).await.error_code(),
        error_codes::STS_INVALID_REQUEST
    );
    let not_json = client()
        .post(format!("{}/v5/agencies/assume-with-oidc", sim.base_url()))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(
        common::read(not_json).await.error_code(),
        error_codes::STS_INVALID_REQUEST
    );

    // Time on the simulator's clock: a valid token expires when the clock moves on.
    assert_eq!(assume(&sim, exchange(&good)).await.status, 200);
    sim.advance_clock(Duration::from_secs(400));
    assert_eq!(
        assume(&sim, exchange(&good)).await.error_code(),
        error_codes::STS_ID_TOKEN_EXPIRED
    );
}

#[tokio::test]
async fn faults_break_both_services_and_the_journal_counts_them() {
    let sim = start(builder()).await;
    sim.fail_next(
        OperationKind::GetWebIdentityToken,
        Fault::InternalServerError,
    );
    let failed = get_token(&sim, &ask(AUDIENCE, "RS256", None), AWS_SK, Some(SESSION)).await;
    assert_eq!(failed.status, 500);
    assert!(
        failed
            .text
            .contains("<Type>Receiver</Type><Code>InternalFailure</Code>"),
        "{}",
        failed.text
    );
    let token = fresh_token(&sim, "RS256").await;

    sim.fail_next(
        OperationKind::AssumeAgencyWithOidc,
        Fault::ServiceUnavailable,
    );
    let unavailable = assume(&sim, exchange(&token)).await;
    assert_eq!(
        (unavailable.status, unavailable.error_code()),
        (503, error_codes::STS_SERVICE_UNAVAILABLE)
    );

    // A hang past the client's deadline: the client gives up, the call is still
    // carried out and journaled.
    let hang = Duration::from_secs(2);
    sim.fail_next(OperationKind::AssumeAgencyWithOidc, Fault::Delay(hang));
    let gave_up = common::client_with_timeout(Duration::from_millis(300))
        .post(format!("{}/v5/agencies/assume-with-oidc", sim.base_url()))
        .body(exchange(&token).to_string())
        .send()
        .await;
    assert!(gave_up.is_err_and(|err| err.is_timeout()));
    sim.fail_next(OperationKind::GetWebIdentityToken, Fault::Delay(hang));
    let gave_up = tokio::time::timeout(
        Duration::from_millis(300),
        get_token(&sim, &ask(AUDIENCE, "RS256", None), AWS_SK, Some(SESSION)),
    )
    .await;
    assert!(gave_up.is_err());

    let count = |kind| {
        sim.requests()
            .iter()
            .filter(|r| r.operation == Some(kind))
            .count()
    };
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while (
        count(OperationKind::AssumeAgencyWithOidc),
        count(OperationKind::GetWebIdentityToken),
    ) != (2, 3)
        && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(count(OperationKind::AssumeAgencyWithOidc), 2);
    assert_eq!(count(OperationKind::GetWebIdentityToken), 3);
    assert_eq!(sim.federated_credentials_issued(), 1);
}

#[tokio::test]
async fn temporary_credentials_sign_iam_calls_too() {
    let sim = start(builder()).await;
    let token = fresh_token(&sim, "ES384").await;
    let answer = assume(&sim, exchange(&token)).await;
    let credentials = &answer.body["credentials"];
    let (ak, sk, st) = (
        credentials["access_key_id"].as_str().unwrap(),
        credentials["secret_access_key"].as_str().unwrap(),
        credentials["security_token"].as_str().unwrap(),
    );
    let host = sim.addr().to_string();
    let date = SdkDate::now().to_string();
    let view = RequestView::new("GET", "/v3/projects")
        .with_query("name", "cn-north-4")
        .with_header("Host", &host)
        .with_header("X-Sdk-Date", &date)
        .with_header(signing::HEADER_SECURITY_TOKEN, st);
    let signed = signing::sign(&view, ak, sk.as_bytes()).unwrap();
    let response = client()
        .get(format!("{}/v3/projects?name=cn-north-4", sim.base_url()))
        .header("X-Sdk-Date", &date)
        .header(signing::HEADER_SECURITY_TOKEN, st)
        .header("Authorization", signed.authorization)
        .send()
        .await
        .unwrap();
    let listed = common::read(response).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    assert_eq!(listed.body["projects"][0]["id"], PROJECT);
}
