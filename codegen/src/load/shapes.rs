//! Shapes that openapiv3 cannot be trusted with, refused on the generic document before
//! it sees them.
//!
//! openapiv3 reads `schema` and `content` of a parameter or header through a flattened
//! enum, and `ReferenceOr` deserialises a value that failed a second time, from a
//! `serde_json::Value`, only to get a better message, with an `expect` that it fails
//! again. The two passes see the keys in different orders, so an object with both keys
//! (one of them wrong, such as `schema: null`) fails once and parses the second time:
//! the `expect` panics. OpenAPI 3.0 allows exactly one of the two, so such a document is
//! refused here with its place.

use serde_json::{Map, Value};

use crate::pointer::Pointer;

/// The operations a path item may hold, as OpenAPI 3.0 names them.
pub(super) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The first shape that must not reach openapiv3, with its place and what to write.
pub(super) fn check(document: &Value) -> Result<(), (Pointer, String)> {
    let root = Pointer::root();
    for (path, item) in entries(document.get("paths")) {
        path_item(item, &root.push("paths").push(path))?;
    }
    let components = root.push("components");
    let section = |name: &str| entries(document.get("components").and_then(|c| c.get(name)));
    for (name, parameter) in section("parameters") {
        schema_or_content(
            parameter,
            &components.push("parameters").push(name),
            "parameter",
        )?;
    }
    for (name, header) in section("headers") {
        schema_or_content(header, &components.push("headers").push(name), "header")?;
    }
    for (name, response) in section("responses") {
        self::response(response, &components.push("responses").push(name))?;
    }
    for (name, body) in section("requestBodies") {
        content(
            body.get("content"),
            &components.push("requestBodies").push(name),
        )?;
    }
    for (name, callback) in section("callbacks") {
        self::callback(callback, &components.push("callbacks").push(name))?;
    }
    Ok(())
}

fn path_item(item: &Value, at: &Pointer) -> Result<(), (Pointer, String)> {
    parameters(item.get("parameters"), at)?;
    for method in METHODS {
        let Some(operation) = item.get(*method) else {
            continue;
        };
        let at = at.push(method);
        // Multi-file specs write `get: {$ref: other-file.yml}`; openapiv3 then reports a
        // missing `responses` somewhere up the path item.
        if operation.get("$ref").is_some() {
            return Err((
                at.push("$ref"),
                "an operation cannot be a `$ref` in OpenAPI 3.0 (only path items, parameters, \
                 responses, bodies, headers and schemas can); bundle a multi-file spec into one \
                 document first (for example `redocly bundle`)"
                    .to_owned(),
            ));
        }
        parameters(operation.get("parameters"), &at)?;
        if let Some(body) = operation.get("requestBody") {
            let at = at.push("requestBody");
            content(body.get("content"), &at)?;
        }
        for (code, response) in entries(operation.get("responses")) {
            self::response(response, &at.push("responses").push(code))?;
        }
        for (name, callback) in entries(operation.get("callbacks")) {
            self::callback(callback, &at.push("callbacks").push(name))?;
        }
    }
    Ok(())
}

/// A callback is a map of expressions to path items, which may have callbacks again:
/// the recursion is as deep as the document, which the parser already bounded.
fn callback(callback: &Value, at: &Pointer) -> Result<(), (Pointer, String)> {
    for (expression, item) in entries(Some(callback)) {
        path_item(item, &at.push(expression))?;
    }
    Ok(())
}

fn parameters(list: Option<&Value>, at: &Pointer) -> Result<(), (Pointer, String)> {
    let Some(Value::Array(list)) = list else {
        return Ok(());
    };
    let at = at.push("parameters");
    for (index, parameter) in list.iter().enumerate() {
        schema_or_content(parameter, &at.push(index), "parameter")?;
    }
    Ok(())
}

fn response(response: &Value, at: &Pointer) -> Result<(), (Pointer, String)> {
    for (name, header) in entries(response.get("headers")) {
        schema_or_content(header, &at.push("headers").push(name), "header")?;
    }
    content(response.get("content"), at)
}

/// Media types may describe the headers of multipart parts (`encoding`).
fn content(content: Option<&Value>, at: &Pointer) -> Result<(), (Pointer, String)> {
    for (media_type, media) in entries(content) {
        let at = at.push("content").push(media_type);
        for (property, encoding) in entries(media.get("encoding")) {
            let at = at.push("encoding").push(property);
            for (name, header) in entries(encoding.get("headers")) {
                schema_or_content(header, &at.push("headers").push(name), "header")?;
            }
        }
    }
    Ok(())
}

/// A parameter or header object: `schema` or `content`, never both, and never null.
fn schema_or_content(object: &Value, at: &Pointer, what: &str) -> Result<(), (Pointer, String)> {
    let Value::Object(object) = object else {
        return Ok(());
    };
    if is_reference(object) {
        return Ok(());
    }
    for key in ["schema", "content"] {
        if object.get(key) == Some(&Value::Null) {
            return Err((
                at.push(key),
                format!(
                    "`{key}` is null; a {what} has a `schema` (a schema object or a `$ref`) or a \
                     `content` map, so give one of them a value, or leave it out"
                ),
            ));
        }
    }
    if object.contains_key("schema") && object.contains_key("content") {
        return Err((
            at.clone(),
            format!(
                "a {what} has either `schema` or `content`, never both (OpenAPI 3.0.3, \
                 Parameter Object); keep `schema`"
            ),
        ));
    }
    Ok(())
}

fn is_reference(object: &Map<String, Value>) -> bool {
    object.contains_key("$ref")
}

/// The entries of an object; nothing for anything else.
fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}
