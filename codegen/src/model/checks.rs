//! Checks across the whole model, after every part was resolved on its own.

use std::collections::BTreeMap;

use super::items::{Api, TypeDef, TypeKind, TypeRef};
use crate::names;
use crate::pointer::Pointer;
use crate::problems::Problems;

pub(super) fn check(api: &Api, problems: &mut Problems) {
    unique_names(api, problems);
    finite_types(&api.types, problems);
}

/// Every generated item lives in one module, so two spec names that give the same Rust
/// name (`GraphId` and `graph_id`, an operation `Show` and a schema `ShowRequest`)
/// would not compile. Each is reported at the later definition.
fn unique_names(api: &Api, problems: &mut Problems) {
    let mut seen: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut claim = |name: String, at: &Pointer, problems: &mut Problems| {
        if let Some(first) = seen.get(&name) {
            problems.push(
                at,
                format!("this gives the Rust name `{name}`, which {first} gives too; rename one"),
            );
        } else {
            seen.insert(name, at.clone());
        }
    };
    for def in &api.types {
        claim(def.name.clone(), &def.pointer, problems);
        if let TypeKind::Validated(rules) = &def.kind
            && rules.pattern.is_some()
        {
            claim(names::pattern_static(&def.name), &def.pointer, problems);
        }
    }
    for operation in &api.operations {
        claim(
            format!("{}Request", operation.name),
            &operation.pointer,
            problems,
        );
        claim(
            format!("{}Response", operation.name),
            &operation.pointer,
            problems,
        );
    }
}

/// A struct that holds itself, directly or through other structs and aliases but not
/// through an array, has no finite size and does not compile.
fn finite_types(types: &[TypeDef], problems: &mut Problems) {
    for def in types {
        let mut trail = vec![def.name.as_str()];
        if holds(types, def, &def.name, &mut trail) {
            problems.push(
                &def.pointer,
                format!(
                    "`{}` holds itself ({}) without an array in between; such recursive schemas \
                     are not supported",
                    def.name,
                    trail.join(" -> ")
                ),
            );
        }
    }
}

/// Whether `def` holds `target` by value; `trail` ends with the way there.
fn holds<'t>(
    types: &'t [TypeDef],
    def: &'t TypeDef,
    target: &str,
    trail: &mut Vec<&'t str>,
) -> bool {
    let held: Vec<&TypeRef> = match &def.kind {
        TypeKind::Alias(ty) => vec![ty],
        TypeKind::Struct(fields) => fields.iter().map(|field| &field.ty).collect(),
        TypeKind::Validated(_) | TypeKind::Enum(_) => Vec::new(),
    };
    for ty in held {
        let TypeRef::Named(name) = ty else { continue };
        if name == target {
            trail.push(name);
            return true;
        }
        // Each type is visited once per trail, so the walk ends even on cycles that do
        // not pass through `target`.
        if trail.contains(&name.as_str()) {
            continue;
        }
        let Some(next) = types.iter().find(|candidate| &candidate.name == name) else {
            continue;
        };
        trail.push(&next.name);
        if holds(types, next, target, trail) {
            return true;
        }
        trail.pop();
    }
    false
}
