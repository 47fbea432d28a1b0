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
//! configured access key, or with temporary credentials its Huawei STS issued (with
//! their `X-Security-Token`, until they expire). A simulator without credentials
//! refuses to start; IAM users, or an identity provider with an agency, count as
//! credentials.
//!
//! # Keyless federation
//!
//! On the same address it also speaks both halves of keyless federation, so that a
//! client can be pointed at it for both:
//!
//! - AWS STS: `POST /` `Action=GetWebIdentityToken` (Query API, `2011-06-15`),
//!   SigV4-signed with [`SimulatorBuilder::aws_credentials`], answers a JWT about
//!   [`SimulatorBuilder::aws_role_arn`] signed RS256 or ES384 with checked-in test keys;
//!   the issuer ([`RunningSimulator::issuer`], the base URL) serves
//!   `/.well-known/openid-configuration` and `/.well-known/jwks.json`. Refusals a test
//!   can ask for: [`SimulatorBuilder::aws_outbound_federation_disabled`],
//!   [`SimulatorBuilder::aws_deny_web_identity_token`],
//!   [`SimulatorBuilder::aws_token_audiences`],
//!   [`SimulatorBuilder::aws_session_remaining`]; the region is
//!   [`SimulatorBuilder::aws_region`].
//! - Huawei STS: `POST /v5/agencies/assume-with-oidc` (the contract's
//!   `AssumeAgencyWithOidc`) checks the ID token against that issuer's JWKS, for
//!   [`SimulatorBuilder::oidc_provider`] (and [`SimulatorBuilder::oidc_audience`]s) and
//!   [`SimulatorBuilder::oidc_agency`] (and [`SimulatorBuilder::oidc_trusted_subject`]s),
//!   and issues temporary AK/SK with a security token, living `duration_seconds` or
//!   [`SimulatorBuilder::federated_credentials_lifetime`] on the simulator's clock.
//!
//! Tests craft tokens to be refused with [`RunningSimulator::id_token_claims`] and
//! [`RunningSimulator::mint_id_token`] ([`Signer`]), and count or break the calls
//! through the journal and [`RunningSimulator::fail_next`] with
//! [`OperationKind::GetWebIdentityToken`] and [`OperationKind::AssumeAgencyWithOidc`].
//!
//! # FunctionGraph's custom runtime
//!
//! On the same address it serves the runtime API a FunctionGraph custom runtime
//! (`bootstrap`) fetches its invocations from and answers them at, as Huawei's "Custom
//! Runtime" page gives it (functiongraph_01_0406,
//! <https://support.huaweicloud.com/intl/en-us/usermanual-functiongraph/functiongraph_01_0406.html>),
//! so that a `bootstrap` given [`RunningSimulator::runtime_api_addr`] as
//! `RUNTIME_API_ADDR` can be tested end to end. A test queues an event with
//! [`RunningSimulator::invoke_function`] ([`FunctionInvocation`]) and gets what the
//! function did with it ([`FunctionOutcome`]):
//!
//! - `GET /v1/runtime/invocation/request` waits up to [`RUNTIME_LONG_POLL`] and hands
//!   out the oldest invocation queued: `200`, the event as the body, and the headers
//!   `X-Cff-Request-Id` (a fresh UUID), `X-CFF-Invoke-Type` (`sync`: Huawei documents
//!   no value) and, when the invocation has an agency, `X-CFF-Access-Key`,
//!   `X-CFF-Secret-Key`, `X-CFF-Security-Token` (new temporary credentials for every
//!   invocation, accepted by GES, Cloud Eye and IAM with their `X-Security-Token` for 24
//!   hours on the simulator's clock; [`RunningSimulator::agency_access_keys`] lists
//!   them) and `X-CFF-Auth-Token` (a new IAM token for the main project). Without an
//!   agency the four are absent. Nothing within the wait, or a shutdown: `503`
//!   [`error_codes::NO_INVOCATION`], and the function asks again.
//! - `POST /v1/runtime/invocation/response/{request_id}` and
//!   `POST /v1/runtime/invocation/error/{request_id}` end the invocation with the body
//!   (at most [`RUNTIME_MAX_RESP_BODY_SIZE`] bytes, else `413`) and answer `200`; an
//!   unknown request ID gets `404`, one answered already or timed out `409`, and
//!   neither changes the outcome.
//!
//! The journal counts these calls ([`OperationKind::NextInvocation`],
//! [`OperationKind::InvocationResponse`], [`OperationKind::InvocationError`]); none is
//! authenticated, and faults do not apply to them.
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
//! # Calendar documents
//!
//! On the same address it serves the iCalendar documents a test gives it, standing for
//! the HTTPS hosts a schedule's calendar URLs name:
//! [`RunningSimulator::serve_calendar`] serves a document at `/calendars/{name}` (and
//! gives its URL), [`RunningSimulator::fail_calendar`] makes the next requests of a name
//! meet a [`Fault`] (a status, a redirect with [`Fault::redirect`], a delay, a dropped
//! connection, a huge body), and [`RunningSimulator::calendar_requests`] counts the
//! requests of a name. No call is authenticated; a query is ignored.
//!
//! Graphs move with the simulator's own clock: real time unless a test moves it
//! forward ([`RunningSimulator::advance_clock`]), so that a stop or a start can be seen
//! to finish, and GES's seven-day rule (a graph stopped for [`SELF_RESTART_AFTER`]
//! restarts by itself) to apply, without waiting. ID tokens and federated credentials
//! keep to it too, so that they can be seen to expire.
//!
//! Modules, by concern, each using only those listed before it (`tests/modules.rs`
//! checks that the graph has no cycle): `answer` (JSON answers), `clock` (the
//! simulator's "now", which a test moves), `error`, `error_codes`, `journal` (records
//! the traffic, [`RunningSimulator::requests`]), `jwt` (the test keys, signing and
//! checking ID tokens, the JWKS), `cloud_eye` (request counts, and Cloud Eye's rules for
//! reading them out) and `state` (graphs and jobs and how they move with
//! time) use no other module but `error_codes`; `auth` checks credentials; `fault`
//! holds failures a test asked for ([`RunningSimulator::fail_next`]); `iam` holds IAM's
//! users, agencies and tokens; `aws_sts` holds AWS STS's configuration and checks SigV4
//! signatures and `GetWebIdentityToken` parameters; `federation` holds Huawei STS's
//! identity provider, agency and the temporary credentials issued (the FunctionGraph
//! runtime's agency credentials too); `function_runtime` holds the FunctionGraph
//! invocations queued, handed out and finished; `shared` holds the
//! checked configuration and the state every handler shares; `iam_routes` issues
//! tokens and looks projects up; `aws_sts_routes` issues ID tokens and serves the
//! issuer's documents; `huawei_sts` trades ID tokens for temporary credentials;
//! `function_runtime_routes` serves FunctionGraph's runtime API; `calendar_files` holds
//! the calendar documents a test serves and their faults, `calendar_routes` serves them;
//! `routes` turns requests into answers (its docs list every route and check);
//! `server` listens and shuts down; `builder` checks the configuration and starts the
//! server.
//! [`error_codes`] names the codes answered.

#![deny(missing_docs)]

mod answer;
mod auth;
mod aws_sts;
mod aws_sts_routes;
mod builder;
mod calendar_files;
mod calendar_routes;
mod ces_routes;
mod clock;
mod cloud_eye;
mod error;
pub mod error_codes;
mod fault;
mod federation;
mod function_runtime;
mod function_runtime_routes;
mod huawei_sts;
mod iam;
mod iam_routes;
mod journal;
mod jwt;
mod routes;
mod server;
mod shared;
mod state;

pub use aws_sts::{DEFAULT_AWS_REGION, DEFAULT_AWS_ROLE_ARN, MAX_JWT_PAYLOAD_BYTES};
pub use builder::{
    DEFAULT_PROJECT_ID, DEFAULT_START_DURATION, DEFAULT_STOP_DURATION, SimulatorBuilder,
};
pub use clock::MAX_CLOCK_OFFSET;
pub use cloud_eye::IdleMinutes;
pub use error::SimulatorError;
pub use fault::{Fault, ListingFault};
pub use function_runtime::{
    FunctionInvocation, FunctionOutcome, RUNTIME_LONG_POLL, RUNTIME_MAX_RESP_BODY_SIZE,
};
pub use iam::{DEFAULT_REGION, DEFAULT_TOKEN_LIFETIME};
pub use journal::{Authentication, OperationKind, Page, RequestRecord, Scheme};
pub use jwt::{
    Audience, AwsIdentity, ES384_KEY_ID, ID_TOKEN_LEEWAY, IdTokenClaims, RS256_KEY_ID, Signer,
    SigningAlgorithm,
};
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
