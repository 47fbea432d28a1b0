//! The state the resolving passes share as they walk the spec; each pass adds its own
//! methods in its own module.

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::pointer::Pointer;
use crate::problems::Problems;

/// The state shared by the resolving passes.
pub(crate) struct Resolver<'s> {
    pub(super) spec: &'s OpenAPI,
    pub(super) raw: &'s Value,
    pub(super) problems: Problems,
    /// The Rust name of every schema in `components/schemas`, `None` where the spec
    /// name makes none (already reported): a `$ref` to it is then not reported again.
    pub(super) schema_names: BTreeMap<String, Option<String>>,
}

impl<'s> Resolver<'s> {
    pub(super) fn new(spec: &'s OpenAPI, raw: &'s Value) -> Self {
        Self {
            spec,
            raw,
            problems: Problems::new(),
            schema_names: BTreeMap::new(),
        }
    }

    /// A string the raw document holds at `pointer`, for what openapiv3 drops.
    pub(super) fn raw_string(&self, pointer: &Pointer) -> Option<String> {
        self.raw
            .pointer(pointer.as_json_pointer())
            .and_then(Value::as_str)
            .map(str::to_owned)
    }
}
