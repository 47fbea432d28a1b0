//! Following `$ref`s: only to `#/components/<section>/<name>` of this document, and
//! through chains of components without looping.

use openapiv3::ReferenceOr;

use super::items::TypeRef;
use super::resolver::Resolver;
use crate::pointer::{Pointer, unescape};

/// How many `$ref`s in a row are followed before the chain counts as a cycle.
const MAX_CHAIN: usize = 16;

/// The component name a `$ref` names, if it points where this kind of reference may.
pub(super) fn component_name(reference: &str, section: &str) -> Result<String, String> {
    let Some(local) = reference.strip_prefix("#/") else {
        return Err(format!(
            "`{reference}` is an external reference; only references inside this document, to \
             `#/components/{section}/<name>`, are supported: copy the definition there"
        ));
    };
    match local.split('/').collect::<Vec<_>>().as_slice() {
        ["components", found, name] if *found == section => Ok(unescape(name)),
        _ => Err(format!(
            "`{reference}` does not point to `#/components/{section}/<name>`, the only place this \
             kind of reference may point"
        )),
    }
}

impl<'s> Resolver<'s> {
    /// Follows a reference to a parameter, response or request body to the definition,
    /// and returns it with the place it is written, where its own problems are reported.
    pub(super) fn follow<T>(
        &mut self,
        item: &'s ReferenceOr<T>,
        at: &Pointer,
        section: &str,
        lookup: impl Fn(&str) -> Option<&'s ReferenceOr<T>>,
    ) -> Option<(&'s T, Pointer)> {
        let mut current = item;
        let mut here = at.clone();
        for _ in 0..MAX_CHAIN {
            let reference = match current {
                ReferenceOr::Item(item) => return Some((item, here)),
                ReferenceOr::Reference { reference } => reference,
            };
            let name = match component_name(reference, section) {
                Ok(name) => name,
                Err(message) => {
                    self.problems.push(&here, message);
                    return None;
                }
            };
            let Some(next) = lookup(&name) else {
                self.problems.push(
                    &here,
                    format!("`{reference}` points to nothing: there is no `{name}` under components/{section}"),
                );
                return None;
            };
            current = next;
            here = Pointer::root().push("components").push(section).push(&name);
        }
        self.problems.push(
            at,
            format!("the `$ref` chain from here is longer than {MAX_CHAIN} or loops"),
        );
        None
    }

    /// The type a schema `$ref` names.
    pub(super) fn schema_ref(&mut self, reference: &str, at: &Pointer) -> Option<TypeRef> {
        let name = match component_name(reference, "schemas") {
            Ok(name) => name,
            Err(message) => {
                self.problems.push(at, message);
                return None;
            }
        };
        match self.schema_names.get(&name) {
            Some(Some(rust_name)) => Some(TypeRef::Named(rust_name.clone())),
            // The schema's name is the problem, and it is reported where it is written.
            Some(None) => None,
            None => {
                self.problems.push(
                    at,
                    format!("`{reference}` points to nothing: there is no `{name}` under components/schemas"),
                );
                None
            }
        }
    }
}
