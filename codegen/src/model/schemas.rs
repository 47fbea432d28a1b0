//! `components/schemas` into type definitions, and inline schemas into type uses.
//!
//! A schema under `components/schemas` may be an object, a string (plain, enum or
//! constrained), a number, a boolean, an array or a `$ref`. Anywhere else a schema must
//! be a `$ref` or a plain string, number, boolean or array of those: anything that
//! needs a type of its own is named under `components/schemas`, so that every generated
//! type has a name from the spec.

use std::borrow::Borrow;
use std::collections::BTreeSet;

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ObjectType, ReferenceOr, Schema, SchemaData,
    SchemaKind, StringType, Type, VariantOrUnknownOrEmpty,
};

use super::items::{Field, StringRules, TypeDef, TypeKind, TypeRef, Variant};
use super::resolver::Resolver;
use crate::names;
use crate::pointer::Pointer;

const SUPPORTED_TYPES: &str = "supported are `type: string` (with `enum`, `minLength`, \
                               `maxLength`, `pattern`), `integer` (`int32`, `int64`), `number`, \
                               `boolean`, `array` (with `items`) and `object` (with `properties`)";

impl<'s> Resolver<'s> {
    /// Every schema under `components/schemas`, sorted by Rust name.
    pub(super) fn schemas(&mut self) -> Vec<TypeDef> {
        let spec = self.spec;
        let Some(components) = &spec.components else {
            return Vec::new();
        };
        let section = Pointer::root().push("components").push("schemas");
        // Names first, so that a `$ref` resolves whatever order the schemas come in.
        for name in components.schemas.keys() {
            let rust_name = match names::type_name(name) {
                Ok(rust_name) => Some(rust_name),
                Err(message) => {
                    self.problems.push(&section.push(name), message);
                    None
                }
            };
            self.schema_names.insert(name.clone(), rust_name);
        }
        let mut types = Vec::new();
        for (name, schema) in &components.schemas {
            let Some(Some(rust_name)) = self.schema_names.get(name).cloned() else {
                continue;
            };
            let at = section.push(name);
            let doc = self.doc(schema, &at);
            if let Some(kind) = self.schema_def(&rust_name, schema, &at) {
                types.push(TypeDef {
                    name: rust_name,
                    pointer: at,
                    doc,
                    kind,
                });
            }
        }
        types.sort_by(|a, b| a.name.cmp(&b.name));
        types
    }

    fn schema_def(
        &mut self,
        rust_name: &str,
        schema: &ReferenceOr<Schema>,
        at: &Pointer,
    ) -> Option<TypeKind> {
        let schema = match schema {
            ReferenceOr::Reference { reference } => {
                return self.schema_ref(reference, at).map(TypeKind::Alias);
            }
            ReferenceOr::Item(schema) => schema,
        };
        self.check_schema_data(&schema.schema_data, at);
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => self.object(object, at).map(TypeKind::Struct),
            SchemaKind::Type(Type::String(string)) if !string.enumeration.is_empty() => self
                .enumeration(rust_name, string, &schema.schema_data, at)
                .map(TypeKind::Enum),
            SchemaKind::Type(Type::String(string)) if is_constrained(string) => {
                self.string_rules(string, at).map(TypeKind::Validated)
            }
            _ => self.inline_schema(schema, at).map(TypeKind::Alias),
        }
    }

    /// The type of a schema used in place: a property, an array's items, a parameter,
    /// a body.
    pub(super) fn type_ref<S: Borrow<Schema>>(
        &mut self,
        schema: &ReferenceOr<S>,
        at: &Pointer,
    ) -> Option<TypeRef> {
        match schema {
            ReferenceOr::Reference { reference } => self.schema_ref(reference, at),
            ReferenceOr::Item(schema) => {
                let schema = schema.borrow();
                self.check_schema_data(&schema.schema_data, at);
                self.inline_schema(schema, at)
            }
        }
    }

    fn inline_schema(&mut self, schema: &Schema, at: &Pointer) -> Option<TypeRef> {
        let name_it = |what: &str| {
            format!(
                "{what} are not supported inline: name the schema under components/schemas and \
                 refer to it with `$ref`, so that it gets a type of its own"
            )
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) => {
                if !string.enumeration.is_empty() {
                    self.problems.push(at, name_it("enums"));
                    None
                } else if is_constrained(string) {
                    self.problems.push(
                        at,
                        name_it("strings with `minLength`, `maxLength` or `pattern`"),
                    );
                    None
                } else {
                    Some(TypeRef::String)
                }
            }
            SchemaKind::Type(Type::Integer(integer)) => {
                if !integer.enumeration.is_empty() {
                    self.problems.push(
                        at,
                        "integer enums are not supported; use a string enum, or a plain integer",
                    );
                }
                match &integer.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Some(TypeRef::I32),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64)
                    | VariantOrUnknownOrEmpty::Empty => Some(TypeRef::I64),
                    VariantOrUnknownOrEmpty::Unknown(format) => {
                        self.problems.push(
                            at,
                            format!(
                                "integer format `{format}` is not supported; use `int32`, `int64` \
                                 or none (which means `int64`)"
                            ),
                        );
                        None
                    }
                }
            }
            SchemaKind::Type(Type::Number(number)) => {
                if !number.enumeration.is_empty() {
                    self.problems
                        .push(at, "number enums are not supported; use a plain number");
                }
                match &number.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float | NumberFormat::Double)
                    | VariantOrUnknownOrEmpty::Empty => Some(TypeRef::F64),
                    VariantOrUnknownOrEmpty::Unknown(format) => {
                        self.problems.push(
                            at,
                            format!(
                                "number format `{format}` is not supported; use `float`, `double` \
                                 or none"
                            ),
                        );
                        None
                    }
                }
            }
            SchemaKind::Type(Type::Boolean(boolean)) => {
                if !boolean.enumeration.is_empty() {
                    self.problems
                        .push(at, "boolean enums are not supported; use a plain boolean");
                }
                Some(TypeRef::Bool)
            }
            SchemaKind::Type(Type::Array(array)) => match &array.items {
                Some(items) => self
                    .type_ref(items, &at.push("items"))
                    .map(|item| TypeRef::Vec(Box::new(item))),
                None => {
                    self.problems.push(at, "an array needs `items`");
                    None
                }
            },
            SchemaKind::Type(Type::Object(_)) => {
                self.problems.push(at, name_it("objects"));
                None
            }
            SchemaKind::OneOf { .. } => self.composition(at, "oneOf"),
            SchemaKind::AnyOf { .. } => self.composition(at, "anyOf"),
            SchemaKind::AllOf { .. } => self.composition(at, "allOf"),
            SchemaKind::Not { .. } => self.composition(at, "not"),
            SchemaKind::Any(any) => {
                let message = match &any.typ {
                    None => format!("a schema without `type` is not supported; {SUPPORTED_TYPES}"),
                    Some(typ) => format!(
                        "`type: {typ}` with these keywords is not supported; {SUPPORTED_TYPES}"
                    ),
                };
                self.problems.push(at, message);
                None
            }
        }
    }

    fn composition(&mut self, at: &Pointer, keyword: &str) -> Option<TypeRef> {
        self.problems.push(
            &at.push(keyword),
            format!(
                "`{keyword}` is not supported; describe the value as one object under \
                 components/schemas, with optional properties for the parts that vary"
            ),
        );
        None
    }

    /// Keywords every schema may carry that the generated types cannot express.
    fn check_schema_data(&mut self, data: &SchemaData, at: &Pointer) {
        if data.nullable {
            self.problems.push(
                &at.push("nullable"),
                "`nullable` is not supported; leave the property out of `required` instead, \
                 which makes it an `Option`",
            );
        }
    }

    fn object(&mut self, object: &ObjectType, at: &Pointer) -> Option<Vec<Field>> {
        let mut ok = true;
        match &object.additional_properties {
            None | Some(AdditionalProperties::Any(false)) => {}
            Some(_) => {
                self.problems.push(
                    &at.push("additionalProperties"),
                    "maps (`additionalProperties`) are not supported; list the properties, or use \
                     an array of named objects",
                );
                ok = false;
            }
        }
        for required in &object.required {
            if !object.properties.contains_key(required) {
                self.problems.push(
                    &at.push("required"),
                    format!("`{required}` is required but is not under `properties`"),
                );
                ok = false;
            }
        }
        let mut fields: Vec<Field> = Vec::new();
        let properties = at.push("properties");
        for (json_name, schema) in &object.properties {
            let at = properties.push(json_name);
            let name = match names::field_name(json_name) {
                Ok(name) => name,
                Err(message) => {
                    self.problems.push(&at, message);
                    ok = false;
                    continue;
                }
            };
            if let Some(other) = fields.iter().find(|field| field.name == name) {
                self.problems.push(
                    &at,
                    format!(
                        "`{json_name}` and `{}` both give the field name `{name}`; rename one",
                        other.json_name
                    ),
                );
                ok = false;
                continue;
            }
            let doc = self.doc(schema, &at);
            let Some(ty) = self.type_ref(schema, &at) else {
                ok = false;
                continue;
            };
            let Some(sensitive) = self.sensitive(&at, &ty, "properties") else {
                ok = false;
                continue;
            };
            fields.push(Field {
                name,
                json_name: json_name.clone(),
                doc,
                ty,
                required: object.required.contains(json_name),
                sensitive,
            });
        }
        ok.then_some(fields)
    }

    fn enumeration(
        &mut self,
        rust_name: &str,
        string: &StringType,
        data: &SchemaData,
        at: &Pointer,
    ) -> Option<Vec<Variant>> {
        let varnames_at = at.push("x-enum-varnames");
        let varnames: Option<Vec<&str>> = match data.extensions.get("x-enum-varnames") {
            None => None,
            Some(serde_json::Value::Array(names))
                if names.len() == string.enumeration.len()
                    && names.iter().all(|n| n.is_string()) =>
            {
                Some(names.iter().filter_map(serde_json::Value::as_str).collect())
            }
            Some(_) => {
                self.problems.push(
                    &varnames_at,
                    format!(
                        "`x-enum-varnames` must be a list of {} strings, one per `enum` value, in \
                         the same order",
                        string.enumeration.len()
                    ),
                );
                return None;
            }
        };
        let descriptions = self.enum_descriptions(string.enumeration.len(), data, at)?;
        let mut variants: Vec<Variant> = Vec::new();
        let mut values = BTreeSet::new();
        let mut ok = true;
        for (index, value) in string.enumeration.iter().enumerate() {
            let value_at = at.push("enum").push(index);
            let Some(value) = value else {
                self.problems.push(
                    &value_at,
                    "`null` in an enum is not supported; leave the property out of `required` \
                     instead",
                );
                ok = false;
                continue;
            };
            if !values.insert(value.as_str()) {
                self.problems
                    .push(&value_at, format!("`{value}` is listed twice"));
                ok = false;
                continue;
            }
            let varname = varnames
                .as_ref()
                .and_then(|names| names.get(index).copied());
            let name = match names::variant_name(value, varname) {
                Ok(name) => name,
                Err(message) => {
                    let place = if varname.is_some() {
                        varnames_at.push(index)
                    } else {
                        value_at
                    };
                    self.problems.push(&place, message);
                    ok = false;
                    continue;
                }
            };
            if let Some(other) = variants.iter().find(|variant| variant.name == name) {
                self.problems.push(
                    &value_at,
                    format!(
                        "`{value}` and `{}` both give the variant `{rust_name}::{name}`; name the \
                         variants with `x-enum-varnames`",
                        other.value
                    ),
                );
                ok = false;
                continue;
            }
            variants.push(Variant {
                name,
                value: value.clone(),
                description: descriptions
                    .as_ref()
                    .and_then(|texts| texts.get(index).cloned()),
            });
        }
        ok.then_some(variants)
    }

    /// `x-enum-descriptions`: the words for each value, a list of strings in the order of
    /// `enum`, as `x-enum-varnames` is. Generated code answers them from `description()`,
    /// so that no caller keeps its own copy of what a value means.
    fn enum_descriptions(
        &mut self,
        count: usize,
        data: &SchemaData,
        at: &Pointer,
    ) -> Option<Option<Vec<String>>> {
        match data.extensions.get("x-enum-descriptions") {
            None => Some(None),
            Some(serde_json::Value::Array(texts))
                if texts.len() == count && texts.iter().all(serde_json::Value::is_string) =>
            {
                Some(Some(
                    texts
                        .iter()
                        .filter_map(serde_json::Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                ))
            }
            Some(_) => {
                self.problems.push(
                    &at.push("x-enum-descriptions"),
                    format!(
                        "`x-enum-descriptions` must be a list of {count} strings, one per `enum` \
                         value, in the same order"
                    ),
                );
                None
            }
        }
    }

    fn string_rules(&mut self, string: &StringType, at: &Pointer) -> Option<StringRules> {
        if let (Some(min), Some(max)) = (string.min_length, string.max_length)
            && min > max
        {
            self.problems.push(
                at,
                format!("`minLength` {min} is greater than `maxLength` {max}: no value fits"),
            );
            return None;
        }
        if let Some(pattern) = &string.pattern
            && let Err(error) = regex_lite::Regex::new(pattern)
        {
            self.problems.push(
                &at.push("pattern"),
                format!(
                    "the pattern `{pattern}` does not compile with regex-lite, the engine the \
                     generated code checks it with: {error}"
                ),
            );
            return None;
        }
        Some(StringRules {
            min_length: string.min_length,
            max_length: string.max_length,
            pattern: string.pattern.clone(),
        })
    }

    /// A schema's description. openapiv3 drops the `description` written next to a
    /// `$ref` (OpenAPI 3.0 says to ignore it), but it is the only place a property that
    /// refers to a shared type can be described, so it is read from the raw document.
    pub(super) fn doc<S: Borrow<Schema>>(
        &self,
        schema: &ReferenceOr<S>,
        at: &Pointer,
    ) -> Option<String> {
        match schema {
            ReferenceOr::Item(schema) => schema.borrow().schema_data.description.clone(),
            ReferenceOr::Reference { .. } => self.raw_string(&at.push("description")),
        }
    }
}

fn is_constrained(string: &StringType) -> bool {
    string.min_length.is_some() || string.max_length.is_some() || string.pattern.is_some()
}
