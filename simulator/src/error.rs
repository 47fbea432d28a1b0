//! Why a simulator could not start or stop: the one error type of the public API, in
//! a module of its own so that every module may return it without using the crate
//! root (which uses them all).

use std::net::SocketAddr;

use ges_api::types::{GraphId, ProjectId};

/// Why a simulator could not start or stop.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulatorError {
    /// The listen address is not a loopback address.
    #[error(
        "the simulator listens on loopback addresses only, not {addr}: use 127.0.0.1 or [::1] \
         (port 0 picks a free port)"
    )]
    NotLoopback {
        /// The address asked for.
        addr: SocketAddr,
    },
    /// Neither a token, an access key, an IAM user nor federation was configured.
    #[error(
        "the simulator has no credentials to accept: add a token with .token(..), an \
         access key with .ak_sk(..), an IAM user with .iam_user(..), or keyless federation \
         with .oidc_provider(..) and .oidc_agency(..); it always checks authentication, \
         like GES"
    )]
    NoCredentials,
    /// A token, access key or secret key is empty or not usable in a header.
    #[error(
        "the simulator's {what} is not usable: it must be non-empty printable ASCII without \
         spaces{hint}"
    )]
    UnusableCredential {
        /// Which credential.
        what: &'static str,
        /// More about what to change, if anything.
        hint: &'static str,
    },
    /// Two graphs share an ID, in one project or in two.
    #[error("two graphs have the ID {id}: give each graph its own ID, across all projects")]
    DuplicateGraph {
        /// The shared ID.
        id: GraphId,
    },
    /// A graph was put in a project the simulator does not serve.
    #[error(
        "the project {project_id} is not served by this simulator: add it with \
         .extra_project(..) before putting graphs in it"
    )]
    UnknownProject {
        /// The project asked for.
        project_id: ProjectId,
    },
    /// Two projects share an ID or an IAM name (the main project is named after the
    /// region).
    #[error("two projects have the ID or name {project}: give each project its own ID and name")]
    DuplicateProject {
        /// The shared ID or name.
        project: String,
    },
    /// A ListGraphs page-size option is zero.
    #[error(
        "the simulator's {option}(..) must be at least 1: a ListGraphs page holds one graph \
         or more"
    )]
    UnusableListLimit {
        /// The builder method given zero.
        option: &'static str,
    },
    /// The listen address could not be bound.
    #[error("could not listen on {addr}: {source}; pick another port, or port 0 for a free one")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
    /// The server stopped with an error, or its task failed.
    #[error("the simulator's server failed: {reason}")]
    Server {
        /// What went wrong.
        reason: String,
    },
}
