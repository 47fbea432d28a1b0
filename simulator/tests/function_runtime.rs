//! FunctionGraph's custom-runtime API over loopback, driven with reqwest as a
//! `bootstrap` would: invocations handed out in order with their headers, answered or
//! reported failed; agency credentials that rotate and sign GES calls; no credential
//! headers without an agency; timeouts, unknown request IDs and oversized bodies
//! refused without changing an outcome.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};
use std::time::Duration;

use common::{PATIENCE, Temporary, client_with_timeout};
use ges_simulator::{
    Authentication, FunctionInvocation, FunctionOutcome, OperationKind, RUNTIME_LONG_POLL,
    RUNTIME_MAX_RESP_BODY_SIZE, RunningSimulator, Scheme, error_codes,
};
use reqwest::header::HeaderMap;

const EVENT: &str = r#"{"version":"v1.0","time":"2018-06-01T08:30:00+08:00","trigger_type":"TIMER","trigger_name":"Timer_001","user_event":""}"#;

/// The four headers that only an invocation with an agency carries.
const CREDENTIAL_HEADERS: [&str; 4] = [
    "X-CFF-Access-Key",
    "X-CFF-Secret-Key",
    "X-CFF-Security-Token",
    "X-CFF-Auth-Token",
];

/// A client that outwaits the runtime's long poll, as a function's should.
fn runtime_client() -> reqwest::Client {
    client_with_timeout(RUNTIME_LONG_POLL + PATIENCE)
}

/// What a function's `GET` received.
struct Fetched {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Fetched {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(name)
            .map(|value| value.to_str().expect("an ASCII header"))
    }

    fn request_id(&self) -> String {
        self.header("X-Cff-Request-Id")
            .expect("an invocation carries its request ID")
            .to_owned()
    }

    fn credentials(&self) -> Temporary<'_> {
        let header = |name| self.header(name).expect("an agency's credentials");
        Temporary {
            access_key: header("X-CFF-Access-Key"),
            secret_key: header("X-CFF-Secret-Key"),
            security_token: header("X-CFF-Security-Token"),
        }
    }
}

/// `GET /v1/runtime/invocation/request`, as a function asks for its next invocation.
async fn next(sim: &RunningSimulator) -> Fetched {
    let response = runtime_client()
        .get(format!(
            "http://{}/v1/runtime/invocation/request",
            sim.runtime_api_addr()
        ))
        .send()
        .await
        .expect("the runtime answers");
    Fetched {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: response.bytes().await.expect("a body").to_vec(),
    }
}

/// `POST /v1/runtime/invocation/{path}/{request_id}`: `path` is `response` or `error`.
async fn post(
    sim: &RunningSimulator,
    path: &str,
    request_id: &str,
    body: impl Into<reqwest::Body>,
) -> common::Answer {
    let response = runtime_client()
        .post(format!(
            "http://{}/v1/runtime/invocation/{path}/{request_id}",
            sim.runtime_api_addr()
        ))
        .body(body)
        .send()
        .await
        .expect("the runtime answers");
    common::read(response).await
}

/// Polls an invocation once, so that it is queued before whatever comes next.
fn queue_now<F: Future>(invocation: Pin<&mut F>) {
    let pending = invocation
        .poll(&mut Context::from_waker(Waker::noop()))
        .is_pending();
    assert!(pending, "an invocation waits for the function");
}

fn count(sim: &RunningSimulator, operation: OperationKind) -> usize {
    sim.requests()
        .iter()
        .filter(|request| request.operation == Some(operation))
        .count()
}

#[tokio::test]
async fn an_invocation_is_handed_out_with_its_headers_and_answered_once() {
    let sim = common::start().await;
    assert_eq!(sim.runtime_api_addr(), sim.addr().to_string());
    let function = async {
        let fetched = next(&sim).await;
        assert_eq!(fetched.status, 200);
        assert_eq!(fetched.body, EVENT.as_bytes());
        assert_eq!(fetched.header("content-type"), Some("application/json"));
        assert_eq!(fetched.header("X-CFF-Invoke-Type"), Some("sync"));
        for name in CREDENTIAL_HEADERS {
            assert!(
                fetched.header(name).is_some_and(|value| !value.is_empty()),
                "{name}"
            );
        }
        let request_id = fetched.request_id();
        let answered = post(&sim, "response", &request_id, r#"{"stopped":1}"#).await;
        assert_eq!(answered.status, 200, "{:?}", answered.body);
        request_id
    };
    let (outcome, request_id) = tokio::join!(
        sim.invoke_function(FunctionInvocation::new(EVENT)),
        function
    );
    assert_eq!(
        outcome,
        FunctionOutcome::Answered {
            request_id: request_id.clone(),
            body: br#"{"stopped":1}"#.to_vec()
        }
    );

    // A second answer, at either path, is refused and changes nothing.
    for path in ["response", "error"] {
        let again = post(&sim, path, &request_id, "{}").await;
        assert_eq!(again.status, 409, "{:?}", again.body);
        assert_eq!(again.error_code(), error_codes::INVOCATION_FINISHED);
        assert!(
            again.error_msg().contains("answered already"),
            "{}",
            again.error_msg()
        );
    }
    assert_eq!(count(&sim, OperationKind::NextInvocation), 1);
    assert_eq!(count(&sim, OperationKind::InvocationResponse), 2);
    assert_eq!(count(&sim, OperationKind::InvocationError), 1);
    let fetch = sim
        .requests()
        .into_iter()
        .find(|request| request.operation == Some(OperationKind::NextInvocation))
        .unwrap();
    assert_eq!(
        (fetch.status, fetch.authentication),
        (200, Authentication::NotChecked)
    );
}

#[tokio::test]
async fn an_error_report_fails_the_invocation() {
    let sim = common::start().await;
    let report = br#"{"errorType":"InvalidEvent","errorMessage":"not an event"}"#;
    let function = async {
        let request_id = next(&sim).await.request_id();
        let reported = post(&sim, "error", &request_id, &report[..]).await;
        assert_eq!(reported.status, 200, "{:?}", reported.body);
        request_id
    };
    let (outcome, request_id) =
        tokio::join!(sim.invoke_function(FunctionInvocation::new("[]")), function);
    assert_eq!(
        outcome,
        FunctionOutcome::Failed {
            request_id,
            body: report.to_vec()
        }
    );
    assert_eq!(count(&sim, OperationKind::InvocationError), 1);
}

#[tokio::test]
async fn agency_credentials_rotate_and_sign_ges_calls() {
    let sim = common::start().await;
    let mut handed = Vec::new();
    for _ in 0..2 {
        let function = async {
            let fetched = next(&sim).await;
            post(&sim, "response", &fetched.request_id(), "{}").await;
            fetched
        };
        let (outcome, fetched) = tokio::join!(
            sim.invoke_function(FunctionInvocation::new(EVENT)),
            function
        );
        assert!(
            matches!(outcome, FunctionOutcome::Answered { .. }),
            "{outcome:?}"
        );
        handed.push(fetched);
    }
    let (first, second) = (&handed[0], &handed[1]);
    for name in CREDENTIAL_HEADERS {
        assert_ne!(first.header(name), second.header(name), "{name} rotates");
    }
    assert_eq!(
        sim.agency_access_keys(),
        [
            first.credentials().access_key,
            second.credentials().access_key
        ]
    );

    let list = format!("/v2/{}/graphs", sim.project_id());
    let current = second.credentials();
    let listed = common::send_temporary(&sim, reqwest::Method::GET, &list, b"", current).await;
    assert_eq!(listed.status, 200, "{:?}", listed.body);
    let record = sim.requests().pop().unwrap();
    assert_eq!(
        record.authentication,
        Authentication::Accepted(Scheme::TemporaryAkSk)
    );
    assert_eq!(record.access_key.as_deref(), Some(current.access_key));

    // Cloud Eye accepts them too (an empty batch is refused, after authentication).
    let metrics = format!("/V1.0/{}/batch-query-metric-data", sim.project_id());
    common::send_temporary(&sim, reqwest::Method::POST, &metrics, b"{}", current).await;
    assert_eq!(
        sim.requests().pop().unwrap().authentication,
        Authentication::Accepted(Scheme::TemporaryAkSk)
    );

    let token = client_with_timeout(PATIENCE)
        .get(format!("{}{list}", sim.base_url()))
        .header("X-Auth-Token", second.header("X-CFF-Auth-Token").unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 200);

    let made_up = Temporary {
        access_key: "HSTMADEUP00000000000",
        secret_key: "made-up-secret-key-0000000000000000000000",
        security_token: "bWFkZS11cA==",
    };
    let refused = common::send_temporary(&sim, reqwest::Method::GET, &list, b"", made_up).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.error_code(), error_codes::AUTHENTICATION_FAILED);
    let record = sim.requests().pop().unwrap();
    assert_eq!(record.authentication, Authentication::Refused(Scheme::AkSk));
    assert_eq!(record.access_key.as_deref(), Some(made_up.access_key));

    // The function's credentials expire as every temporary credential does.
    sim.revoke_federated_credentials();
    let revoked = common::send_temporary(&sim, reqwest::Method::GET, &list, b"", current).await;
    assert_eq!(revoked.status, 401);
}

#[tokio::test]
async fn without_an_agency_no_credentials_are_handed_out() {
    let sim = common::start().await;
    let function = async {
        let fetched = next(&sim).await;
        post(&sim, "response", &fetched.request_id(), "{}").await;
        fetched
    };
    let (outcome, fetched) = tokio::join!(
        sim.invoke_function(FunctionInvocation::new(EVENT).without_agency()),
        function
    );
    assert!(matches!(outcome, FunctionOutcome::Answered { .. }));
    assert_eq!(fetched.header("X-CFF-Invoke-Type"), Some("sync"));
    for name in CREDENTIAL_HEADERS {
        assert_eq!(fetched.header(name), None, "{name}");
    }
    assert!(sim.agency_access_keys().is_empty());
    assert_eq!(sim.federated_credentials_issued(), 0);
}

#[tokio::test]
async fn an_invocation_times_out_and_a_late_answer_is_refused() {
    let sim = common::start().await;
    // Fetched at once, never answered: the timeout ends it.
    let invocation = FunctionInvocation::new(EVENT).timeout(Duration::from_secs(2));
    let (outcome, fetched) = tokio::join!(sim.invoke_function(invocation), next(&sim));
    let request_id = fetched.request_id();
    assert_eq!(
        outcome,
        FunctionOutcome::TimedOut {
            request_id: request_id.clone()
        }
    );
    let late = post(&sim, "response", &request_id, "{}").await;
    assert_eq!(late.status, 409, "{:?}", late.body);
    assert_eq!(late.error_code(), error_codes::INVOCATION_FINISHED);
    assert!(
        late.error_msg().contains("timed out"),
        "{}",
        late.error_msg()
    );
}

#[tokio::test]
async fn an_unknown_request_id_is_refused_and_changes_nothing() {
    let sim = common::start().await;
    let function = async {
        let request_id = next(&sim).await.request_id();
        for path in ["response", "error"] {
            let unknown = post(&sim, path, "not-a-request-id", "{}").await;
            assert_eq!(unknown.status, 404, "{:?}", unknown.body);
            assert_eq!(unknown.error_code(), error_codes::UNKNOWN_INVOCATION);
            assert!(
                unknown.content_type.as_deref() == Some("application/json"),
                "{:?}",
                unknown.content_type
            );
        }
        post(&sim, "response", &request_id, "\"kept\"").await;
    };
    let (outcome, ()) = tokio::join!(
        sim.invoke_function(FunctionInvocation::new(EVENT)),
        function
    );
    let FunctionOutcome::Answered { body, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(body, b"\"kept\"");
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_the_invocation_still_waits() {
    let sim = common::start().await;
    let function = async {
        let request_id = next(&sim).await.request_id();
        let over = vec![b'x'; RUNTIME_MAX_RESP_BODY_SIZE + 1];
        let refused = post(&sim, "error", &request_id, over).await;
        assert_eq!(refused.status, 413, "{:?}", refused.body);
        assert_eq!(refused.error_code(), error_codes::RESPONSE_TOO_LARGE);
        let most = vec![b'y'; RUNTIME_MAX_RESP_BODY_SIZE];
        let accepted = post(&sim, "response", &request_id, most).await;
        assert_eq!(accepted.status, 200, "{:?}", accepted.body);
    };
    let (outcome, ()) = tokio::join!(
        sim.invoke_function(FunctionInvocation::new(EVENT)),
        function
    );
    let FunctionOutcome::Answered { body, .. } = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(body.len(), RUNTIME_MAX_RESP_BODY_SIZE);
    assert!(body.iter().all(|byte| *byte == b'y'));
}

#[tokio::test]
async fn queued_invocations_are_handed_out_in_order() {
    let sim = common::start().await;
    let mut first = std::pin::pin!(sim.invoke_function(FunctionInvocation::new("1")));
    let mut second = std::pin::pin!(sim.invoke_function(FunctionInvocation::new("2")));
    queue_now(first.as_mut());
    queue_now(second.as_mut());
    let function = async {
        let mut events = Vec::new();
        for _ in 0..2 {
            let fetched = next(&sim).await;
            events.push(fetched.body.clone());
            let answer = [b"done ".as_slice(), &fetched.body].concat();
            post(&sim, "response", &fetched.request_id(), answer).await;
        }
        events
    };
    let (first, second, events) = tokio::join!(first, second, function);
    assert_eq!(events, [b"1".to_vec(), b"2".to_vec()]);
    let body = |outcome: FunctionOutcome| match outcome {
        FunctionOutcome::Answered { body, .. } => body,
        other => panic!("{other:?}"),
    };
    assert_eq!(body(first), b"done 1");
    assert_eq!(body(second), b"done 2");
}

#[tokio::test]
async fn with_nothing_queued_the_long_poll_ends_in_503() {
    let sim = common::start().await;
    let fetched = next(&sim).await;
    assert_eq!(fetched.status, 503);
    assert_eq!(fetched.header("X-Cff-Request-Id"), None);
    let body: serde_json::Value = serde_json::from_slice(&fetched.body).unwrap();
    assert_eq!(body["error_code"], error_codes::NO_INVOCATION);
    assert_eq!(count(&sim, OperationKind::NextInvocation), 1);
}
