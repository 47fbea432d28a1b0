//! What a run is asked to do, whoever asks: the [`RunRequest`] every front door builds
//! (the Lambda function from an event, the command line from its flags), and the
//! [`Graphs`] it means. A leaf: the runner reads these, and they know nothing of it.

use std::fmt;

use ges_api::types::{GraphId, ProjectId};
use jiff::Timestamp;

use crate::credentials::configured::StaticCredentials;
use crate::fleet::selector::Selector;

/// The most graphs one request may name, or its selectors select: a bound on the work and
/// the answer's size.
pub const MAX_GRAPHS_PER_EVENT: usize = 1000;

/// One run: which graphs, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunRequest {
    /// The graphs the request names; none when it means the configured set (a classic
    /// schedule).
    pub graphs: Option<Graphs>,
    /// The project, when the request names one; else the configured default.
    pub project_id: Option<ProjectId>,
    /// Wait for each stop job to end (within the run's deadline).
    pub wait: bool,
    /// Check and report what would be stopped; send no stop.
    pub dry_run: bool,
    /// How many graphs selectors may select before the run is refused, when the request
    /// raises the configured maximum.
    pub max_graphs: Option<usize>,
    /// Credentials that sign this run's calls instead of the configured ones: a runtime
    /// that hands each invocation credentials of its own (FunctionGraph's per-invocation
    /// headers) fills them; none, and the configured credentials sign.
    pub credentials: Option<RunCredentials>,
}

/// Credentials that hold for one run only. Their `Debug` names only their kind: a
/// request is logged, its keys never.
#[derive(Clone)]
pub struct RunCredentials(StaticCredentials);

impl RunCredentials {
    /// An access key and secret key, with the security token of temporary credentials.
    pub fn ak_sk(
        access_key: String,
        secret_key: secrecy::SecretString,
        security_token: Option<secrecy::SecretString>,
    ) -> Self {
        Self(StaticCredentials::AkSk {
            access_key,
            secret_key,
            security_token,
        })
    }

    /// An IAM token, sent as `X-Auth-Token`.
    pub fn token(token: secrecy::SecretString) -> Self {
        Self(StaticCredentials::Token(token))
    }

    pub(crate) fn into_static(self) -> StaticCredentials {
        self.0
    }
}

impl fmt::Debug for RunCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RunCredentials({})", self.0.kind())
    }
}

/// Two requests are the same run whatever keys they carry: the keys are not compared,
/// so that no comparison can time them.
impl PartialEq for RunCredentials {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind()
    }
}

impl Eq for RunCredentials {}

/// The graphs a run means. Where it is optional (an event that names none, a deployment
/// that configures none), absent means the configured set, or nothing configured.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Graphs {
    /// These graphs, by ID: at least one, at most [`MAX_GRAPHS_PER_EVENT`], each once,
    /// in the order first named.
    Named(Vec<GraphId>),
    /// The graphs that match any of these selectors: at least one selector, at most
    /// [`MAX_SELECTORS`](crate::fleet::selector::MAX_SELECTORS).
    Selected(Vec<Selector>),
    /// The graphs that follow a schedule (by their schedule tag), brought to the state
    /// their schedule wants: a reconcile.
    Scheduled(Scheduled),
}

/// A reconcile: which scheduled graphs, and when to evaluate their schedules at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// Only the scheduled graphs these select; empty means every scheduled graph of the
    /// project.
    pub selectors: Vec<Selector>,
    /// The instant to evaluate the schedules at, when the request gives one (a late
    /// invocation acts on the time it was meant for; a dry run asks "what then?"); else
    /// now.
    pub at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_credentials_show_their_kind_and_never_their_keys() {
        let credentials = RunCredentials::ak_sk(
            "AKID-VISIBLE-NOWHERE".to_owned(),
            "sk-secret".to_owned().into(),
            Some("st-secret".to_owned().into()),
        );
        let request = RunRequest {
            credentials: Some(credentials),
            ..RunRequest::default()
        };
        let debug = format!("{request:?}");
        assert!(debug.contains("temporary AK/SK"), "{debug}");
        for secret in ["AKID-VISIBLE-NOWHERE", "sk-secret", "st-secret"] {
            assert!(!debug.contains(secret), "{debug}");
        }
    }
}
