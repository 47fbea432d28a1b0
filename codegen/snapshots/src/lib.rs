//! The generator's output for each spec, checked in and compiled here, so that a
//! snapshot that does not build fails the build, and a change to the generator shows
//! up as a diff in review. `codegen/tests/snapshots.rs` keeps these files equal to what
//! the generator makes now; re-bless them with `EXPECTORATE=overwrite`.
//!
//! The modules are `rustfmt::skip`: they are prettyplease's output, byte for byte, and
//! `cargo fmt` must not make them differ from it. Generated items carry the spec's
//! descriptions, and a spec does not describe everything: hence `allow(missing_docs)`.

#![warn(missing_docs)]

/// Generated from `openapi/ces.yaml`: Cloud Eye's batch metric read.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod ces;
/// Generated from the vendored corpus documents that generate (`codegen/tests/corpus/`).
#[allow(missing_docs)]
pub mod corpus;
/// Generated from `codegen/tests/specs/facts.yaml`: project scope, refusals, enum
/// descriptions, response headers, and names like the standard library's.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod facts;
/// Generated from `codegen/tests/specs/features.yaml`: every supported construct.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod features;
/// Generated from `openapi/ges.yaml`: the real contract.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod ges;
/// Generated from `openapi/iam.yaml`: the IAM calls.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod iam;
/// Generated from `codegen/tests/specs/minimal.yaml`: an operation with nothing but a
/// status code.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod minimal;
/// Generated from `openapi/sts.yaml`: the STS call that trades an OIDC ID token for
/// temporary credentials.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod sts;
/// Generated from `codegen/tests/specs/types_only.yaml`: schemas and no operation.
#[rustfmt::skip]
#[allow(missing_docs)]
pub mod types_only;
