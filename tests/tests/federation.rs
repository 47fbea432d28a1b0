//! Keyless federation end to end: the release `ges-stop-lambda` under the Lambda
//! emulator (`ges_stop_e2e::lambda`), with no secret and no AK/SK, trading the
//! function's own ID token (the simulator's AWS STS, `GES_OIDC_AWS_AUDIENCE`) or a given
//! one (`HUAWEICLOUD_OIDC_ID_TOKEN`) for temporary credentials at the simulator's Huawei
//! STS, and stopping graphs with them. Both STS endpoints are the simulator's base URL;
//! its journal counts the exchanges and says whether anything reached GES.
//!
//! Every test ends with a secrets sweep: nothing the function printed or answered holds
//! an ID token (those minted here, or anything shaped like a JWT, so the ones the
//! simulator's AWS STS issued too), a temporary secret key or security token the
//! simulator's Huawei STS issued ([`RunningSimulator::federated_credentials`]), or the
//! AWS role's secret key or session token.

use std::time::Duration;

use ges_api::types::{GraphId, GraphStatus};
use ges_simulator::{
    Audience, Authentication, Fault, GraphSpec, OperationKind, RunningSimulator, Scheme, Signer,
    Simulator, SimulatorBuilder,
};
use ges_stop_e2e::FunctionOutput;
use ges_stop_e2e::lambda::NoAnswer;
use ges_stop_e2e::{Invocation, LambdaEmulator, LambdaFunction};
use serde_json::json;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const G1: &str = "6a1b0d2c-3e4f-4a5b-8c6d-7e8f9a0b1c2d";
const PROVIDER: &str = "iam::0a1b2c3d:oidcProvider:aws-lambda";
const AGENCY: &str = "iam::0a1b2c3d:agency:ges-stop";
const AUDIENCE: &str = "ges-stop-e2e";
/// The Lambda role's credentials, as Lambda gives them to the function.
const AWS_AK: &str = "ASIAE2EFEDERATION001";
const AWS_SK: &str = "e2e-aws-secret-key-7c31f0d2a9";
const AWS_SESSION: &str = "e2e-aws-session-token-52be94a1";
const AWS_REGION: &str = "eu-west-1";
/// A wait long enough for log lines that trail their answer.
const LOG_WAIT: Duration = Duration::from_secs(5);
/// How long a hung STS holds its answer: far past any bound below.
const HANG: Duration = Duration::from_secs(300);
/// The per-request timeout the hanging-STS function runs with.
const REQUEST_TIMEOUT_SECS: u64 = 2;
/// The bound on an answer when an STS hangs: its attempts, their timeouts and pauses,
/// with room for a loaded machine; far below [`HANG`].
const HANG_ANSWER_LIMIT: Duration = Duration::from_secs(45);
/// GES's operations: none of them may be called when no credentials came.
const GES_OPERATIONS: [OperationKind; 5] = [
    OperationKind::StopGraph,
    OperationKind::StartGraph,
    OperationKind::ShowGraph,
    OperationKind::ListGraphs,
    OperationKind::ShowJob,
];

fn graph(id: &str) -> GraphId {
    id.parse().expect("a valid graph ID")
}

fn running() -> GraphSpec {
    GraphSpec::running(graph(G1), "federated-graph")
}

/// A simulator whose only credentials are federation's: AWS STS for the role above,
/// Huawei STS with the identity provider and agency.
fn federated_simulator() -> SimulatorBuilder {
    Simulator::builder()
        .graph(running())
        .aws_credentials(AWS_AK, AWS_SK, Some(AWS_SESSION.to_owned()))
        .aws_region(AWS_REGION)
        .oidc_provider(PROVIDER.parse().expect("a provider URN"), AUDIENCE)
        .oidc_agency(AGENCY.parse().expect("an agency URN"))
        .stop_duration(Duration::from_secs(600))
}

async fn start(builder: SimulatorBuilder) -> RunningSimulator {
    let simulator = builder.start().await.expect("the simulator starts");
    assert_eq!(simulator.project_id().as_str(), PROJECT);
    simulator
}

/// What federation needs whatever the ID token's source: GES and Huawei STS at the
/// simulator, the project, the provider and the agency. No secret, no AK/SK.
fn base_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    vec![
        ("GES_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT.to_owned()),
        ("HUAWEICLOUD_SDK_STS_ENDPOINT", simulator.base_url()),
        ("HUAWEICLOUD_OIDC_PROVIDER_URN", PROVIDER.to_owned()),
        ("HUAWEICLOUD_OIDC_AGENCY_URN", AGENCY.to_owned()),
    ]
}

/// The function's own ID token, from the simulator's AWS STS, signed for with the
/// role's credentials.
fn aws_env(simulator: &RunningSimulator) -> Vec<(&'static str, String)> {
    let mut env = base_env(simulator);
    env.extend([
        ("GES_OIDC_AWS_AUDIENCE", AUDIENCE.to_owned()),
        ("AWS_ACCESS_KEY_ID", AWS_AK.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", AWS_SK.to_owned()),
        ("AWS_SESSION_TOKEN", AWS_SESSION.to_owned()),
        ("AWS_REGION", AWS_REGION.to_owned()),
        ("AWS_ENDPOINT_URL_STS", simulator.base_url()),
    ]);
    env
}

/// A given ID token.
fn given_token_env(simulator: &RunningSimulator, id_token: &str) -> Vec<(&'static str, String)> {
    let mut env = base_env(simulator);
    env.push(("HUAWEICLOUD_OIDC_ID_TOKEN", id_token.to_owned()));
    env
}

/// How many calls of `operation` the simulator received.
fn calls(simulator: &RunningSimulator, operation: OperationKind) -> usize {
    simulator
        .requests()
        .iter()
        .filter(|request| request.operation == Some(operation))
        .count()
}

/// (GetWebIdentityToken calls, AssumeAgencyWithOidc calls).
fn exchanges(simulator: &RunningSimulator) -> (usize, usize) {
    (
        calls(simulator, OperationKind::GetWebIdentityToken),
        calls(simulator, OperationKind::AssumeAgencyWithOidc),
    )
}

/// Asserts that no request reached GES.
#[track_caller]
fn assert_nothing_sent_to_ges(simulator: &RunningSimulator, what: &str) {
    let ges: Vec<_> = simulator
        .requests()
        .into_iter()
        .filter(|request| {
            request
                .operation
                .is_some_and(|operation| GES_OPERATIONS.contains(&operation))
        })
        .collect();
    assert!(ges.is_empty(), "{what}: GES was called: {ges:#?}");
    assert_eq!(
        simulator.graph_status(&graph(G1)),
        Some(GraphStatus::Running),
        "{what}"
    );
}

/// Asserts that every GES call was signed with temporary credentials and accepted:
/// never a `401`.
#[track_caller]
fn assert_ges_accepted_temporary_credentials(simulator: &RunningSimulator) {
    for request in simulator.requests() {
        if request
            .operation
            .is_some_and(|operation| GES_OPERATIONS.contains(&operation))
        {
            assert_ne!(request.status, 401, "{request:?}");
            assert_eq!(
                request.authentication,
                Authentication::Accepted(Scheme::TemporaryAkSk),
                "{request:?}"
            );
        }
    }
}

/// Asserts that `invocation` stopped G1 and answered its job.
#[track_caller]
fn assert_stopped(invocation: &Invocation, simulator: &RunningSimulator) {
    let answer = invocation.answer();
    assert_eq!(answer["graph_id"], G1, "{answer}");
    assert_eq!(answer["outcome"], "stopping", "{answer}");
    let job_id = simulator
        .last_stop_job(&graph(G1))
        .unwrap_or_else(|| panic!("G1 was never stopped: {answer}"));
    assert_eq!(answer["job_id"], job_id.as_str(), "{answer}");
}

/// Everything a test saw of the function: what it printed and what it answered.
#[derive(Debug, Default)]
struct Seen(Vec<String>);

impl Seen {
    fn answer(&mut self, invocation: &Invocation) {
        self.0.push(invocation.body.to_string());
    }

    fn output(&mut self, output: &FunctionOutput) {
        self.0.extend(output.stdout_lines.iter().cloned());
        self.0.push(output.stderr.clone());
    }

    /// Asserts that nothing seen holds a secret: these ID tokens, the simulator's
    /// temporary secret keys and security tokens, the AWS role's secrets, or anything
    /// shaped like a JWT.
    #[track_caller]
    fn assert_no_secrets(&self, simulator: &RunningSimulator, id_tokens: &[&str]) {
        let issued = simulator.federated_credentials();
        let mut secrets: Vec<&str> = vec![AWS_SK, AWS_SESSION];
        secrets.extend(id_tokens);
        for (_, secret_key, security_token) in &issued {
            secrets.push(secret_key);
            secrets.push(security_token);
        }
        assert!(!self.0.is_empty(), "nothing was seen");
        for text in &self.0 {
            for secret in &secrets {
                assert!(
                    !text.contains(secret),
                    "a secret was repeated ({} characters): {text}",
                    secret.len()
                );
            }
            assert!(!holds_a_jwt(text), "an ID token was repeated: {text}");
        }
    }
}

/// Whether `text` holds something shaped like a JWT: `eyJ` (a JSON object's start in
/// base64url), then base64url, a dot, base64url, a dot.
fn holds_a_jwt(text: &str) -> bool {
    let base64url = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(at, _)| {
        let mut dots = 0;
        let mut run = 0;
        for c in text[at..].chars() {
            if base64url(c) {
                run += 1;
            } else if c == '.' && run > 0 {
                dots += 1;
                run = 0;
                if dots == 2 {
                    return true;
                }
            } else {
                return false;
            }
        }
        false
    })
}

#[test]
fn the_jwt_detector_sees_jwts_and_nothing_else() {
    assert!(holds_a_jwt("x eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln y"));
    assert!(holds_a_jwt("\"eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.\""));
    assert!(!holds_a_jwt("eyJhbGciOiJSUzI1NiJ9 and more"));
    assert!(!holds_a_jwt("eyJhbGciOiJSUzI1NiJ9..c2ln"));
    assert!(!holds_a_jwt("a.b.c"));
}

/// Kills the function and keeps what it printed.
async fn stop(mut function: LambdaFunction, seen: &mut Seen) -> FunctionOutput {
    let output = function.stop().await;
    seen.output(&output);
    output
}

#[tokio::test]
async fn federation_stops_a_graph_with_no_secret_and_reuses_its_credentials() {
    let simulator = start(federated_simulator()).await;
    let emulator = LambdaEmulator::start().await;
    let function = LambdaFunction::start(&emulator, aws_env(&simulator)).await;
    let mut seen = Seen::default();

    let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
    seen.answer(&invocation);
    assert_stopped(&invocation, &simulator);
    assert_eq!(exchanges(&simulator), (1, 1), "{:#?}", simulator.requests());
    assert_eq!(simulator.federated_credentials_issued(), 1);
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 1);
    assert_ges_accepted_temporary_credentials(&simulator);
    // The AWS call was signed with the role's credentials, the Huawei one carried the
    // ID token, and nobody fetched the issuer's keys but Huawei STS itself.
    for request in simulator.requests() {
        match request.operation {
            Some(OperationKind::GetWebIdentityToken) => {
                assert_eq!(
                    request.authentication,
                    Authentication::Accepted(Scheme::SigV4),
                    "{request:?}"
                );
            }
            Some(OperationKind::AssumeAgencyWithOidc) => {
                assert_eq!(
                    request.authentication,
                    Authentication::Accepted(Scheme::IdToken),
                    "{request:?}"
                );
            }
            _ => {}
        }
    }

    // While the credentials are valid, every invocation reuses them: still one
    // exchange on each side.
    for round in 0..3 {
        simulator.put_graph(running());
        let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
        seen.answer(&invocation);
        assert_stopped(&invocation, &simulator);
        assert_eq!(exchanges(&simulator), (1, 1), "round {round}");
    }
    assert_eq!(calls(&simulator, OperationKind::StopGraph), 4);
    assert_ges_accepted_temporary_credentials(&simulator);

    function
        .wait_for_logs(LOG_WAIT, 4, |line| line["fields"]["graph_id"] == G1)
        .await;
    stop(function, &mut seen).await;
    seen.assert_no_secrets(&simulator, &[]);
}

#[tokio::test]
async fn credentials_are_exchanged_again_before_they_expire() {
    // Credentials that live three seconds are due for refresh 0.3 s before they
    // expire; a pause past their whole life leaves no doubt they are due.
    let lifetime = Duration::from_secs(3);
    let simulator = start(federated_simulator().federated_credentials_lifetime(lifetime)).await;
    let emulator = LambdaEmulator::start().await;
    let function = LambdaFunction::start(&emulator, aws_env(&simulator)).await;
    let mut seen = Seen::default();

    let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
    seen.answer(&invocation);
    assert_stopped(&invocation, &simulator);
    assert_eq!(exchanges(&simulator), (1, 1));

    for round in 1..=2 {
        tokio::time::sleep(lifetime + Duration::from_millis(500)).await;
        simulator.put_graph(running());
        let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
        seen.answer(&invocation);
        assert_stopped(&invocation, &simulator);
        // A new exchange on each side, before GES was asked: GES never refused.
        assert_eq!(
            exchanges(&simulator),
            (1 + round, 1 + round),
            "round {round}: {:#?}",
            simulator.requests()
        );
        assert_ges_accepted_temporary_credentials(&simulator);
        assert_eq!(calls(&simulator, OperationKind::StopGraph), 1 + round);
    }
    assert_eq!(simulator.federated_credentials_issued(), 3);

    stop(function, &mut seen).await;
    seen.assert_no_secrets(&simulator, &[]);
}

/// Invokes a function with a given ID token that STS must refuse, and returns the
/// error, after checking that nothing reached GES.
async fn refused_token(
    emulator: &LambdaEmulator,
    simulator: &RunningSimulator,
    id_token: &str,
    what: &str,
    seen: &mut Seen,
) -> String {
    simulator.clear_requests();
    let function = LambdaFunction::start(emulator, given_token_env(simulator, id_token)).await;
    let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
    seen.answer(&invocation);
    let error = invocation.error();
    assert_eq!(error.error_type, "Unauthorized", "{what}: {error:?}");
    assert!(
        error.error_message.contains("Huawei Cloud STS")
            && error.error_message.contains("401")
            && error
                .error_message
                .contains("HUAWEICLOUD_OIDC_PROVIDER_URN"),
        "{what}: the message names the service, its refusal and what to check: {error:?}"
    );
    assert_eq!(exchanges(simulator), (0, 1), "{what}");
    assert_nothing_sent_to_ges(simulator, what);
    stop(function, seen).await;
    error.error_message
}

#[tokio::test]
async fn refused_id_tokens_are_clear_errors_and_send_nothing_to_ges() {
    let simulator = start(federated_simulator()).await;
    let emulator = LambdaEmulator::start().await;
    let mut seen = Seen::default();

    let valid = simulator.id_token_claims();
    let mut expired = valid.clone();
    expired.iat -= 3600;
    expired.nbf = Some(expired.iat);
    expired.exp = expired.iat + 300;
    let mut other_audience = valid.clone();
    other_audience.aud = Audience::One("somebody-else".to_owned());
    let tokens = [
        (
            "expired",
            simulator.mint_id_token(&expired, Signer::Rs256),
            "STS5.1206",
        ),
        (
            "wrongly signed",
            simulator.mint_id_token(&valid, Signer::ForeignKey),
            "STS5.1203",
        ),
        (
            "another audience",
            simulator.mint_id_token(&other_audience, Signer::Rs256),
            "STS5.1205",
        ),
        (
            // JWT-shaped (so the function starts), but no JSON in it.
            "garbage",
            "Z2FyYmFnZQ.bm90LWEtdG9rZW4.c2lnbmF0dXJl".to_owned(),
            "STS5.1201",
        ),
    ];
    for (what, id_token, code) in &tokens {
        let message = refused_token(&emulator, &simulator, id_token, what, &mut seen).await;
        assert!(message.contains(code), "{what}: {message}");
    }
    // The same claims, well signed, are accepted: the refusals were the tokens'.
    simulator.clear_requests();
    let good = simulator.mint_id_token(&valid, Signer::Rs256);
    let function = LambdaFunction::start(&emulator, given_token_env(&simulator, &good)).await;
    let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
    seen.answer(&invocation);
    assert_stopped(&invocation, &simulator);
    assert_eq!(exchanges(&simulator), (0, 1));
    assert_ges_accepted_temporary_credentials(&simulator);
    stop(function, &mut seen).await;

    let mut minted: Vec<&str> = tokens.iter().map(|(_, token, _)| token.as_str()).collect();
    minted.push(&good);
    seen.assert_no_secrets(&simulator, &minted);
}

#[tokio::test]
async fn an_id_token_that_is_not_a_jwt_fails_at_init() {
    let simulator = start(federated_simulator()).await;
    let emulator = LambdaEmulator::start().await;
    let not_a_jwt = "not-a-jwt-but-a-secret-5e1d";
    let function = LambdaFunction::start(&emulator, given_token_env(&simulator, not_a_jwt)).await;
    let event = json!({ "graph_id": G1 });
    match function.try_invoke(&event, Duration::from_secs(30)).await {
        Ok(answer) => {
            assert_eq!(
                answer.body["errorType"], "InvalidConfiguration",
                "{answer:?}"
            );
            let message = answer.body["errorMessage"].as_str().unwrap_or_default();
            assert!(
                message.contains("HUAWEICLOUD_OIDC_ID_TOKEN") && message.contains("JWT"),
                "{message}"
            );
            assert!(!message.contains(not_a_jwt), "{message}");
        }
        // The emulator hands the init error only to an invocation already waiting.
        Err(NoAnswer::FunctionExited(status)) => assert!(!status.success(), "{status}"),
        Err(other) => panic!(
            "the function should fail at init, got {other}\n{}",
            function.diagnostics()
        ),
    }
    let status = function
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("the function exits at init");
    assert!(!status.success(), "{status}");
    function
        .wait_for_log(LOG_WAIT, |line| {
            line["level"] == "ERROR" && line.to_string().contains("HUAWEICLOUD_OIDC_ID_TOKEN")
        })
        .await;
    let printed = function.stdout_lines().join("\n") + &function.stderr();
    assert!(!printed.contains(not_a_jwt), "{printed}");
    assert!(
        simulator.requests().is_empty(),
        "{:#?}",
        simulator.requests()
    );
}

#[tokio::test]
async fn aws_sts_refusing_names_what_to_enable_and_sends_nothing_to_ges() {
    let simulator = start(federated_simulator().aws_outbound_federation_disabled()).await;
    let emulator = LambdaEmulator::start().await;
    let function = LambdaFunction::start(&emulator, aws_env(&simulator)).await;
    let mut seen = Seen::default();

    let invocation = function.invoke(&json!({ "graph_id": G1 })).await;
    seen.answer(&invocation);
    let error = invocation.error();
    assert_eq!(error.error_type, "Forbidden", "{error:?}");
    assert!(
        error.error_message.contains("AWS STS")
            && error.error_message.contains("403")
            && error
                .error_message
                .contains("enable-outbound-web-identity-federation"),
        "{error:?}"
    );
    assert!(
        !error.error_message.contains("request id none"),
        "AWS's request id is in the message: {error:?}"
    );
    assert_eq!(exchanges(&simulator), (1, 0));
    assert_nothing_sent_to_ges(&simulator, "AWS STS refused");

    stop(function, &mut seen).await;
    seen.assert_no_secrets(&simulator, &[]);
}

#[tokio::test]
async fn huawei_sts_refusing_and_either_sts_hanging_are_clear_errors_in_time() {
    let simulator = start(federated_simulator()).await;
    let emulator = LambdaEmulator::start().await;
    let mut env = aws_env(&simulator);
    env.push(("GES_REQUEST_TIMEOUT_SECS", REQUEST_TIMEOUT_SECS.to_string()));
    let function = LambdaFunction::start(&emulator, env).await;
    let mut seen = Seen::default();
    let event = json!({ "graph_id": G1 });

    // Huawei STS refuses, as for an agency that does not trust the role.
    simulator.fail_next(
        OperationKind::AssumeAgencyWithOidc,
        Fault::json(
            403,
            r#"{"error_code":"STS5.1301","error_msg":"The agency does not trust this subject."}"#,
        ),
    );
    let invocation = function.invoke(&event).await;
    seen.answer(&invocation);
    let error = invocation.error();
    assert_eq!(error.error_type, "Forbidden", "{error:?}");
    assert!(
        error.error_message.contains("Huawei Cloud STS")
            && error.error_message.contains("STS5.1301")
            && error.error_message.contains("HUAWEICLOUD_OIDC_AGENCY_URN"),
        "{error:?}"
    );
    assert_eq!(exchanges(&simulator), (1, 1));
    assert_nothing_sent_to_ges(&simulator, "Huawei STS refused");

    // Either STS hangs: the answer comes within the attempts' timeouts, says which
    // service did not answer in time, and nothing reaches GES.
    for (operation, service) in [
        (OperationKind::GetWebIdentityToken, "AWS STS"),
        (OperationKind::AssumeAgencyWithOidc, "Huawei Cloud STS"),
    ] {
        simulator.clear_requests();
        for _ in 0..10 {
            simulator.fail_next(operation, Fault::Delay(HANG));
        }
        let started = std::time::Instant::now();
        let invocation = match function.try_invoke(&event, HANG_ANSWER_LIMIT).await {
            Ok(invocation) => invocation,
            Err(no_answer) => panic!(
                "{operation} hung: no answer within {HANG_ANSWER_LIMIT:?}: {no_answer}\n{}",
                function.diagnostics()
            ),
        };
        let waited = started.elapsed();
        seen.answer(&invocation);
        let error = invocation.error();
        assert!(
            matches!(
                error.error_type.as_str(),
                "DeadlineExceeded" | "UpstreamUnavailable"
            ),
            "{operation}: {error:?}"
        );
        let message = error.error_message.to_lowercase();
        assert!(
            error.error_message.contains(service)
                && (message.contains("timed out") || message.contains("deadline")),
            "{operation}: the message says {service} did not answer in time: {error:?}"
        );
        assert!(
            waited >= Duration::from_secs(REQUEST_TIMEOUT_SECS),
            "{operation}: answered after {waited:?}, before a request could time out"
        );
        // The hung calls are not in the journal: it records a request once answered.
        assert_nothing_sent_to_ges(&simulator, service);
        simulator.clear_faults();
    }

    // Once STS answers again, the same function stops the graph.
    simulator.clear_requests();
    let invocation = function.invoke(&event).await;
    seen.answer(&invocation);
    assert_stopped(&invocation, &simulator);
    assert_ges_accepted_temporary_credentials(&simulator);

    stop(function, &mut seen).await;
    seen.assert_no_secrets(&simulator, &[]);
}

/// Huawei STS answering outside the contract, with the credentials it issued (or the
/// ID token it was given) in the answer: a 200 whose secret key is renamed, one whose
/// security token is missing, a 201, and a refusal whose `error_msg` repeats the ID
/// token. Each is a clear error naming Huawei Cloud STS and what was wrong, nothing
/// reaches GES, and no output (answers, every log line, stderr) holds the issued secret
/// key or security token, or the ID token.
#[tokio::test]
async fn huawei_sts_answers_of_an_unexpected_shape_reach_no_output() {
    let simulator = start(federated_simulator()).await;
    let emulator = LambdaEmulator::start().await;
    let id_token = simulator.mint_id_token(&simulator.id_token_claims(), Signer::Rs256);
    let function = LambdaFunction::start(&emulator, given_token_env(&simulator, &id_token)).await;
    let mut seen = Seen::default();
    let event = json!({ "graph_id": G1 });
    let reshaped = |status: u16, renamed: &[(&str, &str)], removed: &[&str]| Fault::Reshaped {
        status,
        renamed: renamed
            .iter()
            .map(|(pointer, name)| ((*pointer).to_owned(), (*name).to_owned()))
            .collect(),
        removed: removed
            .iter()
            .map(|pointer| (*pointer).to_owned())
            .collect(),
    };
    let cases = [
        (
            "a renamed secret key",
            reshaped(
                200,
                &[("/credentials/secret_access_key", "SecretAccessKey")],
                &[],
            ),
            "UnexpectedAnswer",
            "missing field `secret_access_key`",
        ),
        (
            "a missing security token",
            reshaped(200, &[], &["/credentials/security_token"]),
            "UnexpectedAnswer",
            "missing field `security_token`",
        ),
        (
            "a 201",
            reshaped(201, &[], &[]),
            "UnexpectedAnswer",
            "HTTP 201",
        ),
        (
            "an error_msg repeating the ID token",
            Fault::EchoingRefusal(401),
            "Unauthorized",
            "401 STS5.",
        ),
    ];
    for (what, fault, error_type, says) in &cases {
        simulator.clear_requests();
        simulator.fail_next(OperationKind::AssumeAgencyWithOidc, fault.clone());
        let invocation = function.invoke(&event).await;
        seen.answer(&invocation);
        let error = invocation.error();
        assert_eq!(error.error_type, *error_type, "{what}: {error:?}");
        assert!(
            error.error_message.contains("Huawei Cloud STS")
                && error.error_message.contains(says)
                && !error.error_message.contains("GES answered"),
            "{what}: the message names the service and what was wrong: {error:?}"
        );
        assert!(
            error.error_message.len() < 1024,
            "{what}: {} bytes",
            error.error_message.len()
        );
        assert_eq!(exchanges(&simulator), (0, 1), "{what}");
        assert_nothing_sent_to_ges(&simulator, what);
    }
    // Credentials were issued for the three answers that carried them out.
    assert_eq!(simulator.federated_credentials_issued(), 3);
    function
        .wait_for_logs(LOG_WAIT, cases.len(), |line| {
            line.to_string().contains("Huawei Cloud STS")
        })
        .await;
    stop(function, &mut seen).await;
    seen.assert_no_secrets(&simulator, &[&id_token]);
}
