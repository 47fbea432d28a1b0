//! The FunctionGraph function, as deployed (`bootstrap`, the release
//! `ges-stop-functiongraph` binary), under the simulator's FunctionGraph runtime: the
//! variables Huawei's custom runtime sets (functiongraph_01_0406, Table 2), pointed at a
//! runtime API, then the test's. The tests hand it invocations through the simulator.

use std::ffi::OsStr;

use crate::process::{RunningBinary, built};
use crate::tools::ges_stop_functiongraph_binary;

/// The function's timeout as `RUNTIME_TIMEOUT` gives it, in seconds, unless a test sets
/// its own.
pub const RUNTIME_TIMEOUT_SECS: u32 = 30;

/// Runs the release binary (built once per test process) against the runtime API at
/// `runtime_api_addr` (`host:port`), with nothing from the developer's environment but
/// `PATH`: `RUNTIME_API_ADDR`, `RUNTIME_FUNC_NAME`, `RUNTIME_FUNC_VERSION`,
/// `RUNTIME_TIMEOUT` ([`RUNTIME_TIMEOUT_SECS`]), `RUNTIME_MEMORY`, `RUNTIME_CODE_ROOT`,
/// then `env` (which may override any of them).
pub async fn start<I, K, V>(runtime_api_addr: &str, env: I) -> RunningBinary
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<OsStr>,
    V: AsRef<OsStr>,
{
    let binary = built("ges-stop-functiongraph", ges_stop_functiongraph_binary).await;
    let runtime = [
        ("RUNTIME_API_ADDR", runtime_api_addr.to_owned()),
        ("RUNTIME_FUNC_NAME", "ges-stop".to_owned()),
        ("RUNTIME_FUNC_VERSION", "latest".to_owned()),
        ("RUNTIME_TIMEOUT", RUNTIME_TIMEOUT_SECS.to_string()),
        ("RUNTIME_MEMORY", "128".to_owned()),
        ("RUNTIME_CODE_ROOT", "/opt/function/code".to_owned()),
    ];
    RunningBinary::spawn("ges-stop-functiongraph", binary, &runtime, env)
}
