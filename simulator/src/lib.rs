//! A Huawei Cloud Graph Engine Service (GES) that runs in-process on a loopback
//! address, for `ges-stop demo`, `ges-stop simulate` and the tests.
//!
//! It serves the four operations of `openapi/ges.yaml` (stop a graph, show a graph,
//! list graphs, show a job) for one project, or several for a fleet
//! ([`SimulatorBuilder::extra_project`], [`SimulatorBuilder::graph_in`]; each project
//! sees only its own graphs), routes on the generated requests'
//! `PATH_TEMPLATE`s, and renders every answer through the generated response enums,
//! so it speaks exactly the contract the client is generated from.
//!
//! Like the real service, it always checks authentication: an `X-Auth-Token` equal to
//! a configured token or to one its IAM issued that has not expired (and is scoped to
//! the path's project), or an `SDK-HMAC-SHA256` signature (checked with
//! [`ges_api::signing`] over the raw wire path, query and body) made with a
//! configured access key. A simulator without credentials refuses to start.
//!
//! ```no_run
//! # async fn demo() -> Result<(), ges_simulator::SimulatorError> {
//! use std::time::Duration;
//! use ges_simulator::{GraphSpec, Simulator};
//!
//! let graph_id = "graph-1".parse().expect("a valid graph ID");
//! let simulator = Simulator::builder()
//!     .graph(GraphSpec::running(graph_id, "demo-graph").with_tag("env", "dev"))
//!     .token("demo-token")
//!     .ak_sk("DEMOACCESSKEY", "demo-secret-key")
//!     .stop_duration(Duration::from_secs(2))
//!     .start()
//!     .await?;
//! println!("GES at {}/v2/{}", simulator.base_url(), simulator.project_id());
//! simulator.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! Modules, by concern: `state` holds graphs and jobs and how they move with time;
//! `auth` checks credentials; `routes` turns requests into answers (its docs list every
//! route and check); `iam` issues tokens and looks projects up; `server` listens and shuts down; `journal` records the traffic
//! ([`RunningSimulator::requests`]); `fault` holds failures a test asked for
//! ([`RunningSimulator::fail_next`]); [`error_codes`] names the codes answered.

#![deny(missing_docs)]

mod auth;
mod builder;
pub mod error_codes;
mod fault;
mod iam;
mod journal;
mod routes;
mod server;
mod state;

use std::net::SocketAddr;

use ges_api::types::{GraphId, ProjectId};

pub use builder::{DEFAULT_PROJECT_ID, DEFAULT_STOP_DURATION, SimulatorBuilder};
pub use fault::Fault;
pub use iam::{DEFAULT_REGION, DEFAULT_TOKEN_LIFETIME};
pub use journal::{Authentication, OperationKind, Page, RequestRecord, Scheme};
pub use routes::DEFAULT_LIST_LIMIT;
pub use server::RunningSimulator;
pub use state::GraphSpec;

/// The entry point: `Simulator::builder()`.
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// A builder with the defaults: project [`DEFAULT_PROJECT_ID`], no graphs, no
    /// credentials (at least one must be added), stops taking
    /// [`DEFAULT_STOP_DURATION`], listening on `127.0.0.1` on a free port.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }
}

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
    /// Neither a token nor an access key was configured.
    #[error(
        "the simulator has no credentials to accept: add a token with .token(..) or an \
         access key with .ak_sk(..); it always checks authentication, like GES"
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
