//! The code generated from the vendored corpus documents that generate
//! (`codegen/tests/corpus/`), compiled here so that `codegen/tests/corpus.rs` proves
//! it builds. Each module is named after its document.

/// From `progenitor-param-collision.json`: parameters named like the generated code's
/// own locals.
#[rustfmt::skip]
pub mod progenitor_param_collision;
/// From `progenitor-param-overrides.yaml`: path-level parameters an operation redefines.
#[rustfmt::skip]
pub mod progenitor_param_overrides;
