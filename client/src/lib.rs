//! The core of ges-stop: everything that stops a GES graph, with no Lambda, command line
//! or simulator in it.
//!
//! The front door: each public module below re-exports what the other crates use; the
//! files inside a folder are the crate's own (`pub(crate)`).
//!
//! - [`failure`] (`failure.rs`): the kinds of failure, with their names and HTTP
//!   statuses; a leaf.
//! - [`input`] (`input/`): excerpts of untrusted input for messages, and the one strict
//!   JSON reader every input goes through (`json.rs`).
//! - [`config`] (`config/`): settings from the environment, checked once; the variables'
//!   names and how they are read (`env.rs`), where GES is (`endpoint.rs`), durations
//!   within a service's range (`bounded_seconds.rs`).
//! - [`transport`] (`transport/`): the one place HTTP clients are built, requests put on
//!   the wire and answers read; the roots every HTTP client trusts (`tls.rs`); which
//!   failed calls are tried again, and when (`retry.rs`).
//! - [`credentials`] (`credentials/`): token, AK/SK or IAM token authentication and the
//!   IAM token cache; the configured token or AK/SK signer (`configured.rs`), the IAM calls
//!   (`iam.rs`), the cache of credentials that expire (`refresh.rs`), credentials from AWS
//!   Secrets Manager through the Lambda extension (`secrets.rs`), and a credential
//!   service's refusal, one type for IAM, either STS and Secrets Manager (`refusal.rs`).
//! - [`federation`] (`federation/`): temporary AK/SK for an OIDC ID token (`id_token.rs`)
//!   from Huawei Cloud STS (`huawei_sts.rs`), the token being the function's own from AWS
//!   STS (`aws_sts.rs`) or one given; its settings (`config.rs`), why it failed
//!   (`error.rs`), one attempt of either STS call (`sts_call.rs`).
//! - [`ges`] (`ges/`): one HTTP client for every generated GES operation (`client.rs`);
//!   stopping or starting one graph, or previewing a stop (`change.rs`); waiting for a
//!   stop job to end (`wait.rs`); which graph, the change asked of it and how it came out
//!   (`report.rs`); why a call about a graph failed, and what GES said (`error.rs`).
//! - [`fleet`] (`fleet/`): the graphs selectors select (`selector.rs`), by paging each
//!   project's list in every region (`regions.rs`), with the allow-lists and the opt-out
//!   tag (`policy.rs`).
//! - [`calendars`] (`calendars/`): calendars read from a URL at run time, the last good
//!   copy of each kept for as long as the warm process lives: the URL as a document gives
//!   it (`address.rs`), one fetch with its redirects and retries (`fetch.rs`), the copies
//!   and when a URL is fetched again (`cache.rs`), why a calendar could not be had
//!   (`error.rs`).
//! - [`schedule`] (`schedule/`): schedules (when graphs should run, in their own time
//!   zones) and the boundaries where their desired state changes.
//! - [`savings`] (`savings/`): what the schedules save over a range of days, in hours
//!   and, with a price table, in money.
//! - [`usage`] (`usage/`): graphs' request counts a minute at a time from Cloud Eye
//!   (`read.rs`), over a window of whole minutes split into requests within Cloud Eye's
//!   limits (`window.rs`), and what they show: idle, busy or not known (`counts.rs`).
//! - [`run`] (`run/`): one run, whoever asks: its request, its runner under a deadline,
//!   what a reconcile decides for each scheduled graph (`reconcile.rs`), its answer and
//!   its errors with their HTTP statuses, and the settings it reads.

#![warn(missing_docs)]

pub mod calendars;
pub mod config;
pub mod credentials;
pub mod failure;
pub mod federation;
pub mod fleet;
pub mod ges;
pub mod input;
pub mod run;
pub mod savings;
pub mod schedule;
#[cfg(feature = "test-support")]
pub mod test_support;
pub mod transport;
pub mod usage;
