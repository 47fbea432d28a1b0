//! The Lambda function under a real Lambda runtime emulator, for the end-to-end tests.
//!
//! [`LambdaEmulator`] runs `cargo lambda watch --only-lambda-apis` (cargo-lambda, pinned in
//! `scripts/requirements.txt`, found by [`cargo_lambda`]) on a free port of 127.0.0.1. It
//! serves the Lambda runtime API that a function polls for events, and the Invoke API that
//! callers post events to; it neither builds nor runs the function. [`LambdaFunction`] runs
//! the release `ges-stop-lambda` binary against it, with the Lambda variables, JSON logs, and
//! the test's environment and nothing else, and keeps what it prints.
//!
//! ```no_run
//! # async fn demo() {
//! use ges_stop_e2e::{LambdaEmulator, LambdaFunction};
//!
//! let emulator = LambdaEmulator::start().await;
//! let function = LambdaFunction::start(&emulator, [("GES_AUTH_TOKEN", "t")]).await;
//! let invocation = function.invoke(&serde_json::json!({"graph_id": "g-1"})).await;
//! assert_eq!(invocation.answer()["outcome"], "stopping");
//! # }
//! ```
//!
//! # What the emulator answers
//!
//! To `POST /2015-03-31/functions/_/invocations` with the event as body (cargo-lambda 1.9.2,
//! as observed):
//!
//! | the function | status | body |
//! |---|---|---|
//! | returns a value (`/invocation/{id}/response`) | `200` | the value, as the function serialized it |
//! | returns an error (`/invocation/{id}/error`) | `500` | what it posted: `{"errorType": ..., "errorMessage": ...}` |
//! | reports an init error (`/init/error`) | `200` to the invocation waiting then (none to later ones) | what it posted: `{"errorType": ..., "errorMessage": ...}` |
//! | exits, or never polls | none: the request waits | |
//!
//! Real Lambda answers a function error with `200` and `X-Amz-Function-Error: Unhandled`;
//! the emulator answers `500`, without that header, and no header names the Lambda
//! request id. On a bad configuration `ges-stop-lambda` posts `/init/error` itself
//! (`lambda_runtime` posts it only for SnapStart hooks) and exits, so the invocation
//! waiting then gets the `InvalidConfiguration` error; one that never gets an answer (a
//! function that exits without saying why, or never polls) makes
//! [`LambdaFunction::try_invoke`] say so with a [`NoAnswer`].
//!
//! Quirks a test must know: the `lambda-runtime-deadline-ms` the function gets is always
//! `600000` (a duration, not the epoch milliseconds Lambda sends), so the function must
//! treat the deadline as unknown; an invocation whose caller gave up stays queued and goes
//! to the next function that polls; the emulator runs `cargo metadata`, so it starts in the
//! workspace; and `GET /` never answers, so readiness is a TCP connect.
//!
//! Everything is bounded in time, every process is killed when its handle is dropped, and
//! a test that panics prints the emulator's and the function's output on the way out.

use std::ffi::OsStr;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::{Child, Command};

use crate::process::{OutputLog, RunningBinary, built, excerpt};
use crate::tools::{cargo_lambda, ges_stop_lambda_binary, workspace_root};

/// How long [`LambdaFunction::invoke`] waits for an answer.
pub const INVOKE_LIMIT: Duration = Duration::from_secs(60);
/// How often, and how many times, the emulator is tried for a connection at start-up.
const READY_PAUSE: Duration = Duration::from_millis(100);
const READY_TRIES: u32 = 100;
/// Start-ups tried on fresh ports when the emulator exits at once (its port was taken
/// between our look and its bind).
const START_ATTEMPTS: u32 = 3;
/// The function name the emulator serves when it was given none.
const FUNCTION_NAME: &str = "_";

/// `cargo lambda watch --only-lambda-apis`, listening on 127.0.0.1. Killed when dropped.
#[derive(Debug)]
pub struct LambdaEmulator {
    child: Child,
    addr: SocketAddr,
    output: OutputLog,
    client: reqwest::Client,
}

impl LambdaEmulator {
    /// Starts the emulator on a free loopback port and waits until it accepts
    /// connections (100 tries, 100 ms apart). Panics, with its output, if it does not.
    pub async fn start() -> Self {
        let program = cargo_lambda();
        let mut failures = String::new();
        for _ in 0..START_ATTEMPTS {
            let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, free_port()));
            let mut child = Command::new(&program)
                .args(["lambda", "watch", "--only-lambda-apis", "-A"])
                .arg(addr.ip().to_string())
                .arg("-P")
                .arg(addr.port().to_string())
                // It runs `cargo metadata`, which needs the workspace.
                .current_dir(workspace_root())
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .unwrap_or_else(|error| panic!("could not run {}: {error}", program.display()));
            let output = OutputLog::default();
            output.capture(child.stdout.take());
            output.capture(child.stderr.take());
            match wait_until_listening(&mut child, addr).await {
                Ok(()) => {
                    return Self {
                        child,
                        addr,
                        output,
                        client: http_client(),
                    };
                }
                Err(Some(status)) => {
                    // Give the readers a moment to collect why.
                    tokio::time::sleep(READY_PAUSE).await;
                    failures.push_str(&format!(
                        "on port {} it exited ({status}):\n{}\n",
                        addr.port(),
                        output.text()
                    ));
                }
                Err(None) => panic!(
                    "the Lambda emulator did not accept connections on {addr} within {:?}; \
                     its output:\n{}",
                    READY_PAUSE * READY_TRIES,
                    output.text()
                ),
            }
        }
        panic!("the Lambda emulator did not start:\n{failures}")
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The value of `AWS_LAMBDA_RUNTIME_API` for a function it serves.
    pub fn runtime_api(&self) -> String {
        format!("http://{}/.rt", self.addr)
    }

    /// Where events are posted.
    pub fn invoke_url(&self) -> String {
        format!(
            "http://{}/2015-03-31/functions/{FUNCTION_NAME}/invocations",
            self.addr
        )
    }

    /// What it printed so far.
    pub fn output(&self) -> String {
        self.output.text()
    }
}

impl Drop for LambdaEmulator {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "---- the Lambda emulator's output ----\n{}",
                self.output.text()
            );
        }
        // kill_on_drop ends the process; this only makes it sooner.
        let _ = self.child.start_kill();
    }
}

/// The release `ges-stop-lambda` binary, serving one emulator. Killed when dropped; its
/// process and output are a [`RunningBinary`]'s, which it derefs to.
#[derive(Debug)]
pub struct LambdaFunction {
    process: RunningBinary,
    emulator_client: reqwest::Client,
    invoke_url: String,
}

impl LambdaFunction {
    /// Runs the release binary (built once per test process) for `emulator`, with
    /// nothing from the developer's environment but `PATH`: the Lambda variables a
    /// runtime sets (`AWS_LAMBDA_RUNTIME_API`, `AWS_LAMBDA_FUNCTION_NAME=_`,
    /// `AWS_LAMBDA_FUNCTION_VERSION=1`, `AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128`),
    /// `AWS_LAMBDA_LOG_FORMAT=JSON`, then `env` (which may override any of them).
    ///
    /// It does not wait for the function to poll: events posted before that wait in
    /// the emulator's queue.
    pub async fn start<I, K, V>(emulator: &LambdaEmulator, env: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let binary = built("ges-stop-lambda", ges_stop_lambda_binary).await;
        let runtime = [
            ("AWS_LAMBDA_RUNTIME_API", emulator.runtime_api()),
            ("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME.to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "1".to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
            ("AWS_LAMBDA_LOG_FORMAT", "JSON".to_owned()),
        ];
        Self {
            process: RunningBinary::spawn("ges-stop-lambda", binary, &runtime, env),
            emulator_client: emulator.client.clone(),
            invoke_url: emulator.invoke_url(),
        }
    }

    /// Invokes the function with `event` and returns the emulator's answer. Panics, with
    /// the function's output, when there is none within [`INVOKE_LIMIT`].
    pub async fn invoke(&self, event: &Value) -> Invocation {
        match self.try_invoke(event, INVOKE_LIMIT).await {
            Ok(invocation) => invocation,
            Err(no_answer) => panic!(
                "no answer to {}: {no_answer}\n{}",
                excerpt(&event.to_string()),
                self.diagnostics()
            ),
        }
    }

    /// Invokes the function with `event` and waits at most `limit`, or until the
    /// function exits, for the answer.
    pub async fn try_invoke(&self, event: &Value, limit: Duration) -> Result<Invocation, NoAnswer> {
        let body = serde_json::to_vec(event).expect("a JSON value encodes");
        self.try_invoke_bytes(body, limit).await
    }

    /// Invokes the function with `payload` as it is, byte for byte (a key given twice,
    /// something after the value: what no [`Value`] can hold), and returns the answer.
    /// Panics, with the function's output, when there is none within [`INVOKE_LIMIT`].
    pub async fn invoke_text(&self, payload: &str) -> Invocation {
        match self
            .try_invoke_bytes(payload.as_bytes().to_vec(), INVOKE_LIMIT)
            .await
        {
            Ok(invocation) => invocation,
            Err(no_answer) => panic!(
                "no answer to {}: {no_answer}\n{}",
                excerpt(payload),
                self.diagnostics()
            ),
        }
    }

    async fn try_invoke_bytes(
        &self,
        body: Vec<u8>,
        limit: Duration,
    ) -> Result<Invocation, NoAnswer> {
        tokio::select! {
            answer = post_event(&self.emulator_client, &self.invoke_url, body, limit) => answer,
            status = self.exited() => Err(NoAnswer::FunctionExited(status)),
        }
    }
}

impl std::ops::Deref for LambdaFunction {
    type Target = RunningBinary;

    fn deref(&self) -> &RunningBinary {
        &self.process
    }
}

impl std::ops::DerefMut for LambdaFunction {
    fn deref_mut(&mut self) -> &mut RunningBinary {
        &mut self.process
    }
}

/// The emulator's answer to an invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invocation {
    /// The HTTP status: `200` for a value, `500` for a function error.
    pub status: u16,
    /// The body, parsed.
    pub body: Value,
}

impl Invocation {
    /// The function's value. Panics if the invocation failed.
    #[track_caller]
    pub fn answer(&self) -> &Value {
        assert_eq!(self.status, 200, "the function failed: {}", self.body);
        &self.body
    }

    /// The function's error. Panics if there is none, or it is not shaped as Lambda
    /// reports errors.
    #[track_caller]
    pub fn error(&self) -> LambdaError {
        assert_eq!(
            self.status, 500,
            "the function answered instead of failing: {}",
            self.body
        );
        let field = |name: &str| {
            self.body[name]
                .as_str()
                .unwrap_or_else(|| panic!("a function error without {name}: {}", self.body))
                .to_owned()
        };
        LambdaError {
            error_type: field("errorType"),
            error_message: field("errorMessage"),
        }
    }

    /// The HTTP response the function gave a gateway caller. Panics if the function
    /// failed, or its value is not an API Gateway / function URL response.
    #[track_caller]
    pub fn http(&self) -> HttpAnswer {
        let answer = self.answer();
        let status = answer["statusCode"]
            .as_u64()
            .and_then(|status| u16::try_from(status).ok())
            .unwrap_or_else(|| panic!("no statusCode in the HTTP answer: {answer}"));
        assert_ne!(
            answer["isBase64Encoded"],
            Value::Bool(true),
            "a base64 body where JSON text was expected: {answer}"
        );
        let headers = answer["headers"]
            .as_object()
            .unwrap_or_else(|| panic!("no headers in the HTTP answer: {answer}"))
            .iter()
            .map(|(name, value)| {
                let value = value
                    .as_str()
                    .unwrap_or_else(|| panic!("header {name} is not a string: {answer}"));
                (name.to_ascii_lowercase(), value.to_owned())
            })
            .collect();
        let text = answer["body"]
            .as_str()
            .unwrap_or_else(|| panic!("no text body in the HTTP answer: {answer}"));
        let body = serde_json::from_str(text)
            .unwrap_or_else(|error| panic!("an HTTP body that is not JSON ({error}): {text}"));
        HttpAnswer {
            status,
            headers,
            body,
        }
    }
}

/// A function error, as Lambda reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaError {
    /// `errorType`: what kind of failure.
    pub error_type: String,
    /// `errorMessage`.
    pub error_message: String,
}

/// The HTTP response inside a gateway-shaped answer.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpAnswer {
    /// `statusCode`.
    pub status: u16,
    /// `headers`, names lower-cased.
    pub headers: std::collections::BTreeMap<String, String>,
    /// `body`, parsed as JSON.
    pub body: Value,
}

impl HttpAnswer {
    /// A header's value, by its name in any case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }
}

/// Why an invocation got no answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoAnswer {
    /// Nothing came within this long.
    TimedOut(Duration),
    /// The function exited first.
    FunctionExited(ExitStatus),
    /// The emulator could not be reached, or broke the connection.
    Transport(String),
}

impl fmt::Display for NoAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TimedOut(limit) => write!(f, "nothing came within {limit:?}"),
            Self::FunctionExited(status) => write!(f, "the function exited ({status})"),
            Self::Transport(error) => write!(f, "the emulator could not be reached: {error}"),
        }
    }
}

/// Posts `event` to the emulator's Invoke API and waits at most `limit` for the answer.
async fn post_event(
    client: &reqwest::Client,
    url: &str,
    body: Vec<u8>,
    limit: Duration,
) -> Result<Invocation, NoAnswer> {
    let exchange = async {
        let response = client
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|error| NoAnswer::Transport(error.to_string()))?;
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|error| NoAnswer::Transport(error.to_string()))?;
        Ok((status, text))
    };
    let (status, text) = tokio::time::timeout(limit, exchange)
        .await
        .map_err(|_| NoAnswer::TimedOut(limit))??;
    let body = serde_json::from_str(&text).unwrap_or_else(|error| {
        panic!("the emulator answered {status} with a body that is not JSON ({error}): {text}")
    });
    Ok(Invocation { status, body })
}

/// A port free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// Waits until `addr` accepts connections: `Err(Some(status))` if the process exited
/// first, `Err(None)` if it was not ready in time.
async fn wait_until_listening(
    child: &mut Child,
    addr: SocketAddr,
) -> Result<(), Option<ExitStatus>> {
    for _ in 0..READY_TRIES {
        if let Some(status) = child.try_wait().expect("the emulator's status can be read") {
            return Err(Some(status));
        }
        let connect = tokio::net::TcpStream::connect(addr);
        if let Ok(Ok(_)) = tokio::time::timeout(READY_PAUSE, connect).await {
            return Ok(());
        }
        tokio::time::sleep(READY_PAUSE).await;
    }
    Err(None)
}

/// An HTTP client for loopback only: no proxy from the environment.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .tls_backend_preconfigured(ges_client::transport::client_config())
        .build()
        .expect("an HTTP client builds")
}
