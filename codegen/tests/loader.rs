//! The loader: JSON read as JSON, the version refused before anything else, and no
//! input that makes it panic.

use ges_codegen::{Error, generate, load};

const PATHS: &str = r#""paths": {"/a": {"get": {"operationId": "A", "responses": {"204": {"description": "ok"}}}}}"#;

fn json(info_description: &str, extra: &str) -> String {
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1", "description": "{info_description}"}}{extra}, {PATHS}}}"#
    )
}

#[test]
fn legal_json_that_yaml_refuses_is_read() {
    // A surrogate pair, a raw U+009F inside a string, an integer beyond 64 bits.
    for spec in [
        json(r"\ud83d\udc4d", ""),
        json("a\u{9f}b", ""),
        json("x", r#", "x-big": 123456789012345678901234567890"#),
    ] {
        let code = generate(&spec, "spec.json").unwrap_or_else(|error| panic!("{error}\n{spec}"));
        assert!(code.contains("pub struct ARequest"), "{code}");
    }
}

#[test]
fn json_syntax_errors_have_json_places() {
    let spec = "{\"openapi\": \"3.0.3\",\n \"info\": {\"title\": \"t\" \"version\": \"1\"}}";
    let error = generate(spec, "x.json").unwrap_err();
    let Error::Syntax { line, column, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*line, *column), (Some(2), Some(24)), "{error}");
}

#[test]
fn a_yaml_flow_document_starting_with_a_brace_is_still_yaml() {
    let spec = "{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}";
    generate(spec, "flow.yaml").unwrap();
}

#[test]
fn the_version_is_refused_before_syntax_and_shape() {
    let cases = [
        // 3.1 in JSON that the YAML parser would refuse.
        (
            r#"{"openapi": "3.1.0", "info": {"title": "\u009f"}, "paths": {}}"#
                .replace("\\u009f", "\u{9f}"),
            "#/openapi",
        ),
        // 3.1 with a YAML tag and a non-string key, which 3.0 would refuse for shape.
        (
            "openapi: 3.1.0\ninfo: !thing {title: t}\npaths: {[1]: x}\n".to_owned(),
            "#/openapi",
        ),
        // Swagger 2.0 that does not even parse.
        ("swagger: '2.0'\ninfo: {title: [\n".to_owned(), "#/swagger"),
        (r#"{"swagger": "2.0", "info": }"#.to_owned(), "#/swagger"),
    ];
    for (spec, pointer) in cases {
        let error = generate(&spec, "old.json").unwrap_err();
        assert!(
            matches!(&error, Error::Version { pointer: found, .. } if found == pointer),
            "{spec}: {error:?}"
        );
        assert!(error.to_string().contains(pointer), "{error}");
    }
    // A 3.0 document that does not parse still gets its syntax error.
    let error = generate("openapi: 3.0.3\ninfo: {title: [\n", "x.yaml").unwrap_err();
    assert!(matches!(error, Error::Syntax { .. }), "{error:?}");
}

#[test]
fn bytes_that_are_not_utf8_are_a_syntax_error() {
    let error = load(b"openapi: 3.0.3\ninfo: \xff\n", "x.yaml").unwrap_err();
    assert!(error.to_string().contains("not UTF-8"), "{error}");
    let error = load(b"{\"openapi\": \"\xff\"}", "x.json").unwrap_err();
    assert!(matches!(error, Error::Syntax { .. }), "{error:?}");
}

#[test]
fn a_null_schema_beside_content_is_refused_not_a_panic() {
    // This reached an `expect` in openapiv3's ReferenceOr::deserialize.
    let spec = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths:\n  /:\n    parameters:\n      \
                - {name: s, in: query, schema: null, content: {}}\n";
    let error = generate(spec, "null.yaml").unwrap_err();
    let Error::Structure {
        pointer, message, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(pointer, "#/paths/~1/parameters/0/schema", "{error}");
    assert!(message.contains("null"), "{error}");

    let both = "openapi: 3.0.3\ninfo: {title: t, version: \"1\"}\npaths: {}\ncomponents:\n  \
                headers:\n    H: {schema: {type: string}, content: {}}\n";
    let error = generate(both, "both.yaml").unwrap_err();
    assert!(
        matches!(&error, Error::Structure { pointer, .. } if pointer == "#/components/headers/H"),
        "{error:?}"
    );
    assert!(error.to_string().contains("never both"), "{error}");
}

/// Every node of a real spec replaced, one at a time, by each kind of JSON value: the
/// loader and generator answer each with code or an error, never a panic (which would
/// show as `Error::Panicked`, or fail the test if it escaped).
#[test]
fn no_single_value_change_makes_the_loader_panic() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/facts.yaml");
    let text = std::fs::read_to_string(path).unwrap();
    let document: serde_json::Value = yaml_to_json(&text);
    let mut pointers = Vec::new();
    collect(&document, String::new(), &mut pointers);
    let replacements = [
        serde_json::Value::Null,
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::json!("x"),
        serde_json::json!(-1),
        serde_json::json!(1.5),
        serde_json::json!(true),
        serde_json::json!({"$ref": "#/components/schemas/Nope"}),
    ];
    let mut runs = 0;
    for pointer in &pointers {
        for replacement in &replacements {
            let mut mutated = document.clone();
            if let Some(slot) = mutated.pointer_mut(pointer) {
                *slot = replacement.clone();
            }
            let bytes = serde_json::to_vec(&mutated).unwrap();
            let outcome = load(&bytes, "mutated.json").and_then(|document| document.generate());
            if let Err(error @ Error::Panicked { .. }) = &outcome {
                panic!("{pointer} = {replacement}: {error}");
            }
            runs += 1;
        }
    }
    assert!(runs > 500, "only {runs} mutations");
}

/// The YAML file as JSON, read by the YAML parser directly: through the generator's own
/// loader would hide its bugs.
fn yaml_to_json(text: &str) -> serde_json::Value {
    yaml_serde::from_str(text).unwrap()
}

fn collect(value: &serde_json::Value, at: String, pointers: &mut Vec<String>) {
    pointers.push(at.clone());
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                let key = key.replace('~', "~0").replace('/', "~1");
                collect(child, format!("{at}/{key}"), pointers);
            }
        }
        serde_json::Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                collect(child, format!("{at}/{index}"), pointers);
            }
        }
        _ => {}
    }
}
