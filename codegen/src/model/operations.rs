//! Paths and operations into requests: the operation's name, its parameters merged
//! from the path item and the operation, and the checks on each parameter.

use openapiv3::{
    Operation, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, PathStyle, QueryStyle,
    ReferenceOr,
};

use super::items::{
    BODY_FIELD, OperationDef, Param, ParamLocation, Shape, TypeDef, TypeRef, shape,
};
use super::resolver::Resolver;
use crate::names;
use crate::pointer::Pointer;

impl<'s> Resolver<'s> {
    /// Every operation, in the spec's path order and then method order.
    pub(super) fn operations(&mut self, types: &[TypeDef]) -> Vec<OperationDef> {
        let spec = self.spec;
        let mut operations = Vec::new();
        for (path, item) in spec.paths.iter() {
            let at = Pointer::root().push("paths").push(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.problems.push(
                        &at,
                        "a path item `$ref` is not supported; write the operations under the path",
                    );
                    continue;
                }
            };
            for (method, operation) in item.iter() {
                let at = at.push(method);
                if let Some(def) = self.operation(path, method, operation, item, &at, types) {
                    operations.push(def);
                }
            }
        }
        operations
    }

    fn operation(
        &mut self,
        path: &str,
        method: &str,
        operation: &'s Operation,
        item: &'s PathItem,
        at: &Pointer,
        types: &[TypeDef],
    ) -> Option<OperationDef> {
        let name = match &operation.operation_id {
            None => {
                self.problems.push(
                    at,
                    "an operation needs an `operationId`: its request and response types are \
                     named after it",
                );
                None
            }
            Some(id) => match names::type_name(id) {
                Ok(name) => Some(name),
                Err(message) => {
                    self.problems.push(&at.push("operationId"), message);
                    None
                }
            },
        };
        if !operation.callbacks.is_empty() {
            self.problems.push(
                &at.push("callbacks"),
                "callbacks are not supported; describe the callback as an operation of the API \
                 that receives it",
            );
        }
        let params = self.parameters(operation, item, at, types);
        let body = self.request_body(operation, at);
        let responses = self.responses(operation, at, types);
        // Without its parameters the template cannot be checked without false alarms.
        let path_parts = params
            .as_ref()
            .and_then(|params| self.path_template(path, params, at));
        let project_id = params.as_ref().and_then(|params| {
            params.iter().position(|param| {
                param.location == ParamLocation::Path
                    && param.wire_name == PROJECT_ID
                    && param.shape == Shape::Text
            })
        });
        Some(OperationDef {
            id: operation.operation_id.clone()?,
            name: name?,
            pointer: at.clone(),
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            path_parts: path_parts?,
            summary: operation.summary.clone(),
            description: operation.description.clone(),
            params: params?,
            body: body?,
            responses: responses?,
            project_id,
        })
    }

    /// The path item's parameters, less those the operation redefines, then the
    /// operation's, as OpenAPI merges them.
    fn parameters(
        &mut self,
        operation: &'s Operation,
        item: &'s PathItem,
        at: &Pointer,
        types: &[TypeDef],
    ) -> Option<Vec<Param>> {
        let spec = self.spec;
        let lookup = |name: &str| spec.components.as_ref()?.parameters.get(name);
        let mut own = Vec::new();
        for (index, parameter) in operation.parameters.iter().enumerate() {
            own.push(self.follow(
                parameter,
                &at.push("parameters").push(index),
                "parameters",
                lookup,
            ));
        }
        let mut inherited = Vec::new();
        let item_at = at.parent();
        for (index, parameter) in item.parameters.iter().enumerate() {
            let at = item_at.push("parameters").push(index);
            inherited.push(self.follow(parameter, &at, "parameters", lookup));
        }
        let mut ok = own.iter().chain(&inherited).all(Option::is_some);
        let own: Vec<_> = own.into_iter().flatten().collect();
        let redefined = |candidate: &Parameter| {
            own.iter()
                .any(|(parameter, _)| same_parameter(parameter, candidate))
        };
        let merged: Vec<_> = inherited
            .into_iter()
            .flatten()
            .filter(|(parameter, _)| !redefined(parameter))
            .chain(own.iter().cloned())
            .collect();

        let mut params: Vec<Param> = Vec::new();
        for (parameter, at) in merged {
            if let Some(param) = self.parameter(parameter, &at, types) {
                if let Some(other) = params.iter().find(|other| {
                    other.location == param.location && other.wire_name == param.wire_name
                }) {
                    self.problems.push(
                        &at,
                        format!(
                            "the {} parameter `{}` is defined twice",
                            other.location.as_str(),
                            other.wire_name
                        ),
                    );
                    ok = false;
                } else if let Some(other) = params.iter().find(|other| other.field == param.field) {
                    self.problems.push(
                        &at,
                        format!(
                            "the {} parameter `{}` and the {} parameter `{}` both give the field \
                             `{}`; rename one",
                            param.location.as_str(),
                            param.wire_name,
                            other.location.as_str(),
                            other.wire_name,
                            param.field
                        ),
                    );
                    ok = false;
                } else if param.field == BODY_FIELD && operation.request_body.is_some() {
                    self.problems.push(
                        &at,
                        format!(
                            "the parameter `{}` gives the field `{BODY_FIELD}`, which holds the \
                             request body; rename it",
                            param.wire_name
                        ),
                    );
                    ok = false;
                } else {
                    params.push(param);
                }
            } else if !is_ignored_header(parameter) {
                ok = false;
            }
        }
        ok.then_some(params)
    }

    fn parameter(
        &mut self,
        parameter: &Parameter,
        at: &Pointer,
        types: &[TypeDef],
    ) -> Option<Param> {
        let data = parameter.parameter_data_ref();
        let location = match parameter {
            Parameter::Path { style, .. } => {
                if *style != PathStyle::Simple {
                    self.problems.push(
                        &at.push("style"),
                        "only the default path style (`simple`) is supported",
                    );
                }
                if !data.required {
                    self.problems.push(
                        &at.push("required"),
                        "a path parameter must be `required: true`",
                    );
                }
                ParamLocation::Path
            }
            Parameter::Query { style, .. } => {
                if *style != QueryStyle::Form {
                    self.problems.push(
                        &at.push("style"),
                        "only the default query style (`form`) is supported",
                    );
                }
                ParamLocation::Query
            }
            Parameter::Header { .. } => {
                if is_ignored_header(parameter) {
                    return None;
                }
                ParamLocation::Header
            }
            Parameter::Cookie { .. } => {
                self.problems.push(
                    at,
                    "cookie parameters are not supported; use a header or query parameter",
                );
                return None;
            }
        };
        let field = match names::field_name(&data.name) {
            Ok(field) => Some(field),
            Err(message) => {
                self.problems.push(at, message);
                None
            }
        };
        let ty = self.parameter_type(data, at)?;
        let shape = match shape(&ty, types) {
            Some(Shape::Composite) => {
                self.problems.push(
                    &at.push("schema"),
                    "a parameter must be a string, integer, number, boolean, string enum or \
                     validated string; arrays and objects are not supported",
                );
                return None;
            }
            Some(shape) => shape,
            // The type has a problem of its own, already reported.
            None => return None,
        };
        Some(Param {
            location,
            wire_name: data.name.clone(),
            field: field?,
            doc: data.description.clone(),
            ty,
            shape,
            required: data.required,
        })
    }

    fn parameter_type(&mut self, data: &ParameterData, at: &Pointer) -> Option<TypeRef> {
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => self.type_ref(schema, &at.push("schema")),
            ParameterSchemaOrContent::Content(_) => {
                self.problems.push(
                    &at.push("content"),
                    "a parameter with `content` is not supported; give it a `schema`",
                );
                None
            }
        }
    }
}

/// The path parameter that names the project a request acts in.
const PROJECT_ID: &str = "project_id";

/// OpenAPI 3.0 says header parameters named `Accept`, `Content-Type` or
/// `Authorization` are ignored: the client sets those itself.
fn is_ignored_header(parameter: &Parameter) -> bool {
    matches!(parameter, Parameter::Header { parameter_data, .. }
        if ["accept", "content-type", "authorization"]
            .contains(&parameter_data.name.to_ascii_lowercase().as_str()))
}

fn same_parameter(a: &Parameter, b: &Parameter) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && a.parameter_data_ref().name == b.parameter_data_ref().name
}
