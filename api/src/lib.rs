//! The GES wire contract, shared by the function, the command line and the simulator.
//!
//! - [`types`]: the requests, responses and validated identifiers generated at build
//!   time from `openapi/ges.yaml` by `ges-codegen`.
//! - [`runtime`]: the small hand-written support the generated code calls.
//! - [`signing`]: SDK-HMAC-SHA256, computed by clients and checked by the simulator.

pub mod runtime;
pub mod signing;

/// Types generated from `openapi/ges.yaml`.
pub mod types {
    #![allow(missing_docs)]
    include!(concat!(env!("OUT_DIR"), "/ges.rs"));
}

pub use runtime::{DecodeError, Operation, OperationResponse, RawResponse};
