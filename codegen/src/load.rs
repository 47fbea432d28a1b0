//! From text to a parsed OpenAPI 3.0 document: syntax, version, then structure.
//!
//! The version is checked on the raw document, before openapiv3 sees it: a 3.1 or
//! Swagger 2.0 document fails openapiv3's types in confusing places, while the real
//! answer is one line.

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::Error;
use crate::pointer::Pointer;

/// A parsed spec, with the raw document kept for the few facts openapiv3 drops (such
/// as the `description` next to a `$ref`).
pub(crate) struct Loaded {
    pub(crate) spec: OpenAPI,
    pub(crate) raw: Value,
}

pub(crate) fn load(text: &str, source_name: &str) -> Result<Loaded, Error> {
    let mut yaml: yaml_serde::Value = yaml_serde::from_str(text).map_err(|error| {
        let location = error.location();
        Error::Syntax {
            source_name: source_name.to_owned(),
            line: location.as_ref().map(yaml_serde::Location::line),
            column: location.as_ref().map(yaml_serde::Location::column),
            message: error.to_string(),
        }
    })?;
    yaml.apply_merge().map_err(|error| Error::Syntax {
        source_name: source_name.to_owned(),
        line: None,
        column: None,
        message: error.to_string(),
    })?;
    let structure = |pointer: &Pointer, message: String| Error::Structure {
        source_name: source_name.to_owned(),
        pointer: pointer.to_string(),
        message,
    };
    let yaml = normalize(yaml, &Pointer::root())
        .map_err(|(pointer, message)| structure(&pointer, message))?;
    // Only for looking facts up: serde_json's map does not keep the spec's order, which
    // is why openapiv3 reads the YAML value itself.
    let raw = serde_json::to_value(&yaml)
        .map_err(|error| structure(&Pointer::root(), error.to_string()))?;
    check_version(&raw, source_name)?;
    let spec = serde_path_to_error::deserialize(&yaml).map_err(|error| {
        let (pointer, message) = locate(&yaml).unwrap_or_else(|| {
            (
                path_to_pointer(&Pointer::root(), error.path()),
                error.into_inner().to_string(),
            )
        });
        structure(&pointer, message)
    })?;
    Ok(Loaded { spec, raw })
}

/// Only 3.0.x: 3.1 changed the schema dialect (`type` lists, `nullable` gone,
/// `examples`), and 2.0 is another format altogether.
fn check_version(raw: &Value, source_name: &str) -> Result<(), Error> {
    let version = |found: String| Error::Version {
        source_name: source_name.to_owned(),
        found,
    };
    let Value::Object(document) = raw else {
        return Err(Error::Structure {
            source_name: source_name.to_owned(),
            pointer: "#".to_owned(),
            message: "the document must be a mapping with `openapi`, `info` and `paths`".to_owned(),
        });
    };
    match (document.get("openapi"), document.get("swagger")) {
        (Some(Value::String(declared)), _) if declared.starts_with("3.0.") => Ok(()),
        (Some(Value::String(declared)), _) => Err(version(format!(
            "the document declares `openapi: {declared}`"
        ))),
        (Some(declared), _) => Err(version(format!(
            "the document declares `openapi: {declared}`, which is not a version string (quote it)"
        ))),
        (None, Some(declared)) => Err(version(format!(
            "the document is Swagger {}, that is OpenAPI 2.0",
            declared
                .as_str()
                .map_or_else(|| declared.to_string(), str::to_owned)
        ))),
        (None, None) => Err(version("the document has no `openapi` field".to_owned())),
    }
}

/// YAML allows more than JSON (keys that are numbers, tags, NaN); OpenAPI is JSON, so
/// the document is brought to JSON's data model first, keeping its order. Numbers and
/// booleans as keys become strings, which is what a YAML author writing `200:` under
/// `responses` means.
fn normalize(
    yaml: yaml_serde::Value,
    at: &Pointer,
) -> Result<yaml_serde::Value, (Pointer, String)> {
    use yaml_serde::Value as Yaml;
    Ok(match yaml {
        Yaml::Number(number) if !number.is_i64() && !number.is_u64() && !number.is_finite() => {
            return Err((at.clone(), format!("{number} is not a JSON number")));
        }
        Yaml::Sequence(items) => Yaml::Sequence(
            items
                .into_iter()
                .enumerate()
                .map(|(index, item)| normalize(item, &at.push(index)))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut normalized = yaml_serde::Mapping::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(key) => key,
                    Yaml::Number(key) => key.to_string(),
                    Yaml::Bool(key) => key.to_string(),
                    _ => return Err((at.clone(), "a mapping key must be a string".to_owned())),
                };
                let value = normalize(value, &at.push(&key))?;
                normalized.insert(Yaml::String(key), value);
            }
            Yaml::Mapping(normalized)
        }
        Yaml::Tagged(tagged) => {
            return Err((
                at.clone(),
                format!("YAML tags such as `{}` are not supported", tagged.tag),
            ));
        }
        scalar => scalar,
    })
}

/// Finds the innermost part of the document that does not fit openapiv3's types.
///
/// serde loses track of the place inside `#[serde(flatten)]` maps, which openapiv3 uses
/// for paths, responses and schemas, so a whole-document error often says only
/// `#/paths`. Deserializing the parts one by one gives the path item, response or
/// component that is wrong.
fn locate(document: &yaml_serde::Value) -> Option<(Pointer, String)> {
    use openapiv3::{Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
    let root = Pointer::root();
    for (path, item) in entries(document.get("paths")) {
        let at = root.push("paths").push(path);
        if let Err(found) = probe::<ReferenceOr<PathItem>>(item, &at) {
            for (method, operation) in entries(Some(item)) {
                for (code, response) in entries(operation.get("responses")) {
                    let at = at.push(method).push("responses").push(code);
                    if let Err(deeper) = probe::<ReferenceOr<Response>>(response, &at) {
                        return Some(deeper);
                    }
                }
            }
            return Some(found);
        }
    }
    let components = document.get("components");
    let section = |name: &str| entries(components.and_then(|c| c.get(name)));
    let at = |kind: &str, name: &str| root.push("components").push(kind).push(name);
    section("schemas")
        .find_map(|(name, value)| probe::<ReferenceOr<Schema>>(value, &at("schemas", name)).err())
        .or_else(|| {
            section("responses").find_map(|(name, value)| {
                probe::<ReferenceOr<Response>>(value, &at("responses", name)).err()
            })
        })
        .or_else(|| {
            section("parameters").find_map(|(name, value)| {
                probe::<ReferenceOr<Parameter>>(value, &at("parameters", name)).err()
            })
        })
        .or_else(|| {
            section("requestBodies").find_map(|(name, value)| {
                probe::<ReferenceOr<RequestBody>>(value, &at("requestBodies", name)).err()
            })
        })
}

/// The string-keyed entries of a mapping; nothing for anything else.
fn entries(value: Option<&yaml_serde::Value>) -> impl Iterator<Item = (&str, &yaml_serde::Value)> {
    value
        .and_then(yaml_serde::Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(key, value)| Some((key.as_str()?, value)))
}

fn probe<T: serde::de::DeserializeOwned>(
    value: &yaml_serde::Value,
    at: &Pointer,
) -> Result<(), (Pointer, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => Ok(()),
        Err(error) => Err((
            path_to_pointer(at, error.path()),
            error.into_inner().to_string(),
        )),
    }
}

fn path_to_pointer(start: &Pointer, path: &serde_path_to_error::Path) -> Pointer {
    let mut pointer = start.clone();
    for segment in path {
        pointer = match segment {
            serde_path_to_error::Segment::Seq { index } => pointer.push(index),
            serde_path_to_error::Segment::Map { key } => pointer.push(key),
            // Variant names of openapiv3's own enums are not places in the document.
            serde_path_to_error::Segment::Enum { .. } => continue,
            // Past a `flatten` or an untagged enum serde no longer knows the place;
            // the deepest known one is the most useful answer.
            serde_path_to_error::Segment::Unknown => break,
        };
    }
    pointer
}
