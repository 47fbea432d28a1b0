//! From bytes to a parsed OpenAPI 3.0 document: syntax, version, shapes, then structure.
//!
//! JSON is read as JSON (serde_json), YAML as YAML: YAML 1.2 is meant to be a superset
//! of JSON, but the YAML parser refuses legal JSON (a surrogate pair such as
//! `"\ud83d\udc4d"`, a raw U+009F inside a string, an integer beyond 64 bits) and then
//! reports a place that is not where the JSON is wrong.
//!
//! The version is checked on the generic document, before openapiv3 sees it (and, for a
//! document that does not parse, on its text): a 3.1 or Swagger 2.0 document fails
//! openapiv3's types in confusing places, while the real answer is one line. Then the
//! shapes that make openapiv3 panic are refused with their pointer (`shapes`), and any
//! panic left in a dependency is caught and reported as an error naming the document.

mod shapes;
mod version;

use shapes::METHODS;

use std::panic::{AssertUnwindSafe, catch_unwind};

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

pub(crate) fn load(bytes: &[u8], source_name: &str) -> Result<Loaded, Error> {
    let structure = |pointer: &Pointer, message: String| Error::Structure {
        source_name: source_name.to_owned(),
        pointer: pointer.to_string(),
        message,
    };
    let yaml = parse(bytes, source_name)?;
    if !yaml.is_mapping() {
        return Err(structure(
            &Pointer::root(),
            "the document must be a mapping with `openapi`, `info` and `paths`".to_owned(),
        ));
    }
    // The version before anything about the shape: a 3.1 document with a YAML tag or a
    // number as a key is still, first of all, not 3.0.
    let declared = version_fields(&yaml);
    version::check(&declared).map_err(|(pointer, found)| Error::Version {
        source_name: source_name.to_owned(),
        pointer,
        found,
    })?;
    let yaml = normalize(yaml, &Pointer::root())
        .map_err(|(pointer, message)| structure(&pointer, message))?;
    // Only for looking facts up: serde_json's map does not keep the spec's order, which
    // is why openapiv3 reads the YAML value itself.
    let raw = serde_json::to_value(&yaml)
        .map_err(|error| structure(&Pointer::root(), error.to_string()))?;
    shapes::check(&raw).map_err(|(pointer, message)| structure(&pointer, message))?;
    let parsed = contain(source_name, "reading the document with openapiv3", || {
        serde_path_to_error::deserialize::<_, OpenAPI>(&yaml)
    })?;
    let spec = parsed.map_err(|error| {
        let located = contain(source_name, "locating a structure error", || locate(&yaml));
        match located {
            Ok(Some((pointer, message))) => structure(&pointer, message),
            Ok(None) => structure(
                &path_to_pointer(&Pointer::root(), error.path()),
                error.into_inner().to_string(),
            ),
            Err(panicked) => panicked,
        }
    })?;
    Ok(Loaded { spec, raw })
}

/// Runs a dependency on the document, turning a panic into an error that names the
/// document: the last line of defence behind `shapes`, for panics nobody has found yet.
/// (Build scripts and tests unwind even under `panic = "abort"`, so this holds in
/// `api/build.rs` too.)
pub(crate) fn contain<T>(
    source_name: &str,
    stage: &'static str,
    run: impl FnOnce() -> T,
) -> Result<T, Error> {
    catch_unwind(AssertUnwindSafe(run)).map_err(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Error::Panicked {
            source_name: source_name.to_owned(),
            stage,
            message,
        }
    })
}

/// The document as a generic value: JSON through serde_json when it looks like JSON,
/// YAML otherwise (and for a `{`-document that is YAML flow style rather than JSON).
fn parse(bytes: &[u8], source_name: &str) -> Result<yaml_serde::Value, Error> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let looks_like_json = bytes
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|first| matches!(first, b'{' | b'['));
    let syntax = |line: Option<usize>, column: Option<usize>, message: String| {
        // A document that does not parse but declares another version is refused for
        // its version, which is what its author needs to hear first.
        if let Some(Err((pointer, found))) = version::sniff(&String::from_utf8_lossy(bytes)) {
            return Error::Version {
                source_name: source_name.to_owned(),
                pointer,
                found,
            };
        }
        Error::Syntax {
            source_name: source_name.to_owned(),
            line,
            column,
            message,
        }
    };
    let json_error = if looks_like_json {
        match serde_json::from_slice::<yaml_serde::Value>(bytes) {
            Ok(value) => return Ok(value),
            Err(error) => Some(error),
        }
    } else {
        None
    };
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => {
            return Err(json_error.map_or_else(
                || {
                    syntax(
                        None,
                        None,
                        format!(
                            "the document is not UTF-8 (at byte {})",
                            error.valid_up_to()
                        ),
                    )
                },
                |json| syntax(Some(json.line()), Some(json.column()), json.to_string()),
            ));
        }
    };
    let yaml = contain(source_name, "parsing YAML", || {
        yaml_serde::from_str::<yaml_serde::Value>(text)
    })?;
    let mut yaml = match (yaml, json_error) {
        (Ok(yaml), _) => yaml,
        // It looked like JSON and is neither: JSON's message is the one that fits.
        (Err(_), Some(json)) => {
            return Err(syntax(
                Some(json.line()),
                Some(json.column()),
                json.to_string(),
            ));
        }
        (Err(error), None) => {
            let location = error.location();
            return Err(syntax(
                location.as_ref().map(yaml_serde::Location::line),
                location.as_ref().map(yaml_serde::Location::column),
                error.to_string(),
            ));
        }
    };
    yaml.apply_merge()
        .map_err(|error| syntax(None, None, error.to_string()))?;
    Ok(yaml)
}

/// `openapi` and `swagger` from the top of the document, as JSON values, whatever the
/// rest holds.
fn version_fields(yaml: &yaml_serde::Value) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    for key in ["openapi", "swagger"] {
        if let Some(value) = yaml.get(key) {
            let value = serde_json::to_value(value)
                .unwrap_or_else(|_| Value::String("(a value JSON cannot hold)".to_owned()));
            fields.insert(key.to_owned(), value);
        }
    }
    fields
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
    use openapiv3::{Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
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
            // Then the operation as a whole, which is still deeper than the path item.
            for (method, operation) in entries(Some(item)) {
                if METHODS.contains(&method)
                    && let Err(deeper) = probe::<Operation>(operation, &at.push(method))
                {
                    return Some(deeper);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_an_error_naming_the_document() {
        let error = contain("spec.yaml", "testing", || -> () { panic!("boom") }).unwrap_err();
        assert!(matches!(error, Error::Panicked { .. }), "{error:?}");
        let shown = error.to_string();
        assert!(
            shown.starts_with("spec.yaml:") && shown.contains("boom"),
            "{shown}"
        );
        assert_eq!(contain("spec.yaml", "testing", || 7).unwrap(), 7);
    }
}
