//! ges-stop: stops Huawei Cloud GES graphs, so that they are no longer billed.
//!
//! - [`config`]: settings from the environment, checked once.
//! - [`endpoint`]: where GES is.
//! - [`credentials`]: token, AK/SK or IAM token authentication; [`iam`]: the IAM calls;
//!   [`secrets`]: credentials from AWS Secrets Manager through the Lambda extension.
//! - [`client`]: one HTTP client for every generated GES operation.
//! - [`tls`]: the TLS configuration every HTTP client is built with.
//! - [`retry`]: which failed calls are tried again, and when.
//! - [`stop`]: stopping one graph, and what GES's answer means.
//! - [`wait`]: waiting for a stop job to end.
//! - [`fleet`]: the graphs selectors select, by paging each project's list;
//!   [`regions`]: the other regions' endpoints and projects they may name.
//! - [`event`]: every way the Lambda function is invoked, parsed into one request.
//! - [`settings`]: what the Lambda function adds to the configuration.
//! - [`logs`]: the Lambda function's log lines.
//! - [`handler`]: the Lambda handler; [`answer`]: its answers in each caller's form.
//! - [`cli`]: the `ges-stop` command line.

pub mod answer;
pub mod cli;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod event;
pub mod fleet;
pub mod handler;
pub mod iam;
pub mod logs;
pub mod regions;
pub mod retry;
pub mod secrets;
pub mod settings;
pub mod stop;
pub mod tls;
pub mod wait;
