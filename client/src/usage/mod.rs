//! How much graphs were used: their request counts a minute at a time, read from Cloud
//! Eye, where GES reports them.
//!
//! - `window.rs`: the window read ([`Window`], whole minutes), and how many graphs one
//!   request may carry for it within Cloud Eye's limits.
//! - `read.rs`: the reads, in batches, through the GES client's transport, credentials
//!   and retries ([`read_request_counts`]), and why one failed ([`UsageError`]).
//! - `counts.rs`: one graph's counts ([`GraphUsage`]) and what they show ([`Usage`]:
//!   idle, busy, or not known).

mod counts;
mod read;
mod window;

pub use counts::{GraphUsage, Usage};
pub use read::{UsageError, UsageErrorKind, read_request_counts};
pub use window::{Window, WindowError};
