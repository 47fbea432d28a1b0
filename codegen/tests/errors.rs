//! What the generator says about specs it cannot turn into code: always an error, never
//! a panic, and each message names the place in the spec.

use std::path::Path;

use ges_codegen::{Error, generate};

fn bad(name: &str) -> Error {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs/bad")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    match generate(&text, name) {
        Ok(_) => panic!("{name} generated code"),
        Err(error) => error,
    }
}

/// Asserts that a problem at exactly `pointer` mentions `words`.
#[track_caller]
fn assert_problem(error: &Error, pointer: &str, words: &str) {
    let found = error
        .problems()
        .iter()
        .any(|problem| problem.pointer() == pointer && problem.message().contains(words));
    assert!(
        found,
        "no problem at {pointer} mentioning {words:?} in:\n{error}"
    );
    // The message shown to a person has it too.
    assert!(error.to_string().contains(pointer), "{error}");
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn inline(body: &str) -> Error {
    match generate(&format!("{HEAD}{body}"), "inline.yaml") {
        Ok(code) => panic!("generated code:\n{code}"),
        Err(error) => error,
    }
}

#[test]
fn unsupported_constructs_are_named_with_their_pointer() {
    let error = bad("unsupported.yaml");
    let list = "#/paths/~1v2~1{project_id}~1graphs/get";
    let post = "#/paths/~1v2~1{project_id}~1graphs/post";
    assert_problem(
        &error,
        &format!("{list}/responses/default"),
        "list each status code",
    );
    assert_problem(&error, &format!("{list}/responses/5XX"), "status ranges");
    assert_problem(
        &error,
        &format!("{list}/responses/200/content/text~1plain"),
        "application/json",
    );
    assert_problem(&error, &format!("{list}/parameters/1"), "cookie parameters");
    assert_problem(
        &error,
        &format!("{list}/parameters/2/content"),
        "give it a `schema`",
    );
    assert_problem(
        &error,
        &format!("{list}/parameters/3/schema"),
        "arrays and objects",
    );
    assert_problem(&error, post, "operationId");
    assert_problem(&error, &format!("{post}/callbacks"), "callbacks");
    assert_problem(
        &error,
        "#/components/schemas/Choice/oneOf",
        "`oneOf` is not supported",
    );
    assert_problem(
        &error,
        "#/components/schemas/Holder/properties/inner",
        "name the schema under components/schemas",
    );
    assert_problem(
        &error,
        "#/components/schemas/Holder/properties/maybe/nullable",
        "required",
    );
    assert_problem(&error, "#/components/schemas/Anything", "without `type`");
    assert_problem(&error, "#/components/schemas/Small", "int8");
}

#[test]
fn every_problem_is_reported_at_once() {
    let error = bad("unsupported.yaml");
    assert_eq!(error.problems().len(), 14, "{error}");
    assert!(
        error
            .to_string()
            .starts_with("unsupported.yaml: 14 problem(s)"),
        "{error}"
    );
}

#[test]
fn malformed_yaml_names_the_line() {
    let error = bad("malformed.yaml");
    let Error::Syntax { line, column, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*line, *column), (Some(4), Some(11)));
    assert!(error.to_string().contains("line 4, column 11"), "{error}");
}

#[test]
fn a_document_of_the_wrong_shape_names_the_place() {
    let error = bad("structure.yaml");
    let Error::Structure {
        pointer, message, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(pointer, "#/paths/~1graphs/get/responses/200");
    assert!(message.contains("description"), "{error}");

    let error = generate(&format!("{HEAD}paths: []\n"), "list.yaml").unwrap_err();
    assert!(matches!(error, Error::Structure { .. }), "{error:?}");
    let error = generate("- just\n- a list\n", "list.yaml").unwrap_err();
    assert!(
        matches!(&error, Error::Structure { pointer, .. } if pointer == "#"),
        "{error:?}"
    );
}

#[test]
fn only_openapi_3_0_is_accepted() {
    let error = bad("openapi31.yaml");
    assert!(matches!(error, Error::Version { .. }), "{error:?}");
    assert!(
        error.to_string().contains("3.1.0") && error.to_string().contains("only OpenAPI 3.0.x")
    );
    let error = bad("swagger.yaml");
    assert!(error.to_string().contains("Swagger 2.0"), "{error}");
    let error = generate(
        "openapi: 3.1\ninfo: {title: t, version: '1'}\npaths: {}\n",
        "x",
    )
    .unwrap_err();
    assert!(matches!(error, Error::Version { .. }), "{error:?}");
    let error = generate("info: {title: t, version: '1'}\npaths: {}\n", "x").unwrap_err();
    assert!(error.to_string().contains("no `openapi`"), "{error}");
}

#[test]
fn references_must_point_to_a_component_of_this_document() {
    let error = bad("dangling.yaml");
    let show = "#/paths/~1graphs~1{graph_id}/get";
    assert_problem(
        &error,
        "#/components/schemas/Graph/properties/id",
        "points to nothing",
    );
    assert_problem(
        &error,
        "#/components/schemas/Graph/properties/owner",
        "#/components/schemas/<name>",
    );
    assert_problem(
        &error,
        &format!("{show}/parameters/0"),
        "no `GraphId` under components/parameters",
    );
    assert_problem(
        &error,
        &format!("{show}/responses/200"),
        "no `Missing` under components/responses",
    );
    assert_problem(
        &error,
        &format!("{show}/responses/404"),
        "external reference",
    );
}

#[test]
fn patterns_must_compile_and_lengths_must_allow_a_value() {
    let error = bad("pattern.yaml");
    assert_problem(
        &error,
        "#/components/schemas/GraphId/pattern",
        "does not compile",
    );
    assert_problem(
        &error,
        "#/components/schemas/Impossible",
        "greater than `maxLength`",
    );
}

#[test]
fn path_templates_and_path_parameters_must_match() {
    let error = bad("template.yaml");
    assert_problem(
        &error,
        "#/paths/~1v2~1{project_id}~1graphs~1{graph_id}/get",
        "no path parameter `graph_id`",
    );
    assert_problem(
        &error,
        "#/paths/~1v2~1{project_id}~1jobs/get",
        "`job_id` does not appear in the path",
    );
    assert_problem(
        &error,
        "#/paths/~1v2~1{project_id~1broken/get",
        "without a `}`",
    );
}

#[test]
fn names_must_make_distinct_rust_names() {
    let error = bad("names.yaml");
    assert_problem(&error, "#/components/schemas/self", "keyword");
    assert_problem(
        &error,
        "#/components/schemas/GraphStatus/enum/0",
        "x-enum-varnames",
    );
    assert_problem(
        &error,
        "#/components/schemas/Wrong/x-enum-varnames",
        "one per `enum` value",
    );
    assert_problem(
        &error,
        "#/components/schemas/Twice/properties/graph_id",
        "field name `graph_id`",
    );
    assert_problem(
        &error,
        "#/paths/~1c/get/parameters/1",
        "both give the field `x_id`",
    );
    assert_problem(&error, "#/components/schemas/graph_id", "`GraphId`");
    assert_problem(&error, "#/paths/~1a/get", "`ShowGraphRequest`");
    assert_problem(
        &error,
        "#/paths/~1b/get",
        "`ShowGraphResponse`, which #/paths/~1a/get",
    );
}

#[test]
fn recursive_schemas_are_refused() {
    let error = bad("recursive.yaml");
    assert_problem(&error, "#/components/schemas/Node", "Node -> Next -> Node");
}

#[test]
fn inline_types_that_need_a_name_are_refused() {
    let error = inline(
        "paths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        \
         e: {type: string, enum: [x]}\n        p: {type: string, pattern: '^a$'}\n        \
         i: {type: integer, enum: [1]}\n        l: {type: array}\n",
    );
    assert_problem(
        &error,
        "#/components/schemas/A/properties/e",
        "enums are not supported inline",
    );
    assert_problem(&error, "#/components/schemas/A/properties/p", "`pattern`");
    assert_problem(
        &error,
        "#/components/schemas/A/properties/i",
        "integer enums",
    );
    assert_problem(
        &error,
        "#/components/schemas/A/properties/l",
        "needs `items`",
    );
}

#[test]
fn bodies_must_be_json_with_a_schema() {
    let error = inline(
        "paths:\n  /a:\n    post:\n      operationId: A\n      requestBody:\n        content:\n          \
         text/plain: {schema: {type: string}}\n      responses:\n        '200':\n          \
         description: ok\n          content:\n            application/json: {}\n",
    );
    assert_problem(
        &error,
        "#/paths/~1a/post/requestBody/content/text~1plain",
        "application/json",
    );
    assert_problem(
        &error,
        "#/paths/~1a/post/responses/200/content/application~1json",
        "needs a `schema`",
    );
}

#[test]
fn an_operation_needs_a_status_code() {
    let error = inline("paths:\n  /a:\n    get:\n      operationId: A\n      responses: {}\n");
    assert_problem(
        &error,
        "#/paths/~1a/get/responses",
        "at least one status code",
    );
}

#[test]
fn the_body_field_cannot_be_taken_by_a_parameter() {
    let error = inline(
        "paths:\n  /a:\n    post:\n      operationId: A\n      parameters:\n        \
         - {name: body, in: query, schema: {type: string}}\n      requestBody:\n        \
         content:\n          application/json: {schema: {type: string}}\n      responses:\n        \
         '204': {description: ok}\n",
    );
    assert_problem(
        &error,
        "#/paths/~1a/post/parameters/0",
        "holds the request body",
    );
}

#[test]
fn io_errors_name_the_file() {
    let missing = Path::new("/nonexistent/ges.yaml");
    let error = ges_codegen::generate_file(missing, Path::new("/nonexistent/out.rs")).unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    assert!(
        error.to_string().contains("/nonexistent/ges.yaml"),
        "{error}"
    );
}

#[test]
fn malformed_json_names_the_line_too() {
    let error = generate(
        "{\"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"t\",,}}\n",
        "x.json",
    )
    .unwrap_err();
    let Error::Syntax { line, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(*line, Some(2), "{error}");
}

#[test]
fn json_specs_are_read_like_yaml() {
    let spec = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "A", "responses": {"204": {"description": "ok"}}}}}}"#;
    let code = generate(spec, "a.json").unwrap();
    assert!(code.starts_with("// Generated by ges-codegen from a.json. Do not edit.\n"));
    assert!(code.contains("pub struct ARequest"), "{code}");
}

#[test]
fn yaml_tags_are_refused_with_their_place() {
    let error = inline("paths: {}\ncomponents:\n  schemas:\n    A: !custom {type: string}\n");
    let Error::Structure {
        pointer, message, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(pointer, "#/components/schemas/A");
    assert!(message.contains("!custom"), "{error}");
}

#[test]
fn response_headers_must_be_simple_and_sensitive_ones_strings() {
    let error = inline(
        "paths:\n  /a:\n    get:\n      operationId: A\n      responses:\n        '200':\n          \
         description: ok\n          headers:\n            X-Count:\n              x-sensitive: true\n              \
         schema: {type: integer}\n            Body:\n              schema: {type: string}\n            \
         X-List:\n              schema: {type: array, items: {type: string}}\n            X-Flag:\n              \
         x-sensitive: yes please\n              schema: {type: string}\n          content:\n            \
         application/json:\n              schema: {type: string}\n",
    );
    let headers = "#/paths/~1a/get/responses/200/headers";
    assert_problem(
        &error,
        &format!("{headers}/X-Count/x-sensitive"),
        "plain `type: string`",
    );
    assert_problem(
        &error,
        &format!("{headers}/Body"),
        "holds the answer's body",
    );
    assert_problem(
        &error,
        &format!("{headers}/X-List/schema"),
        "arrays and objects",
    );
    assert_problem(
        &error,
        &format!("{headers}/X-Flag/x-sensitive"),
        "`true` or `false`",
    );
}

#[test]
fn enum_descriptions_must_match_the_values() {
    let error = inline(
        "paths: {}\ncomponents:\n  schemas:\n    S:\n      type: string\n      enum: [a, b]\n      \
         x-enum-descriptions: [only one]\n",
    );
    assert_problem(
        &error,
        "#/components/schemas/S/x-enum-descriptions",
        "a list of 2 strings",
    );
}

/// The refusals that, in the public corpus, only its two largest documents (not
/// vendored) gave: kept here on small specs.
#[test]
fn refusals_seen_only_in_the_largest_corpus_documents() {
    let error = inline(
        "paths:\n  /a:\n    get:\n      operationId: A\n      parameters:\n        - {name: page-size, in: \
         query, schema: {type: integer}}\n        - {name: page_size, in: query, schema: {type: \
         integer}}\n      responses:\n        '204': {description: ok}\ncomponents:\n  schemas:\n    \
         S:\n      type: object\n      properties:\n        '+1': {type: string}\n        list: {type: \
         array}\n    E:\n      type: string\n      enum: [a, null]\n",
    );
    assert_problem(
        &error,
        "#/paths/~1a/get/parameters/1",
        "both give the field `page_size`",
    );
    assert_problem(
        &error,
        "#/components/schemas/S/properties/+1",
        "does not make a Rust field name",
    );
    assert_problem(
        &error,
        "#/components/schemas/S/properties/list",
        "an array needs `items`",
    );
    assert_problem(&error, "#/components/schemas/E/enum/1", "`null` in an enum");
}
