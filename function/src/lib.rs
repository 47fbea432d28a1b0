//! The ges-stop AWS Lambda function, on the core in [`ges_client`].
//!
//! - [`event`]: every way the Lambda function is invoked, parsed into one request.
//! - [`settings`]: what the Lambda function adds to the configuration.
//! - [`logs`]: the Lambda function's log lines.
//! - [`handler`]: the Lambda handler; [`answer`]: its answers in each caller's form.

pub mod answer;
pub mod event;
pub mod handler;
pub mod logs;
pub mod settings;
