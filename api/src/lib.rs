//! The GES wire contract, shared by the function, the command line and the simulator.
//!
//! - [`types`]: the requests, responses and validated identifiers generated at build
//!   time from `openapi/ges.yaml` by `ges-codegen`.
//! - [`iam`]: the same for the IAM calls made to get a token or find a project id,
//!   from `openapi/iam.yaml`.
//! - [`sts`]: the same for the STS call that trades an OIDC ID token for temporary
//!   credentials, from `openapi/sts.yaml`.
//! - [`ces`]: the same for Cloud Eye's batch metric read, from `openapi/ces.yaml`.
//! - [`aws_sts`]: AWS STS's `GetWebIdentityToken`, a Query call that OpenAPI cannot
//!   describe: its request form, XML answers and error codes, typed by hand.
//! - [`runtime`]: the small hand-written support the generated code calls.
//! - `graph_defaults`: what a graph's edition and replica count are when GES leaves
//!   them out ([`types::Graph::edition`], [`types::Graph::replicas`]).
//! - [`signing`]: SDK-HMAC-SHA256, computed by clients and checked by the simulator.
//! - [`functiongraph`]: FunctionGraph's custom runtime API, its paths and headers, for the
//!   FunctionGraph function and the simulator's runtime.

#![warn(missing_docs)]

// Generated code names the runtime `::ges_api::runtime`, an absolute path that no name
// around it can shadow; this makes that path work inside this crate too.
extern crate self as ges_api;

pub mod aws_sts;
mod graph_defaults;
pub mod runtime;
pub mod signing;

/// Types generated from `openapi/ges.yaml`.
pub mod types {
    // Items carry the spec's descriptions; the spec does not describe every field.
    #![allow(missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/ges.rs"));
}

/// Types generated from `openapi/iam.yaml`: `CreateTokenRequest` (a token by password
/// or agency, answered in the sensitive `X-Subject-Token` header) and
/// `ListProjectsRequest` (a project's id by its name).
pub mod iam {
    // As for `types`: items carry the spec's descriptions, which do not cover everything.
    #![allow(missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/iam.rs"));
}

/// Types generated from `openapi/sts.yaml`: `AssumeAgencyWithOidcRequest`, which trades
/// an OIDC ID token for temporary AK/SK and a security token.
pub mod sts {
    // As for `types`: items carry the spec's descriptions, which do not cover everything.
    #![allow(missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/sts.rs"));
}

/// Types generated from `openapi/ces.yaml`: `BatchListMetricDataRequest`, which reads
/// several metrics' datapoints over a window (GES's request count per graph).
pub mod ces {
    // As for `types`: items carry the spec's descriptions, which do not cover everything.
    #![allow(missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/ces.rs"));

    pub use crate::ces_wire::*;
}

mod ces_wire;

/// FunctionGraph's custom runtime API: its paths and the headers of an invocation.
pub mod functiongraph {
    pub use crate::functiongraph_wire::*;
}

mod functiongraph_wire;

pub use runtime::{DecodeError, Operation, OperationResponse, RawResponse};
