//! Rust names for spec names: types in UpperCamelCase, fields in snake_case, enum
//! variants from values or `x-enum-varnames`, response variants from status codes.
//!
//! Every function either returns a valid identifier or says why there is none, so the
//! emitter can build identifiers without a chance of panicking.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// Keywords, strict and reserved, in every edition the output may be compiled with.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers either.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Whether `name` is a plain ASCII Rust identifier (keywords included).
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) if first.is_ascii_alphabetic() || first == '_' => {}
        _ => return false,
    }
    name != "_" && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The type name for a schema or operation name.
pub(crate) fn type_name(spec_name: &str) -> Result<String, String> {
    let name = spec_name.to_upper_camel_case();
    if !is_identifier(&name) {
        return Err(format!(
            "`{spec_name}` does not make a Rust type name (it gives `{name}`); use a name that \
             starts with a letter and holds only ASCII letters, digits, `_` or `-`"
        ));
    }
    // Generated code names the standard library by absolute paths, so a type may be
    // called `Result` or `String`; only `Self` is a keyword among UpperCamelCase names.
    if KEYWORDS.contains(&name.as_str()) {
        return Err(format!(
            "`{spec_name}` gives the type name `{name}`, which is a Rust keyword; rename it"
        ));
    }
    Ok(name)
}

/// The field name for a property or parameter name: snake_case, a raw identifier for a
/// keyword (`r#type`), or a trailing `_` for the keywords that cannot be raw.
pub(crate) fn field_name(spec_name: &str) -> Result<String, String> {
    let name = spec_name.to_snake_case();
    if !is_identifier(&name) {
        return Err(format!(
            "`{spec_name}` does not make a Rust field name (it gives `{name}`); only names that \
             start with a letter or `_` and hold ASCII letters, digits, `_`, `-` or `.` are \
             supported"
        ));
    }
    Ok(if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    })
}

/// The variant that keeps values the contract does not list.
pub(crate) const UNKNOWN_VARIANT: &str = "Unknown";

/// The variant name for an enum value, from `x-enum-varnames` when the spec gives one.
pub(crate) fn variant_name(value: &str, varname: Option<&str>) -> Result<String, String> {
    let source = varname.unwrap_or(value);
    let name = source.to_upper_camel_case();
    if !is_identifier(&name) || KEYWORDS.contains(&name.as_str()) {
        return Err(match varname {
            Some(varname) => format!(
                "the x-enum-varnames entry `{varname}` for `{value}` does not make a Rust variant \
                 name; use letters, digits and `_`, starting with a letter"
            ),
            None => format!(
                "the value `{value}` does not make a Rust variant name; name the variants with \
                 `x-enum-varnames`, one per value, in the same order"
            ),
        });
    }
    if name == UNKNOWN_VARIANT {
        return Err(format!(
            "`{source}` gives the variant `{UNKNOWN_VARIANT}`, which is kept for values the contract \
             does not list; name the variants with `x-enum-varnames`"
        ));
    }
    Ok(name)
}

/// The response variant for a status code: its canonical reason in UpperCamelCase
/// (`404` is `NotFound`), or `Status{code}` for a code without one.
pub(crate) fn status_variant(code: u16) -> String {
    http::StatusCode::from_u16(code)
        .ok()
        .and_then(|status| status.canonical_reason())
        .map(ToUpperCamelCase::to_upper_camel_case)
        .filter(|name| is_identifier(name))
        .unwrap_or_else(|| format!("Status{code}"))
}

/// The name of the static holding a validated type's pattern.
pub(crate) fn pattern_static(type_name: &str) -> String {
    format!("{}_PATTERN", type_name.to_shouty_snake_case())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_snake_case_and_keywords_raw() {
        assert_eq!(field_name("graphCount").unwrap(), "graph_count");
        assert_eq!(field_name("X-Request-Id").unwrap(), "x_request_id");
        assert_eq!(field_name("type").unwrap(), "r#type");
        assert_eq!(field_name("self").unwrap(), "self_");
        assert!(field_name("2fa").is_err());
        assert!(field_name("ü").is_err());
    }

    #[test]
    fn types_are_upper_camel_case_and_never_keywords() {
        assert_eq!(type_name("show_graph").unwrap(), "ShowGraph");
        assert_eq!(type_name("StopGraph").unwrap(), "StopGraph");
        assert_eq!(type_name("result").unwrap(), "Result");
        assert!(type_name("self").unwrap_err().contains("keyword"));
        assert!(type_name("123").is_err());
    }

    #[test]
    fn variants_come_from_values_or_varnames() {
        assert_eq!(variant_name("in-progress", None).unwrap(), "InProgress");
        assert_eq!(variant_name("200", Some("Running")).unwrap(), "Running");
        assert!(
            variant_name("200", None)
                .unwrap_err()
                .contains("x-enum-varnames")
        );
        assert!(variant_name("unknown", None).is_err());
    }

    #[test]
    fn statuses_use_canonical_reasons() {
        assert_eq!(status_variant(200), "Ok");
        assert_eq!(status_variant(404), "NotFound");
        assert_eq!(status_variant(500), "InternalServerError");
        assert_eq!(status_variant(599), "Status599");
    }
}
