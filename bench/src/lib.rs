//! What the benchmark binaries share: the statistics they print ([`stats`]), and the
//! in-process benchmark of a reconcile's decisions ([`decide`]). A library, so that its
//! modules are checked like every crate's (a binary's own modules would not be).

#![warn(missing_docs)]

pub mod calendar;
pub mod decide;
pub mod stats;

/// Any failure of a benchmark run.
pub type Error = Box<dyn std::error::Error + Send + Sync>;
