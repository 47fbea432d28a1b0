//! The spec resolved into what the emitter needs: every name already a valid Rust
//! identifier, every `$ref` followed, every unsupported construct reported.
//!
//! Building the model is where all checking happens; the emitter only turns a model
//! that passed into tokens and cannot fail on spec input.

mod bodies;
mod checks;
mod headers;
mod items;
mod operations;
mod paths;
mod refs;
mod resolver;
mod schemas;

pub(crate) use items::*;
use resolver::Resolver;

use crate::error::Problem;
use crate::load::Loaded;

/// Resolves the whole spec, or returns every problem found.
pub(crate) fn build(loaded: &Loaded) -> Result<Api, Vec<Problem>> {
    let mut resolver = Resolver::new(&loaded.spec, &loaded.raw);
    let types = resolver.schemas();
    let operations = resolver.operations(&types);
    let api = Api {
        version: loaded.spec.info.version.clone(),
        types,
        operations,
    };
    checks::check(&api, &mut resolver.problems);
    resolver.problems.finish()?;
    Ok(api)
}
