//! The ges-stop AWS Lambda function, on the core in [`ges_client`].
//!
//! - [`event`]: every way the Lambda function is invoked, parsed into one request;
//!   [`graphs`]: which graphs a run acts on.
//! - [`settings`]: what the Lambda function adds to the configuration; [`at_bound`]: how
//!   far from now a reconcile that acts may be evaluated.
//! - [`logs`]: the Lambda function's log lines; [`metrics`]: its metrics, in CloudWatch
//!   Embedded Metric Format.
//! - [`handler`]: the Lambda handler; [`queue`]: an SQS batch, message by message;
//!   [`answer`]: its answers in each caller's form;
//!   [`error_type`]: the Lambda error types, with their HTTP statuses; [`progress`]:
//!   watching a run as it goes (the command line's live lines).
//! - [`payload_text`]: the payload's whole text, which the handler reads strictly.

#![warn(missing_docs)]

pub mod answer;
pub mod at_bound;
pub mod error_type;
pub mod event;
pub mod graphs;
pub mod handler;
pub mod logs;
pub mod metrics;
pub mod payload_text;
pub mod progress;
pub mod queue;
pub mod settings;
