//! Response headers: each one the spec declares for a status code becomes a typed field
//! of that answer's variant, and `x-sensitive: true` keeps its value out of `Debug`.

use openapiv3::{Header, ParameterSchemaOrContent, Response};

use super::items::{BODY_FIELD, HeaderDef, Shape, TypeDef, TypeRef, shape};
use super::resolver::Resolver;
use crate::names;
use crate::pointer::Pointer;

/// The extension that marks a header as a credential, such as IAM's `X-Subject-Token`.
pub(crate) const SENSITIVE: &str = "x-sensitive";

impl<'s> Resolver<'s> {
    /// The headers of one answer, or `None` after reporting a problem. `body` is the
    /// answer's body type as far as it resolved: a header may not take its field name.
    /// `x-sensitive` at `at` (a header or a property), read from the raw document, where
    /// it survives next to a `$ref` too. Only plain strings can be sensitive: they are
    /// held in the runtime's `SensitiveString`.
    pub(super) fn sensitive(&mut self, at: &Pointer, ty: &TypeRef, what: &str) -> Option<bool> {
        let flag_at = at.push(SENSITIVE);
        match self.raw.pointer(flag_at.as_json_pointer()) {
            None | Some(serde_json::Value::Bool(false)) => Some(false),
            Some(serde_json::Value::Bool(true)) if *ty == TypeRef::String => Some(true),
            Some(serde_json::Value::Bool(true)) => {
                self.problems.push(
                    &flag_at,
                    format!(
                        "`{SENSITIVE}` is supported on plain `type: string` {what}, whose value \
                         is held in a SensitiveString"
                    ),
                );
                None
            }
            Some(_) => {
                self.problems
                    .push(&flag_at, format!("`{SENSITIVE}` is `true` or `false`"));
                None
            }
        }
    }

    pub(super) fn response_headers(
        &mut self,
        response: &'s Response,
        at: &Pointer,
        body: Option<&Option<TypeRef>>,
        types: &[TypeDef],
    ) -> Option<Vec<HeaderDef>> {
        let spec = self.spec;
        let lookup = |name: &str| spec.components.as_ref()?.headers.get(name);
        let mut ok = true;
        let mut headers: Vec<HeaderDef> = Vec::new();
        for (wire_name, header) in &response.headers {
            // OpenAPI 3.0: a response header named Content-Type "SHALL be ignored".
            if wire_name.eq_ignore_ascii_case("content-type") {
                continue;
            }
            let header_at = at.push("headers").push(wire_name);
            let Some((header, header_at)) = self.follow(header, &header_at, "headers", lookup)
            else {
                ok = false;
                continue;
            };
            let Some(def) = self.response_header(wire_name, header, &header_at, types) else {
                ok = false;
                continue;
            };
            if def.field == BODY_FIELD && matches!(body, Some(Some(_))) {
                self.problems.push(
                    &header_at,
                    format!(
                        "the header `{wire_name}` gives the field `{BODY_FIELD}`, which holds the \
                         answer's body; rename it"
                    ),
                );
                ok = false;
            } else if let Some(other) = headers.iter().find(|other| other.field == def.field) {
                self.problems.push(
                    &header_at,
                    format!(
                        "the headers `{wire_name}` and `{}` both give the field `{}`; HTTP header \
                         names are case-insensitive, so declare each header once",
                        other.wire_name, def.field
                    ),
                );
                ok = false;
            } else {
                headers.push(def);
            }
        }
        ok.then_some(headers)
    }

    fn response_header(
        &mut self,
        wire_name: &str,
        header: &Header,
        at: &Pointer,
        types: &[TypeDef],
    ) -> Option<HeaderDef> {
        if http::HeaderName::from_bytes(wire_name.as_bytes()).is_err() {
            self.problems.push(
                at,
                format!(
                    "`{wire_name}` is not an HTTP header name; use letters, digits and `-` \
                     (RFC 9110 tokens)"
                ),
            );
            return None;
        }
        let field = match names::field_name(wire_name) {
            Ok(field) => field,
            Err(message) => {
                self.problems.push(at, message);
                return None;
            }
        };
        let ty = match &header.format {
            ParameterSchemaOrContent::Schema(schema) => {
                self.type_ref(schema, &at.push("schema"))?
            }
            ParameterSchemaOrContent::Content(_) => {
                self.problems.push(
                    &at.push("content"),
                    "a header with `content` is not supported; give it a `schema`",
                );
                return None;
            }
        };
        match shape(&ty, types) {
            Some(Shape::Composite) => {
                self.problems.push(
                    &at.push("schema"),
                    "a response header must be a string, integer, number, boolean, string enum \
                     or validated string; arrays and objects are not supported",
                );
                return None;
            }
            Some(_) => {}
            // The type has a problem of its own, already reported.
            None => return None,
        }
        let sensitive = self.sensitive(at, &ty, "headers")?;
        Some(HeaderDef {
            wire_name: wire_name.to_owned(),
            field,
            doc: header.description.clone(),
            ty,
            required: header.required,
            sensitive,
        })
    }
}
