//! The FunctionGraph custom runtime, `bootstrap`: reads its configuration once, then
//! serves invocations until FunctionGraph ends the instance.

use std::process::ExitCode;

use ges_stop_functiongraph::handler::Handler;
use ges_stop_functiongraph::runtime::{self, Function, RuntimeApi};

// One thread: an instance serves one invocation at a time, and its stops are I/O-bound.
#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    ges_stop_functiongraph::logs::init();
    let api = match RuntimeApi::from_env() {
        Ok(api) => api,
        Err(error) => {
            tracing::error!(error = %error, "ges-stop cannot reach the runtime API");
            return ExitCode::FAILURE;
        }
    };
    // FunctionGraph's runtime API has no initialisation-error path: a configuration
    // error is logged once here, and every invocation is answered with it.
    let (function, timeout) =
        match runtime::timeout(std::env::var(runtime::RUNTIME_TIMEOUT).ok().as_deref()) {
            Ok(timeout) => (start().await, timeout),
            Err(error) => (Err(error.to_string()), None),
        };
    let function = function.unwrap_or_else(|reason| {
        tracing::error!(error = %reason, "ges-stop cannot start: fix its configuration");
        Function::Broken(reason)
    });
    match runtime::serve(&api, &function, timeout, None).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(error = %error, "ges-stop stops serving");
            ExitCode::FAILURE
        }
    }
}

/// The handler from the environment, or why it cannot be built.
async fn start() -> Result<Function, String> {
    let handler = Handler::from_lookup(|name| std::env::var(name).ok())
        .await
        .map_err(|error| error.to_string())?;
    if handler.settings().policy.allows_any() {
        tracing::info!(
            "GES_ALLOWED_GRAPH_IDS and GES_ALLOWED_PROJECT_IDS are not set: any graph the \
             credentials can stop may be stopped"
        );
    }
    Ok(Function::Ready(Box::new(handler)))
}
