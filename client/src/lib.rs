//! The core of ges-stop: everything that stops a GES graph, with no Lambda, command line
//! or simulator in it.
//!
//! - [`env`]: the variables' names, and how they are read.
//! - [`failure`]: the kinds of failure, with their names and HTTP statuses.
//! - [`config`]: settings from the environment, checked once; [`secrets`]: credentials
//!   from AWS Secrets Manager through the Lambda extension.
//! - [`endpoint`]: where GES is; [`regions`]: the other regions' endpoints and projects.
//! - [`credentials`]: token, AK/SK or IAM token authentication, and the IAM token cache;
//!   [`static_credentials`]: the configured token or AK/SK signer; [`iam`]: the IAM calls;
//!   [`refresh`]: the cache of credentials that expire.
//! - [`federation`]: temporary AK/SK for an OIDC ID token ([`id_token`]), from Huawei
//!   Cloud STS ([`huawei_sts`]), the token being the function's own from AWS STS
//!   ([`aws_sts`]) or one given; [`federation_config`]: its settings;
//!   [`federation_error`]: why it failed; [`sts_call`]: one attempt of either STS call.
//! - [`refusal`]: a credential service's refusal (IAM, either STS, Secrets Manager), one
//!   type for all of them.
//! - [`transport`]: the one place HTTP clients are built, requests put on the wire and
//!   answers read; [`tls`]: the roots every HTTP client trusts.
//! - [`client`]: one HTTP client for every generated GES operation; [`retry`]: which
//!   failed calls are tried again, and when.
//! - [`report`]: which graph, the change asked of it and how it came out;
//!   [`graph_error`]: why a call about a graph failed, and what GES said.
//! - [`change`]: stopping or starting one graph, or previewing a stop, and what GES's
//!   answer means (the paths [`stop`] and [`start`] name its entry points too);
//!   [`wait`]: waiting for a stop job to end.
//! - [`policy`]: the allow-lists and the opt-out tag.
//! - [`input`]: excerpts of untrusted input for messages; [`json`]: the one strict
//!   JSON reader every input goes through; [`bounded_seconds`]: durations
//!   within a service's range.
//! - [`selector`]: fleet selectors; [`fleet`]: the graphs they select, by paging each
//!   project's list.
//! - [`reconcile`]: what each scheduled graph needs at an instant.
//! - [`run`]: one run, whoever asks: its request, its runner under a deadline, its
//!   answer and its errors with their HTTP statuses, and the settings it reads.
//! - [`schedule`]: schedules (when graphs should run, in their own time zones) and the
//!   boundaries where their desired state changes.

#![warn(missing_docs)]

pub mod aws_sts;
pub mod bounded_seconds;
pub mod change;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod env;
pub mod failure;
pub mod federation;
pub mod federation_config;
pub mod federation_error;
pub mod fleet;
pub mod graph_error;
pub mod huawei_sts;
pub mod iam;
pub mod id_token;
pub mod input;
pub mod json;
pub mod policy;
pub mod reconcile;
pub mod refresh;
pub mod refusal;
pub mod regions;
pub mod report;
pub mod retry;
pub mod run;
pub mod schedule;
pub mod secrets;
pub mod selector;
pub mod static_credentials;
pub mod sts_call;
pub mod tls;
pub mod transport;
pub mod wait;

/// Stopping one graph, and its dry run: [`change`]'s entry points, by the name the
/// function and the command line call them under.
pub mod stop {
    pub use crate::change::{NOT_RUNNING, preview_stop, stop_graph};
}

/// Starting one graph: [`change`]'s entry point, by the name the function calls it under.
pub mod start {
    pub use crate::change::start_graph;
}
