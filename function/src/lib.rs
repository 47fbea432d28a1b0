//! ges-stop: stops Huawei Cloud GES graphs, so that they are no longer billed.
//!
//! - [`config`]: settings from the environment, checked once.
//! - [`endpoint`]: where GES is.
//! - [`credentials`]: token or AK/SK authentication.
//! - [`client`]: one HTTP client for every generated GES operation.
//! - [`stop`]: stopping one graph, and what GES's answer means.
//! - [`cli`]: the `ges-stop` command line.

pub mod cli;
pub mod client;
pub mod config;
pub mod credentials;
pub mod endpoint;
pub mod stop;
