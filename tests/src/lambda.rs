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
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::tools::{cargo_lambda, ges_stop_lambda_binary, workspace_root};

/// How long [`LambdaFunction::invoke`] waits for an answer.
pub const INVOKE_LIMIT: Duration = Duration::from_secs(60);
/// How often, and how many times, the emulator is tried for a connection at start-up.
const READY_PAUSE: Duration = Duration::from_millis(100);
const READY_TRIES: u32 = 100;
/// Start-ups tried on fresh ports when the emulator exits at once (its port was taken
/// between our look and its bind).
const START_ATTEMPTS: u32 = 3;
/// How long the output readers may take to see the end of a killed process's output.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);
/// How long a build of the binary may take: a cold release build on two cores takes
/// minutes.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);
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

/// The release `ges-stop-lambda` binary, serving one emulator. Killed when dropped.
#[derive(Debug)]
pub struct LambdaFunction {
    child: Mutex<Child>,
    stdout: OutputLog,
    stderr: OutputLog,
    readers: Vec<JoinHandle<()>>,
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
        // Cargo blocks; keep the test's runtime (and the simulator on it) free.
        let binary = tokio::time::timeout(
            BUILD_LIMIT,
            tokio::task::spawn_blocking(ges_stop_lambda_binary),
        )
        .await
        .expect("the release build of ges-stop-lambda finished in time")
        .expect("the release build of ges-stop-lambda did not panic");
        let mut child = Command::new(binary)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("AWS_LAMBDA_RUNTIME_API", emulator.runtime_api())
            .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION_NAME)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_LOG_FORMAT", "JSON")
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("could not run {}: {error}", binary.display()));
        let stdout = OutputLog::default();
        let stderr = OutputLog::default();
        let readers = [
            stdout.capture(child.stdout.take()),
            stderr.capture(child.stderr.take()),
        ]
        .into_iter()
        .flatten()
        .collect();
        Self {
            child: Mutex::new(child),
            stdout,
            stderr,
            readers,
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

    /// Waits at most `limit` for the function to exit; `None` if it still runs.
    pub async fn wait_exit(&self, limit: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(limit, self.exited()).await.ok()
    }

    /// Resolves when the process has exited.
    async fn exited(&self) -> ExitStatus {
        loop {
            let status = self
                .child
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .try_wait()
                .expect("the function's status can be read");
            if let Some(status) = status {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The lines it printed on stdout so far: its logs.
    pub fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lines()
    }

    /// Its log lines so far, each parsed as JSON. Panics at a line that is not JSON:
    /// with `AWS_LAMBDA_LOG_FORMAT=JSON` every line must be.
    pub fn json_logs(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .iter()
            .map(|line| {
                serde_json::from_str(line)
                    .unwrap_or_else(|error| panic!("a log line that is not JSON ({error}): {line}"))
            })
            .collect()
    }

    /// What it printed on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.text()
    }

    /// Waits at most `limit` for a JSON log line that `wanted` accepts, and returns it:
    /// lines are read as they come, and may trail the answer by a moment.
    pub async fn wait_for_log(&self, limit: Duration, wanted: impl Fn(&Value) -> bool) -> Value {
        let mut lines = self.wait_for_logs(limit, 1, wanted).await;
        lines.swap_remove(0)
    }

    /// Waits at most `limit` until at least `count` JSON log lines are accepted by
    /// `wanted`, and returns all those there are then.
    pub async fn wait_for_logs(
        &self,
        limit: Duration,
        count: usize,
        wanted: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let until = Instant::now() + limit;
        loop {
            let lines: Vec<Value> = self
                .json_logs()
                .into_iter()
                .filter(|line| wanted(line))
                .collect();
            if lines.len() >= count {
                return lines;
            }
            if Instant::now() >= until {
                panic!(
                    "{} log lines as wanted within {limit:?}, not {count}\n{}",
                    lines.len(),
                    self.diagnostics()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Kills the function (if it still runs) and returns everything it printed, to the
    /// end of its output.
    pub async fn stop(&mut self) -> FunctionOutput {
        let child = self.child.get_mut().unwrap_or_else(PoisonError::into_inner);
        let _ = child.start_kill();
        let status = tokio::time::timeout(DRAIN_LIMIT, child.wait())
            .await
            .expect("the killed function ended in time")
            .expect("the function's status can be read");
        for reader in std::mem::take(&mut self.readers) {
            let _ = tokio::time::timeout(DRAIN_LIMIT, reader).await;
        }
        FunctionOutput {
            status,
            stdout_lines: self.stdout.lines(),
            stderr: self.stderr.text(),
        }
    }

    /// Its output so far, for a failure message.
    pub fn diagnostics(&self) -> String {
        format!(
            "---- ges-stop-lambda stdout ----\n{}\n---- ges-stop-lambda stderr ----\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }
}

impl Drop for LambdaFunction {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("{}", self.diagnostics());
        }
        let _ = self
            .child
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .start_kill();
    }
}

/// Everything a stopped function printed.
#[derive(Debug, Clone)]
pub struct FunctionOutput {
    /// How it ended (killed, normally).
    pub status: ExitStatus,
    /// Its stdout, line by line: its logs.
    pub stdout_lines: Vec<String>,
    /// Its stderr.
    pub stderr: String,
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

/// Lines a child process printed, collected as they come.
#[derive(Debug, Clone, Default)]
struct OutputLog(Arc<Mutex<Vec<String>>>);

impl OutputLog {
    /// Reads `stream` to its end in the background, line by line.
    fn capture(
        &self,
        stream: Option<impl AsyncRead + Unpin + Send + 'static>,
    ) -> Option<JoinHandle<()>> {
        let stream = stream?;
        let lines = Arc::clone(&self.0);
        Some(tokio::spawn(async move {
            let mut reader = BufReader::new(stream);
            let mut line = Vec::new();
            loop {
                line.clear();
                match reader.read_until(b'\n', &mut line).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let text = String::from_utf8_lossy(&line);
                        lines
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(text.trim_end_matches(['\n', '\r']).to_owned());
                    }
                }
            }
        }))
    }

    fn lines(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn text(&self) -> String {
        self.lines().join("\n")
    }
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

/// The start of a long text, for a message.
fn excerpt(text: &str) -> String {
    const SHOWN: usize = 300;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}
