//! Support shared by the function's integration tests: the environment a deployment
//! would give the function, a handler built from it as at start-up, and a Lambda
//! context with a deadline.

// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ges_client::config::{Config, vars};
use ges_client::run::Settings;
use ges_simulator::RunningSimulator;
use ges_stop_lambda::handler::Handler;
use lambda_runtime::Context;

/// The variables that point the function at `simulator`, then `extra` over them.
pub(crate) fn simulator_env(
    simulator: &RunningSimulator,
    extra: &[(&str, &str)],
) -> HashMap<String, String> {
    let mut env = HashMap::from([
        (vars::ENDPOINT.to_owned(), simulator.base_url()),
        (
            vars::PROJECT_ID.to_owned(),
            simulator.project_id().to_string(),
        ),
    ]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

/// The configuration and settings `env` gives, read as at start-up.
pub(crate) fn config(env: &HashMap<String, String>) -> (Config, Settings) {
    let config = Config::from_lookup(|name| env.get(name).cloned()).unwrap();
    let settings = Settings::from_lookup(|name| env.get(name).cloned()).unwrap();
    (config, settings)
}

/// A handler configured by `env`.
pub(crate) fn handler(env: &HashMap<String, String>) -> Handler {
    let (config, settings) = config(env);
    Handler::new(&config, settings).unwrap()
}

/// A handler for `simulator` with the IAM token `token`, and `extra` variables.
pub(crate) fn token_handler(
    simulator: &RunningSimulator,
    token: &str,
    extra: &[(&str, &str)],
) -> Handler {
    let mut env = simulator_env(simulator, &[(vars::AUTH_TOKEN, token)]);
    env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    handler(&env)
}

/// A handler configured by `env` as the function starts: a project or token that IAM
/// must give is asked for, within 20 seconds.
pub(crate) async fn loaded_handler(env: &HashMap<String, String>) -> Handler {
    let config = tokio::time::timeout(
        Duration::from_secs(20),
        Config::load(|name| env.get(name).cloned()),
    )
    .await
    .expect("the configuration loads in time")
    .expect("the configuration loads");
    let settings = Settings::from_lookup(|name| env.get(name).cloned()).unwrap();
    Handler::new(&config, settings).unwrap()
}

/// A context whose deadline is `left` from now, as Lambda gives it.
pub(crate) fn context(left: Duration) -> Context {
    let mut context = Context::default();
    context.request_id = "req-test".to_owned();
    context.deadline = (SystemTime::now() + left)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    context
}
