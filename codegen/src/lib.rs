//! Turns the GES OpenAPI 3.0 contract into typed Rust requests and responses.
//!
//! [`generate`] reads a spec and returns formatted Rust source: one validated newtype,
//! open enum, struct or alias per schema under `components/schemas`, and per operation
//! a `{OperationId}Request` struct and a `{OperationId}Response` enum with one variant
//! per documented status code, both implementing the runtime's `Operation` and
//! `OperationResponse` traits. The output names everything by absolute paths:
//! `::std::...`, `::serde::...` and the runtime as `::ges_api::runtime::...`, so the
//! crate including it depends on `ges-api` and `serde` (ges-api itself names itself
//! with `extern crate self as ges_api`).
//!
//! What the spec knows, the output carries:
//! - `ProjectScoped` for each request whose path has a `{project_id}` parameter;
//! - `Refusable` (and `into_result`, with one success) for each response whose error
//!   answers (400 and above) all carry one body type;
//! - typed fields for the response headers a status code declares, and
//!   `decode_with_headers` and `OperationResponse::headers` to read and send them.
//!
//! Extensions it reads:
//! - `x-enum-varnames` on a string enum: the Rust variant for each value, in order;
//! - `x-enum-descriptions` on a string enum: each value in words, in order, returned by
//!   the generated `description()` (`None` for values the spec does not list);
//! - `x-sensitive: true` on a response header or a string property: the value is held
//!   in the runtime's `SensitiveString`, whose `Debug` does not show it, and a server
//!   sends the header marked sensitive. A spec that marks any value so describes a
//!   service that deals in credentials: the generated decoders then tell the runtime
//!   to quote none of its answers in an error (`Answers::Withheld`);
//! - `x-service-name` in `info`: who answers, as decode errors name it ("GES", "IAM");
//!   "the server" when absent.
//!
//! The work is split by role: `load` parses (JSON as JSON, YAML as YAML) and checks the
//! version and the shapes its parser cannot be trusted with, `model` resolves the spec
//! and reports every unsupported construct at once with its JSON pointer, and `emit`
//! writes the code. Anything the generator does not support is an [`Error`], never a
//! panic; [`load`] is the entry point for untrusted bytes (a fuzz target).
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

/// A document that parsed as OpenAPI 3.0.x: what [`load`] gives and
/// [`Document::generate`] turns into code.
pub struct Document {
    loaded: load::Loaded,
    source_name: String,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("source_name", &self.source_name)
            .finish_non_exhaustive()
    }
}

/// Parses a spec from bytes, YAML or JSON, and checks that it is OpenAPI 3.0.x with the
/// shape OpenAPI gives it. `source_name` only appears in messages.
///
/// This is the loader's entry point, public so that a fuzz target can feed it arbitrary
/// bytes: it returns an error for any input and never panics (a panic in a dependency
/// is caught and returned as [`Error::Panicked`]).
pub fn load(bytes: &[u8], source_name: &str) -> Result<Document, Error> {
    let loaded = load::load(bytes, source_name)?;
    Ok(Document {
        loaded,
        source_name: source_name.to_owned(),
    })
}

impl Document {
    /// The Rust code for this document, or every problem that stops it.
    pub fn generate(&self) -> Result<String, Error> {
        let source_name = self.source_name.as_str();
        load::contain(source_name, "generating code", || {
            let api = model::build(&self.loaded).map_err(|problems| Error::Spec {
                source_name: source_name.to_owned(),
                problems,
            })?;
            emit::emit(&api, source_name)
        })?
    }
}

/// Generates the Rust code for a spec, given as YAML or JSON text. `source_name` only
/// appears in messages and in the header comment of the output.
pub fn generate(spec_text: &str, source_name: &str) -> Result<String, Error> {
    load(spec_text.as_bytes(), source_name)?.generate()
}

/// Generates the code for the spec at `spec_path` and writes it to `out_path`: what a
/// build script does. The spec path, as given, names the spec in messages and output.
pub fn generate_file(spec_path: &Path, out_path: &Path) -> Result<(), Error> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| Error::Io { path, source }
    };
    let bytes = std::fs::read(spec_path).map_err(io(spec_path))?;
    let code = load(&bytes, &spec_path.display().to_string())?.generate()?;
    std::fs::write(out_path, code).map_err(io(out_path))
}
