//! ges-stop: stops Huawei Cloud GES graphs, so that they are no longer billed.
//!
//! - [`config`]: settings from the environment, checked once.
//! - [`endpoint`]: where GES is.
//! - [`credentials`]: token or AK/SK authentication.
//! - [`client`]: one HTTP client for every generated GES operation.
//! - [`stop`]: stopping one graph, and what GES's answer means.
//! - [`wait`]: waiting for a stop job to end.
//! - [`event`]: every way the Lambda function is invoked, parsed into one request.
//! - [`settings`]: what the Lambda function adds to the configuration.
//! - [`handler`]: the Lambda handler; [`answer`]: its answers in each caller's form.
//! - [`cli`]: the `ges-stop` command line.

pub mod answer;
pub mod cli;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod event;
pub mod handler;
pub mod settings;
pub mod stop;
pub mod wait;
