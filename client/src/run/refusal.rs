//! What a front door says of an event it cannot serve ([`Refused`]), and of a start it
//! cannot make ([`StartError`]): each door has its own kinds of caller and of envelope
//! error, and the same two facts about them. A leaf module.

use crate::config::ConfigError;
use crate::ges::ClientError;

/// An event that cannot be served: what is wrong (`E`, the door's envelope error), and
/// the caller it came from when that much could be told (`T`, the door's trigger), so
/// that an HTTP caller gets an HTTP answer even for a bad request.
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct Refused<T, E> {
    /// The caller, when detected.
    pub trigger: Option<T>,
    /// What is wrong.
    pub error: E,
}

impl<T, E> Refused<T, E> {
    /// `error`, from `trigger` when known.
    pub fn new(trigger: Option<T>, error: E) -> Self {
        Self { trigger, error }
    }
}

/// Why a front door cannot build its runner: the configuration ([`super::load`]), or the
/// HTTP client ([`super::Runner::new`]).
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is wrong.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The HTTP client could not be set up.
    #[error(transparent)]
    Client(#[from] ClientError),
}
