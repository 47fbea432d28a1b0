//! Which OpenAPI a document declares. Checked before anything else, because a 3.1 or
//! Swagger 2.0 document fails 3.0's rules in confusing places (and sometimes is not even
//! YAML the parser takes), while the real answer is one line.

use serde_json::Value;

/// Only 3.0.x: 3.1 changed the schema dialect (`type` lists, `nullable` gone,
/// `examples`), and 2.0 is another format altogether. `Err` holds the pointer to the
/// field and what it declares.
pub(super) fn check(document: &serde_json::Map<String, Value>) -> Result<(), (String, String)> {
    match (document.get("openapi"), document.get("swagger")) {
        (Some(Value::String(declared)), _) if declared.starts_with("3.0.") => Ok(()),
        (Some(Value::String(declared)), _) => Err((
            "#/openapi".to_owned(),
            format!("the document declares `openapi: {declared}`"),
        )),
        (Some(declared), _) => Err((
            "#/openapi".to_owned(),
            format!(
                "the document declares `openapi: {declared}`, which is not a version string \
                 (quote it)"
            ),
        )),
        (None, Some(declared)) => Err((
            "#/swagger".to_owned(),
            format!(
                "the document is Swagger {}, that is OpenAPI 2.0",
                declared
                    .as_str()
                    .map_or_else(|| declared.to_string(), str::to_owned)
            ),
        )),
        (None, None) => Err((
            "#".to_owned(),
            "the document has no `openapi` field".to_owned(),
        )),
    }
}

/// The version a document that does not parse seems to declare, read off its text: the
/// first top-level-looking `openapi:` or `swagger:` key, in YAML or JSON spelling. Only
/// used to put a version refusal before a syntax error; a 3.0 document that does not
/// parse still gets the syntax error with its line.
pub(super) fn sniff(text: &str) -> Option<Result<(), (String, String)>> {
    // Either at the start of a line (YAML, pretty JSON) or after `{` (one-line JSON).
    let pattern = regex_lite::Regex::new(
        r#"(?m)(?:^|\{)[ \t]*["']?(openapi|swagger)["']?[ \t]*:[ \t]*["']?([0-9][0-9A-Za-z.+-]*)"#,
    )
    .ok()?;
    let found = pattern.captures(text)?;
    let key = found.get(1)?.as_str();
    let declared = found.get(2)?.as_str();
    let mut document = serde_json::Map::new();
    document.insert(key.to_owned(), Value::String(declared.to_owned()));
    Some(check(&document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_sniffed_in_yaml_and_json() {
        assert!(matches!(sniff("openapi: 3.1.0\ninfo: ["), Some(Err(_))));
        assert!(matches!(sniff("{\"swagger\": \"2.0\", x"), Some(Err(_))));
        assert!(matches!(sniff("openapi: '3.0.3'\n:"), Some(Ok(()))));
        assert!(sniff("info: {title: openapi}\n").is_none());
        // Not a key at the top of a line: a description mentioning it does not count.
        assert!(sniff("  description: see openapi: 3.1.0\n").is_none());
    }
}
