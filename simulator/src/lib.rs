//! A Huawei Cloud Graph Engine Service (GES) that runs in-process on a loopback
//! address, for `ges-stop demo`, `ges-stop simulate` and the tests.
//!
//! It serves the five operations of `openapi/ges.yaml` (stop a graph, start a graph,
//! show a graph, list graphs, show a job) for one project, or several for a fleet
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
//! Graphs move with the simulator's own clock: real time unless a test moves it
//! forward ([`RunningSimulator::advance_clock`]), so that a stop or a start can be seen
//! to finish, and GES's seven-day rule (a graph stopped for [`SELF_RESTART_AFTER`]
//! restarts by itself) to apply, without waiting.
//!
//! Modules, by concern, each using only those listed before it (`tests/modules.rs`
//! checks that the graph has no cycle): `answer` (JSON answers), `clock` (the
//! simulator's "now", which a test moves), `error`, `error_codes`, `journal` (records
//! the traffic, [`RunningSimulator::requests`]) and `state` (graphs and jobs and how
//! they move with time) use no other module; `auth` checks credentials; `fault` holds
//! failures a test asked for ([`RunningSimulator::fail_next`]); `iam` holds IAM's users,
//! agencies and tokens; `shared` holds the checked configuration and the state every
//! handler shares; `iam_routes` issues tokens and looks projects up; `routes` turns
//! requests into answers (its docs list every route and check); `server` listens and
//! shuts down; `builder` checks the configuration and starts the server.
//! [`error_codes`] names the codes answered.

#![deny(missing_docs)]

mod answer;
mod auth;
mod builder;
mod clock;
mod error;
pub mod error_codes;
mod fault;
mod iam;
mod iam_routes;
mod journal;
mod routes;
mod server;
mod shared;
mod state;

pub use builder::{
    DEFAULT_PROJECT_ID, DEFAULT_START_DURATION, DEFAULT_STOP_DURATION, SimulatorBuilder,
};
pub use clock::MAX_CLOCK_OFFSET;
pub use error::SimulatorError;
pub use fault::Fault;
pub use iam::{DEFAULT_REGION, DEFAULT_TOKEN_LIFETIME};
pub use journal::{Authentication, OperationKind, Page, RequestRecord, Scheme};
pub use server::RunningSimulator;
pub use shared::DEFAULT_LIST_LIMIT;
pub use state::{GraphSpec, SELF_RESTART_AFTER};

/// The entry point: `Simulator::builder()`.
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// A builder with the defaults: project [`DEFAULT_PROJECT_ID`], no graphs, no
    /// credentials (at least one must be added), stops taking
    /// [`DEFAULT_STOP_DURATION`] and starts [`DEFAULT_START_DURATION`], listening on `127.0.0.1` on a free port.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }
}
