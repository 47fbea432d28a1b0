//! Turns the GES OpenAPI 3.0 contract into typed Rust requests and responses.
//!
//! [`generate`] reads a spec and returns formatted Rust source: one validated newtype,
//! open enum, struct or alias per schema under `components/schemas`, and per operation
//! a `{OperationId}Request` struct and a `{OperationId}Response` enum with one variant
//! per documented status code, both implementing the runtime's `Operation` and
//! `OperationResponse` traits. The output refers to that runtime as `crate::runtime`
//! and to `serde`, which the crate including it provides.
//!
//! The work is split by role: `load` parses and checks the version,
//! `model` resolves the spec and reports every unsupported construct at once with its
//! JSON pointer, and `emit` writes the code. Anything the generator does not support
//! is an [`Error`], never a panic.
//!
//! The same spec always gives byte-identical output: schemas are sorted by name,
//! operations keep the spec's path order, responses are sorted by status code.

#![deny(missing_docs)]

mod emit;
mod error;
mod load;
mod model;
mod names;
mod pointer;
mod problems;

use std::path::Path;

pub use error::{Error, Problem};

/// Generates the Rust code for a spec, given as YAML or JSON text. `source_name` only
/// appears in messages and in the header comment of the output.
pub fn generate(spec_text: &str, source_name: &str) -> Result<String, Error> {
    let loaded = load::load(spec_text, source_name)?;
    let api = model::build(&loaded).map_err(|problems| Error::Spec {
        source_name: source_name.to_owned(),
        problems,
    })?;
    emit::emit(&api, source_name)
}

/// Generates the code for the spec at `spec_path` and writes it to `out_path`: what a
/// build script does. The spec path, as given, names the spec in messages and output.
pub fn generate_file(spec_path: &Path, out_path: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let text = std::fs::read_to_string(spec_path).map_err(io(spec_path))?;
    let code = generate(&text, &spec_path.display().to_string())?;
    std::fs::write(out_path, code).map_err(io(out_path))
}
