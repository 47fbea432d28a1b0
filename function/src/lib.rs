//! The ges-stop AWS Lambda function: AWS's side of a run whose every step is the core's
//! ([`ges_client::run`]).
//!
//! - [`event`]: every way the Lambda function is invoked, its AWS envelopes read into
//!   the core's run request.
//! - [`handler`]: the Lambda handler; [`queue`]: an SQS batch, message by message;
//!   [`answer`]: the run's answer in each AWS caller's form, and the Lambda error.
//! - [`logs`]: the Lambda function's log lines; [`metrics`]: its metrics, in CloudWatch
//!   Embedded Metric Format.
//! - [`payload_text`]: the payload's whole text, which the handler reads strictly.

#![warn(missing_docs)]

pub mod answer;
pub mod event;
pub mod handler;
pub mod logs;
pub mod metrics;
pub mod payload_text;
pub mod queue;
