//! What the simulator's behaviour tests share: a simulator with known graphs and
//! credentials, a plain HTTP client, and a hand-written HTTP/1.1 exchange for the
//! cases where the exact bytes on the wire matter.

#![allow(dead_code)]

use std::time::Duration;

use ges_api::signing::{self, RequestView, SdkDate};
use ges_api::types::{GraphId, GraphStatus, JobId};
use ges_simulator::{GraphSpec, RunningSimulator, Simulator, SimulatorBuilder};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub(crate) const TOKEN: &str = "test-token-0123456789";
pub(crate) const AK: &str = "HPUAEXAMPLEAK0000000";
pub(crate) const SK: &str = "ExampleSecretKey0000000000000000000000000";
pub(crate) const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// Every wait in these tests gives up after this long.
pub(crate) const PATIENCE: Duration = Duration::from_secs(10);

pub(crate) fn graph_id(value: &str) -> GraphId {
    value.parse().expect("a valid graph ID")
}

pub(crate) fn job_id(value: &str) -> JobId {
    value.parse().expect("a valid job ID")
}

/// Three graphs: `g-running` and `g-other` running, `g-stopped` stopped.
pub(crate) fn builder() -> SimulatorBuilder {
    Simulator::builder()
        .project_id(PROJECT.parse().expect("a valid project ID"))
        .graph(GraphSpec::running(graph_id("g-running"), "running-graph").with_tag("env", "dev"))
        .graph(
            GraphSpec::running(graph_id("g-stopped"), "stopped-graph")
                .with_status(GraphStatus::Stopped),
        )
        .graph(GraphSpec::running(graph_id("g-other"), "other-graph").with_tag("team", ""))
        .token(TOKEN)
        .ak_sk(AK, SK)
}

pub(crate) async fn start() -> RunningSimulator {
    builder().start().await.expect("the simulator starts")
}

/// The TLS set-up reqwest needs to build a client at all (it has no provider of its
/// own); the simulator speaks plain HTTP, so no root is trusted.
fn loopback_tls() -> rustls::ClientConfig {
    rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("ring supports the default TLS versions")
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth()
}

pub(crate) fn client() -> reqwest::Client {
    client_with_timeout(PATIENCE)
}

/// A client that gives up on a call after `timeout`.
pub(crate) fn client_with_timeout(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .tls_backend_preconfigured(loopback_tls())
        .build()
        .expect("a client")
}

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub content_type: Option<String>,
    pub body: Value,
}

impl Answer {
    pub(crate) fn error_code(&self) -> &str {
        self.body["error_code"].as_str().unwrap_or_default()
    }

    pub(crate) fn error_msg(&self) -> &str {
        self.body["error_msg"].as_str().unwrap_or_default()
    }
}

pub(crate) async fn read(response: reqwest::Response) -> Answer {
    let status = response.status().as_u16();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|value| value.to_str().expect("an ASCII header").to_owned())
    };
    let request_id = header("x-request-id");
    let content_type = header("content-type");
    let bytes = response.bytes().await.expect("a body");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("a JSON body")
    };
    Answer {
        status,
        request_id,
        content_type,
        body,
    }
}

/// `GET` or `POST` a path (with its query) with the test token.
pub(crate) async fn call(
    sim: &RunningSimulator,
    method: reqwest::Method,
    path_and_query: &str,
) -> Answer {
    let response = client()
        .request(method, format!("{}{path_and_query}", sim.base_url()))
        .header("X-Auth-Token", TOKEN)
        .send()
        .await
        .expect("the simulator answers");
    read(response).await
}

pub(crate) async fn get(sim: &RunningSimulator, path_and_query: &str) -> Answer {
    call(sim, reqwest::Method::GET, path_and_query).await
}

pub(crate) async fn post(sim: &RunningSimulator, path: &str) -> Answer {
    call(sim, reqwest::Method::POST, path).await
}

/// Who signs, and when.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Key<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub date: SdkDate,
}

impl Key<'static> {
    /// The simulator's access key and secret key, signing now.
    pub(crate) fn valid() -> Self {
        Self {
            access_key: AK,
            secret_key: SK,
            date: SdkDate::now(),
        }
    }
}

/// The headers that sign a request as a client would: `Host`, `X-Sdk-Date`,
/// `Content-Type` and `Authorization`, over this method, wire path, query and body.
pub(crate) fn signed_headers(
    sim: &RunningSimulator,
    method: &str,
    path: &str,
    query: &str,
    body: &[u8],
    key: Key<'_>,
) -> Vec<(String, String)> {
    let host = sim.addr().to_string();
    let date = key.date.to_string();
    let decoded = signing::decode_query(query).expect("a valid query");
    let mut view = RequestView::new(method, path)
        .with_header("Host", &host)
        .with_header("X-Sdk-Date", &date)
        .with_header("Content-Type", "application/json")
        .with_body(body);
    for (key, value) in &decoded {
        view = view.with_query(key, value);
    }
    let signed = signing::sign(&view, key.access_key, key.secret_key.as_bytes()).expect("signs");
    vec![
        ("Host".to_owned(), host),
        ("X-Sdk-Date".to_owned(), date),
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Authorization".to_owned(), signed.authorization),
    ]
}

/// Temporary credentials: access key, secret key, security token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Temporary<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    pub security_token: &'a str,
}

/// Sends a request signed with temporary credentials as the SDK signs it: the security
/// token in `X-Security-Token`, signed, beside `Host`, `X-Sdk-Date`, `Content-Type` and
/// `X-Project-Id` (the main project's).
pub(crate) async fn send_temporary(
    sim: &RunningSimulator,
    method: reqwest::Method,
    path: &str,
    body: &'static [u8],
    credentials: Temporary<'_>,
) -> Answer {
    let host = sim.addr().to_string();
    let date = SdkDate::now().to_string();
    let project = sim.project_id().to_string();
    let view = RequestView::new(method.as_str(), path)
        .with_header("Host", &host)
        .with_header("X-Sdk-Date", &date)
        .with_header("Content-Type", "application/json")
        .with_header("X-Project-Id", &project)
        .with_header(signing::HEADER_SECURITY_TOKEN, credentials.security_token)
        .with_body(body);
    let signed = signing::sign(
        &view,
        credentials.access_key,
        credentials.secret_key.as_bytes(),
    )
    .expect("signs");
    let response = client()
        .request(method, format!("{}{path}", sim.base_url()))
        .header("X-Sdk-Date", &date)
        .header("Content-Type", "application/json")
        .header("X-Project-Id", &project)
        .header(signing::HEADER_SECURITY_TOKEN, credentials.security_token)
        .header("Authorization", signed.authorization)
        .body(body)
        .send()
        .await
        .expect("the simulator answers");
    read(response).await
}

/// Sends exactly these bytes' worth of request (`Connection: close` is added) and
/// reads the answer: for paths and headers a client library would normalise.
pub(crate) async fn raw(
    sim: &RunningSimulator,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> Answer {
    let mut request = format!("{method} {target} HTTP/1.1\r\n");
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        request.push_str(&format!("Host: {}\r\n", sim.addr()));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let exchange = async {
        let mut stream = TcpStream::connect(sim.addr()).await.expect("connects");
        stream
            .write_all(request.as_bytes())
            .await
            .expect("writes the head");
        stream.write_all(body).await.expect("writes the body");
        let mut answer = Vec::new();
        stream
            .read_to_end(&mut answer)
            .await
            .expect("reads the answer");
        answer
    };
    let answer = tokio::time::timeout(PATIENCE, exchange)
        .await
        .expect("the simulator answers in time");
    parse_raw(&answer)
}

fn parse_raw(answer: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(answer);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .expect("an answer with a head and a body");
    let mut lines = head.lines();
    let status_line = lines.next().expect("a status line");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status code");
    let mut request_id = None;
    let mut content_type = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':').expect("a header line");
        let value = value.trim().to_owned();
        match name.to_ascii_lowercase().as_str() {
            "x-request-id" => request_id = Some(value),
            "content-type" => content_type = Some(value),
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    assert!(!chunked, "the simulator answers with a Content-Length");
    let body = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).expect("a JSON body")
    };
    Answer {
        status,
        request_id,
        content_type,
        body,
    }
}

pub(crate) fn token_header() -> Vec<(String, String)> {
    vec![("X-Auth-Token".to_owned(), TOKEN.to_owned())]
}
