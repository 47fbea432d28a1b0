//! A built function binary running as a child process, whichever runtime it serves: its
//! output kept line by line, its JSON logs read and waited for, its end. The Lambda
//! harness ([`crate::lambda`]) and the FunctionGraph one ([`crate::functiongraph`]) run
//! their binaries through it.

use std::ffi::OsStr;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// How long the output readers may take to see the end of a killed process's output.
const DRAIN_LIMIT: Duration = Duration::from_secs(5);
/// How long a build of a binary may take: a cold release build on two cores takes
/// minutes.
const BUILD_LIMIT: Duration = Duration::from_secs(1200);

/// A binary built by `build` (which blocks: cargo runs), without holding up the test's
/// runtime and the simulator on it.
pub(crate) async fn built(name: &str, build: fn() -> &'static Path) -> &'static Path {
    tokio::time::timeout(BUILD_LIMIT, tokio::task::spawn_blocking(build))
        .await
        .unwrap_or_else(|_| panic!("the release build of {name} did not finish in time"))
        .unwrap_or_else(|_| panic!("the release build of {name} panicked"))
}

/// A function binary as a child process, with nothing from the developer's environment
/// but `PATH` and what its harness set. Killed when dropped; a test that panics prints
/// its output on the way out.
#[derive(Debug)]
pub struct RunningBinary {
    name: &'static str,
    child: Mutex<Child>,
    stdout: OutputLog,
    stderr: OutputLog,
    readers: Vec<JoinHandle<()>>,
}

impl RunningBinary {
    /// Runs `binary` with nothing from the developer's environment but `PATH`, then
    /// `runtime` (the variables its runtime sets), then `env` (the test's, which may
    /// override any of them), its output captured.
    pub(crate) fn spawn<I, K, V>(
        name: &'static str,
        binary: &Path,
        runtime: &[(&str, String)],
        env: I,
    ) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        let mut child = Command::new(binary)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .envs(runtime.iter().map(|(key, value)| (key, value)))
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
            name,
            child: Mutex::new(child),
            stdout,
            stderr,
            readers,
        }
    }

    /// Waits at most `limit` for the function to exit; `None` if it still runs.
    pub async fn wait_exit(&self, limit: Duration) -> Option<ExitStatus> {
        tokio::time::timeout(limit, self.exited()).await.ok()
    }

    /// Resolves when the process has exited.
    pub async fn exited(&self) -> ExitStatus {
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
    /// both functions log JSON lines only, when told to.
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
            "---- {name} stdout ----\n{}\n---- {name} stderr ----\n{}",
            self.stdout.text(),
            self.stderr.text(),
            name = self.name,
        )
    }
}

impl Drop for RunningBinary {
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

/// Lines a child process printed, collected as they come.
#[derive(Debug, Clone, Default)]
pub(crate) struct OutputLog(Arc<Mutex<Vec<String>>>);

impl OutputLog {
    /// Reads `stream` to its end in the background, line by line.
    pub(crate) fn capture(
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

    pub(crate) fn text(&self) -> String {
        self.lines().join("\n")
    }
}

/// The start of a long text, for a message.
pub(crate) fn excerpt(text: &str) -> String {
    const SHOWN: usize = 300;
    match text.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_owned(),
    }
}
