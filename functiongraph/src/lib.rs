//! The ges-stop Huawei Cloud FunctionGraph function: a custom runtime (`bootstrap`) whose
//! every run is the core's ([`ges_client::run`]), signed with the credentials
//! FunctionGraph hands each invocation of a function that has an agency.
//!
//! - [`runtime`]: the custom runtime API (fetch an invocation, answer it or report its
//!   failure) and the loop that serves invocations.
//! - [`event`]: the timer, APIG, SMN and direct events, read into the core's run
//!   requests; [`agency`]: the invocation's credentials, from its headers.
//! - [`handler`]: one invocation, from event to reply; [`answer`]: the reply in each
//!   caller's form.
//! - [`logs`]: JSON log lines on stdout.

#![warn(missing_docs)]

pub mod agency;
pub mod answer;
pub mod event;
pub mod handler;
pub mod logs;
pub mod runtime;
