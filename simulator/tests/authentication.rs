//! Authentication over HTTP: tokens, and SDK-HMAC-SHA256 signatures made with
//! `ges_api::signing::sign` and then tampered with on the wire.

mod common;

use common::{
    AK, Key, PROJECT, SK, TOKEN, client, get, graph_id, raw, read, signed_headers, start,
};
use ges_api::signing::SdkDate;
use ges_api::types::GraphStatus;
use ges_simulator::{Authentication, OperationKind, Scheme, error_codes};
use time::{Duration, OffsetDateTime};

fn stop_path() -> String {
    format!("/v2/{PROJECT}/graphs/g-running/stop")
}

fn valid() -> Key<'static> {
    Key::valid()
}

fn with_sk(secret_key: &str) -> Key<'_> {
    Key {
        secret_key,
        ..Key::valid()
    }
}

fn with_ak(access_key: &str) -> Key<'_> {
    Key {
        access_key,
        ..Key::valid()
    }
}

fn dated(date: SdkDate) -> Key<'static> {
    Key {
        date,
        ..Key::valid()
    }
}

#[tokio::test]
async fn a_valid_token_is_accepted() {
    let sim = start().await;
    let answer = get(&sim, &format!("/v2/{PROJECT}/graphs")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(
        sim.requests()[0].authentication,
        Authentication::Accepted(Scheme::Token)
    );
}

#[tokio::test]
async fn a_wrong_or_missing_token_is_401_and_changes_nothing() {
    let sim = start().await;
    let url = format!("{}{}", sim.base_url(), stop_path());
    let wrong = read(
        client()
            .post(&url)
            .header("X-Auth-Token", "not-the-token")
            .send()
            .await
            .expect("answers"),
    )
    .await;
    let missing = read(client().post(&url).send().await.expect("answers")).await;
    for answer in [&wrong, &missing] {
        assert_eq!(answer.status, 401, "{answer:?}");
        assert_eq!(answer.error_code(), error_codes::AUTHENTICATION_FAILED);
        assert!(!answer.error_msg().contains(TOKEN), "{answer:?}");
        assert!(answer.request_id.is_some());
    }
    assert!(
        wrong.error_msg().contains("X-Auth-Token is not valid"),
        "{wrong:?}"
    );
    assert!(missing.error_msg().contains("neither"), "{missing:?}");
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Running)
    );
    let auth: Vec<_> = sim.requests().iter().map(|r| r.authentication).collect();
    assert_eq!(
        auth,
        [
            Authentication::Refused(Scheme::Token),
            Authentication::Missing
        ]
    );
}

#[tokio::test]
async fn a_signed_stop_is_accepted() {
    let sim = start().await;
    let headers = signed_headers(&sim, "POST", &stop_path(), "", b"", valid());
    let answer = raw(&sim, "POST", &stop_path(), &headers, b"").await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert!(answer.body["job_id"].is_string());
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Stopping)
    );
    let record = &sim.requests()[0];
    assert_eq!(record.operation, Some(OperationKind::StopGraph));
    assert_eq!(
        record.authentication,
        Authentication::Accepted(Scheme::AkSk)
    );
}

#[tokio::test]
async fn a_signed_request_works_through_a_client_library() {
    let sim = start().await;
    let path = format!("/v2/{PROJECT}/graphs");
    let query = "limit=2&offset=1";
    let headers = signed_headers(&sim, "GET", &path, query, b"", valid());
    let mut request = client().get(format!("{}{path}?{query}", sim.base_url()));
    for (name, value) in &headers {
        if name != "Host" {
            request = request.header(name, value);
        }
    }
    let answer = read(request.send().await.expect("answers")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.body["graphs"].as_array().map(Vec::len), Some(2));
}

/// Each case signs one request and sends another, or signs wrongly; all are 401 and
/// none stops the graph.
#[tokio::test]
async fn tampered_or_wrongly_signed_requests_are_401() {
    let sim = start().await;
    let stop = stop_path();
    let other_stop = format!("/v2/{PROJECT}/graphs/g-other/stop");
    let list = format!("/v2/{PROJECT}/graphs");
    let signed = |method, path: &str, query, body: &[u8], key| {
        signed_headers(&sim, method, path, query, body, key)
    };
    let without = |mut headers: Vec<(String, String)>, name: &str| {
        headers.retain(|(n, _)| n != name);
        headers
    };
    let long_ago = SdkDate::from_datetime(OffsetDateTime::now_utc() - Duration::minutes(20));
    let far_ahead = SdkDate::from_datetime(OffsetDateTime::now_utc() + Duration::minutes(20));

    struct Case {
        name: &'static str,
        method: &'static str,
        target: String,
        headers: Vec<(String, String)>,
        body: &'static [u8],
        says: &'static str,
    }
    let cases = [
        Case {
            name: "wrong SK",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &stop, "", b"", with_sk("WrongSecretKey")),
            body: b"",
            says: "signature mismatch",
        },
        Case {
            name: "unknown AK",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &stop, "", b"", with_ak("UNKNOWNAK")),
            body: b"",
            says: "unknown",
        },
        Case {
            name: "tampered path",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &other_stop, "", b"", valid()),
            body: b"",
            says: "signature mismatch",
        },
        Case {
            name: "tampered body",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &stop, "", b"{}", valid()),
            body: b"{\"x\":1}",
            says: "signature mismatch",
        },
        Case {
            name: "tampered query",
            method: "GET",
            target: format!("{list}?limit=3"),
            headers: signed("GET", &list, "limit=2", b"", valid()),
            body: b"",
            says: "signature mismatch",
        },
        Case {
            name: "added query",
            method: "GET",
            target: format!("{list}?limit=2"),
            headers: signed("GET", &list, "", b"", valid()),
            body: b"",
            says: "signature mismatch",
        },
        Case {
            name: "tampered method",
            method: "GET",
            target: format!("/v2/{PROJECT}/graphs/g-running"),
            headers: signed(
                "DELETE",
                &format!("/v2/{PROJECT}/graphs/g-running"),
                "",
                b"",
                valid(),
            ),
            body: b"",
            says: "signature mismatch",
        },
        Case {
            name: "missing X-Sdk-Date",
            method: "POST",
            target: stop.clone(),
            headers: without(signed("POST", &stop, "", b"", valid()), "X-Sdk-Date"),
            body: b"",
            says: "x-sdk-date",
        },
        Case {
            name: "date 20 minutes behind",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &stop, "", b"", dated(long_ago)),
            body: b"",
            says: "behind",
        },
        Case {
            name: "date 20 minutes ahead",
            method: "POST",
            target: stop.clone(),
            headers: signed("POST", &stop, "", b"", dated(far_ahead)),
            body: b"",
            says: "ahead",
        },
        Case {
            name: "malformed Authorization",
            method: "POST",
            target: stop.clone(),
            headers: vec![(
                "Authorization".to_owned(),
                format!("SDK-HMAC-SHA256 Access={AK}, Signature=abc"),
            )],
            body: b"",
            says: "malformed",
        },
        Case {
            name: "another scheme",
            method: "POST",
            target: stop.clone(),
            headers: vec![("Authorization".to_owned(), "Bearer abc".to_owned())],
            body: b"",
            says: "unsupported",
        },
    ];

    for case in &cases {
        let answer = raw(&sim, case.method, &case.target, &case.headers, case.body).await;
        assert_eq!(answer.status, 401, "{}: {answer:?}", case.name);
        assert_eq!(
            answer.error_code(),
            error_codes::AUTHENTICATION_FAILED,
            "{}",
            case.name
        );
        let message = answer.error_msg();
        assert!(
            message.contains(case.says),
            "{}: {message:?} should say {:?}",
            case.name,
            case.says
        );
        assert!(
            !message.contains(SK) && !message.contains("WrongSecretKey"),
            "{message}"
        );
    }
    assert_eq!(
        sim.graph_status(&graph_id("g-running")),
        Some(GraphStatus::Running)
    );
    let requests = sim.requests();
    assert_eq!(requests.len(), cases.len());
    assert!(
        requests
            .iter()
            .all(|r| r.status == 401 && r.authentication == Authentication::Refused(Scheme::AkSk))
    );
}

#[tokio::test]
async fn unsigned_headers_may_be_added_on_the_way() {
    let sim = start().await;
    let mut headers = signed_headers(&sim, "POST", &stop_path(), "", b"", valid());
    headers.push(("X-Forwarded-For".to_owned(), "10.0.0.1".to_owned()));
    headers.push(("User-Agent".to_owned(), "proxy/1.0".to_owned()));
    let answer = raw(&sim, "POST", &stop_path(), &headers, b"").await;
    assert_eq!(answer.status, 200, "{answer:?}");
}

#[tokio::test]
async fn a_token_and_a_signature_together_are_refused() {
    let sim = start().await;
    let mut headers = signed_headers(&sim, "POST", &stop_path(), "", b"", valid());
    headers.push(("X-Auth-Token".to_owned(), TOKEN.to_owned()));
    let answer = raw(&sim, "POST", &stop_path(), &headers, b"").await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert!(answer.error_msg().contains("both"), "{answer:?}");
}

#[tokio::test]
async fn a_token_only_simulator_refuses_signatures() {
    let sim = ges_simulator::Simulator::builder()
        .token(TOKEN)
        .start()
        .await
        .expect("starts");
    let path = format!("/v2/{}/graphs", sim.project_id());
    let headers = signed_headers(&sim, "GET", &path, "", b"", valid());
    let answer = raw(&sim, "GET", &path, &headers, b"").await;
    assert_eq!(answer.status, 401, "{answer:?}");
    assert!(answer.error_msg().contains("unknown"), "{answer:?}");
}
