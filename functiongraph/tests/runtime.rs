//! The runtime loop against a small loopback stand-in for FunctionGraph's runtime API
//! (plain HTTP/1.1 over a tokio listener, one request per connection): each invocation
//! is fetched, served and answered at the response or the error path with its request
//! id, a refused fetch is tried again, and a function that could not start answers
//! every invocation with the reason. The GES side is the simulator.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use ges_api::types::{GraphId, GraphStatus};
use ges_client::config::vars;
use ges_simulator::{GraphSpec, Simulator};
use ges_stop_functiongraph::agency;
use ges_stop_functiongraph::handler::{Handler, RUNTIME_PROJECT_ID};
use ges_stop_functiongraph::runtime::{self, Function, RuntimeApi};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// An invocation to hand out: its request id, extra headers, event.
type Queued = (String, Vec<(String, String)>, Vec<u8>);

/// What the stand-in hands out and what it was told.
#[derive(Default)]
struct State {
    /// Invocations to hand out.
    queue: VecDeque<Queued>,
    /// How many fetches to refuse (503) before handing one out.
    refuse: usize,
    /// The posts: path and body.
    posts: Vec<(String, Value)>,
}

async fn stand_in(state: Arc<Mutex<State>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let state = state.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                let mut chunk = [0u8; 4096];
                let head_end = loop {
                    let read = stream.read(&mut chunk).await.unwrap();
                    assert!(read > 0, "the connection closed mid-request");
                    buffer.extend_from_slice(&chunk[..read]);
                    if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                };
                let head = String::from_utf8(buffer[..head_end].to_vec()).unwrap();
                let length = head
                    .lines()
                    .find_map(|line| {
                        let (name, value) = line.split_once(':')?;
                        name.eq_ignore_ascii_case("content-length")
                            .then(|| value.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                while buffer.len() < head_end + length {
                    let read = stream.read(&mut chunk).await.unwrap();
                    buffer.extend_from_slice(&chunk[..read]);
                }
                let body = buffer[head_end..head_end + length].to_vec();
                let mut words = head.split_whitespace();
                let (method, path) = (words.next().unwrap(), words.next().unwrap().to_owned());
                let (status, headers, body) = if method == "GET" {
                    let mut state = state.lock().unwrap();
                    if state.refuse > 0 {
                        state.refuse -= 1;
                        ("503 Service Unavailable", Vec::new(), Vec::new())
                    } else {
                        match state.queue.pop_front() {
                            Some((id, mut headers, event)) => {
                                headers.push(("x-cff-request-id".to_owned(), id));
                                ("200 OK", headers, event)
                            }
                            None => ("404 Not Found", Vec::new(), Vec::new()),
                        }
                    }
                } else {
                    let value = serde_json::from_slice(&body).unwrap();
                    state.lock().unwrap().posts.push((path, value));
                    ("200 OK", Vec::new(), Vec::new())
                };
                let mut response = format!(
                    "HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: {}\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    response.push_str(&format!("{name}: {value}\r\n"));
                }
                response.push_str("\r\n");
                let mut bytes = response.into_bytes();
                bytes.extend_from_slice(&body);
                let _ = stream.write_all(&bytes).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    addr
}

fn agency_headers() -> Vec<(String, String)> {
    vec![
        (agency::ACCESS_KEY.to_owned(), "LOOP-AK".to_owned()),
        (agency::SECRET_KEY.to_owned(), "loop-sk".to_owned()),
        (agency::SECURITY_TOKEN.to_owned(), "loop-st".to_owned()),
    ]
}

#[tokio::test]
async fn each_invocation_is_answered_at_its_path_with_its_request_id() {
    let simulator = Simulator::builder()
        .graphs([GraphSpec::running(
            "lg-1".parse::<GraphId>().unwrap(),
            "one",
        )])
        .ak_sk("LOOP-AK", "loop-sk")
        .start()
        .await
        .unwrap();
    let env = [
        (vars::REGION, "cn-north-4".to_owned()),
        (vars::ENDPOINT, simulator.base_url()),
        (vars::IAM_ENDPOINT, simulator.base_url()),
        (RUNTIME_PROJECT_ID, simulator.project_id().to_string()),
    ];
    let handler = Handler::from_lookup(|name| {
        env.iter()
            .find(|(variable, _)| *variable == name)
            .map(|(_, value)| value.clone())
    })
    .await
    .unwrap();
    let state = Arc::new(Mutex::new(State {
        refuse: 2,
        ..State::default()
    }));
    {
        let mut state = state.lock().unwrap();
        state.queue.push_back((
            "req-stop".to_owned(),
            agency_headers(),
            br#"{"graph_id": "lg-1"}"#.to_vec(),
        ));
        state.queue.push_back((
            "req-bad".to_owned(),
            agency_headers(),
            br#"{"graph_id": "lg-1", "graph_id": "lg-2"}"#.to_vec(),
        ));
        state.queue.push_back((
            "req-apig".to_owned(),
            Vec::new(),
            json!({"httpMethod": "POST", "path": "/nowhere", "requestContext": {}})
                .to_string()
                .into_bytes(),
        ));
    }
    let addr = stand_in(state.clone()).await;
    let api = RuntimeApi::new(&addr).unwrap();
    let function = Function::Ready(Box::new(handler));
    let timeout = runtime::timeout(Some("30")).unwrap();
    runtime::serve(&api, &function, timeout, Some(3))
        .await
        .unwrap();

    let posts = state.lock().unwrap().posts.clone();
    let paths: Vec<&str> = posts.iter().map(|(path, _)| path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/v1/runtime/invocation/response/req-stop",
            "/v1/runtime/invocation/error/req-bad",
            "/v1/runtime/invocation/response/req-apig",
        ]
    );
    assert_eq!(posts[0].1["graph_id"], "lg-1", "{}", posts[0].1);
    assert_ne!(
        simulator.graph_status(&"lg-1".parse().unwrap()),
        Some(GraphStatus::Running)
    );
    assert_eq!(posts[1].1["errorType"], "InvalidEvent");
    let message = posts[1].1["errorMessage"].as_str().unwrap();
    assert!(message.starts_with("the event gives the key"), "{message}");
    assert_eq!(posts[2].1["statusCode"], 404);
    // One stop went to GES: the bad event and the APIG refusal sent nothing.
    assert_eq!(
        simulator
            .requests()
            .iter()
            .filter(|record| record.method == http::Method::POST)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_function_that_could_not_start_answers_every_invocation_with_the_reason() {
    let state = Arc::new(Mutex::new(State::default()));
    for id in ["a-1", "a-2"] {
        state.lock().unwrap().queue.push_back((
            id.to_owned(),
            Vec::new(),
            br#"{"graph_id": "g"}"#.to_vec(),
        ));
    }
    let addr = stand_in(state.clone()).await;
    let api = RuntimeApi::new(&addr).unwrap();
    let function = Function::Broken("HUAWEICLOUD_SDK_REGION is not set".to_owned());
    runtime::serve(&api, &function, None, Some(2))
        .await
        .unwrap();
    let posts = state.lock().unwrap().posts.clone();
    assert_eq!(posts.len(), 2);
    for ((path, body), id) in posts.iter().zip(["a-1", "a-2"]) {
        assert_eq!(path, &format!("/v1/runtime/invocation/error/{id}"));
        assert_eq!(body["errorType"], "InvalidConfiguration");
        assert_eq!(body["errorMessage"], "HUAWEICLOUD_SDK_REGION is not set");
    }
}

#[test]
fn the_runtime_settings_are_checked() {
    assert!(RuntimeApi::new("").is_err());
    assert!(RuntimeApi::new("http://127.0.0.1:9000/x").is_err());
    assert_eq!(
        runtime::timeout(Some("900")).unwrap(),
        Some(std::time::Duration::from_secs(900))
    );
    assert_eq!(runtime::timeout(None).unwrap(), None);
    for bad in ["0", "259201", "1.5", "soon"] {
        let message = runtime::timeout(Some(bad)).unwrap_err().to_string();
        assert!(message.starts_with("RUNTIME_TIMEOUT is "), "{message}");
    }
}
