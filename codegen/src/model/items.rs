//! The model's items: what the emitter turns into code, each name already a valid Rust
//! identifier. A leaf module: the resolving passes build these, the emitter reads them.

use crate::pointer::Pointer;

/// Everything to generate, in output order.
pub(crate) struct Api {
    /// The document's `info.version`: the version of the API it describes.
    pub(crate) version: String,
    /// Sorted by Rust name: their order in the spec carries no meaning.
    pub(crate) types: Vec<TypeDef>,
    /// In the spec's path order, then method order.
    pub(crate) operations: Vec<OperationDef>,
    /// Who answers, as messages name it: `info.x-service-name`, else "the server".
    pub(crate) service: String,
    /// Whether the spec marks any value `x-sensitive`: then the service deals in
    /// credentials, and no error about one of its answers may quote it.
    pub(crate) answers_withheld: bool,
}

/// One schema from `components/schemas`.
pub(crate) struct TypeDef {
    pub(crate) name: String,
    pub(crate) pointer: Pointer,
    pub(crate) doc: Option<String>,
    pub(crate) kind: TypeKind,
}

pub(crate) enum TypeKind {
    /// `pub type X = ...;`: a plain string, number, array or another schema.
    Alias(TypeRef),
    /// A string with `minLength`, `maxLength` or `pattern`: a newtype that checks.
    Validated(StringRules),
    /// A string enum; values the spec does not list are kept in `Unknown`.
    Enum(Vec<Variant>),
    /// An object.
    Struct(Vec<Field>),
}

pub(crate) struct StringRules {
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
    /// Already compiled once with regex-lite, the engine the runtime uses.
    pub(crate) pattern: Option<String>,
}

pub(crate) struct Variant {
    pub(crate) name: String,
    pub(crate) value: String,
    /// The value in words, from `x-enum-descriptions`.
    pub(crate) description: Option<String>,
}

pub(crate) struct Field {
    /// A field name, possibly raw (`r#type`).
    pub(crate) name: String,
    pub(crate) json_name: String,
    pub(crate) doc: Option<String>,
    pub(crate) ty: TypeRef,
    pub(crate) required: bool,
    /// `x-sensitive: true`: held in the runtime's `SensitiveString` (a password in a
    /// request body), so that `Debug` of the struct does not show it.
    pub(crate) sensitive: bool,
}

/// A type as a field, parameter or body uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TypeRef {
    String,
    I32,
    I64,
    F64,
    Bool,
    Vec(Box<TypeRef>),
    /// A type from `components/schemas`, by its Rust name.
    Named(String),
}

/// How a parameter value becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A string, a validated string or an enum: it has `as_str`.
    Text,
    /// A number or boolean: it has only `Display`.
    Scalar,
    /// An object or array, which has no single-string form.
    Composite,
}

pub(crate) struct OperationDef {
    pub(crate) id: String,
    /// The operation's UpperCamelCase name, the stem of its request and response types.
    pub(crate) name: String,
    pub(crate) pointer: Pointer,
    /// Upper case, as `http::Method` names its constants.
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) path_parts: Vec<PathPart>,
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) params: Vec<Param>,
    pub(crate) body: Option<Body>,
    /// Sorted by status code.
    pub(crate) responses: Vec<ResponseDef>,
    /// The index in `params` of the `project_id` path parameter, when the path has one
    /// that renders as text: the request then implements `ProjectScoped`.
    pub(crate) project_id: Option<usize>,
}

pub(crate) enum PathPart {
    Literal(String),
    /// The index of a path parameter in `params`.
    Param(usize),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ParamLocation {
    Path,
    Query,
    Header,
}

impl ParamLocation {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
        }
    }
}

pub(crate) struct Param {
    pub(crate) location: ParamLocation,
    pub(crate) wire_name: String,
    pub(crate) field: String,
    pub(crate) doc: Option<String>,
    pub(crate) ty: TypeRef,
    pub(crate) shape: Shape,
    pub(crate) required: bool,
}

pub(crate) struct Body {
    pub(crate) ty: TypeRef,
    pub(crate) required: bool,
    pub(crate) doc: Option<String>,
}

pub(crate) struct ResponseDef {
    pub(crate) status: u16,
    pub(crate) variant: String,
    pub(crate) doc: String,
    pub(crate) body: Option<TypeRef>,
    /// The headers the spec declares for this answer, in its order. With any, the
    /// variant has named fields: `body` and one per header.
    pub(crate) headers: Vec<HeaderDef>,
}

/// A response header the spec declares.
pub(crate) struct HeaderDef {
    pub(crate) wire_name: String,
    pub(crate) field: String,
    pub(crate) doc: Option<String>,
    pub(crate) ty: TypeRef,
    pub(crate) required: bool,
    /// `x-sensitive: true`: held in the runtime's `SensitiveString`, whose `Debug` does
    /// not show it, and sent marked sensitive.
    pub(crate) sensitive: bool,
}

/// The field name the request body gets.
pub(crate) const BODY_FIELD: &str = "body";

/// How a type renders as a parameter, following aliases; `None` for a type that is
/// not generated because of a problem already reported.
pub(crate) fn shape(ty: &TypeRef, types: &[TypeDef]) -> Option<Shape> {
    shape_at_depth(ty, types, 0)
}

fn shape_at_depth(ty: &TypeRef, types: &[TypeDef], depth: usize) -> Option<Shape> {
    match ty {
        TypeRef::String => Some(Shape::Text),
        TypeRef::I32 | TypeRef::I64 | TypeRef::F64 | TypeRef::Bool => Some(Shape::Scalar),
        TypeRef::Vec(_) => Some(Shape::Composite),
        TypeRef::Named(name) => {
            // An alias cycle is reported by the checks; here it just has no shape.
            if depth > types.len() {
                return None;
            }
            match &types.iter().find(|def| &def.name == name)?.kind {
                TypeKind::Alias(target) => shape_at_depth(target, types, depth + 1),
                TypeKind::Validated(_) | TypeKind::Enum(_) => Some(Shape::Text),
                TypeKind::Struct(_) => Some(Shape::Composite),
            }
        }
    }
}
