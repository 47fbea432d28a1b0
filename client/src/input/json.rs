//! The one strict JSON reader for every input (events, message bodies, HTTP bodies,
//! variables, the schedules document, the secret): RFC 8259 text into a
//! [`serde_json::Value`], refusing a key given twice in any object and anything but
//! whitespace after the value. serde_json keeps the last of two equal keys, other readers
//! the first: `{"dry_run": true, "dry_run": false}` would mean one thing to whoever
//! checked it and another to us, so neither is read. A leaf module: it uses only
//! [`crate::input`], and every reader of JSON input uses it.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::input::{Excerpt, brief};

/// Why a text is not strict JSON. Its message follows a subject ("the event", "the
/// request body") and is bounded: a key is shown cut and escaped, a path keeps its last
/// steps.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum JsonError {
    /// Not JSON at all.
    #[error("is not JSON: {message}")]
    Syntax {
        /// What the parser said, with where (cut).
        message: Box<str>,
        /// Where, 1-based.
        line: usize,
        /// Where, 1-based.
        column: usize,
    },
    /// An object gives the same key twice.
    #[error(
        "gives the key {path} twice (line {line}, column {column}): give each key once, as \
         JSON readers disagree on which of two counts"
    )]
    DuplicateKey {
        /// Where, such as `detail.dry_run` or `Records[0].body`, bounded.
        path: Box<str>,
        /// Where the second one ends, 1-based.
        line: usize,
        /// Where the second one ends, 1-based.
        column: usize,
    },
    /// Something other than whitespace after the value.
    #[error(
        "has more after its JSON value (line {line}, column {column}): give one value, with \
         nothing after it but whitespace"
    )]
    TrailingContent {
        /// Where it starts, 1-based.
        line: usize,
        /// Where it starts, 1-based.
        column: usize,
    },
}

impl JsonError {
    /// Where in the text it went wrong: line and column, 1-based.
    pub fn position(&self) -> (usize, usize) {
        match self {
            Self::Syntax { line, column, .. }
            | Self::DuplicateKey { line, column, .. }
            | Self::TrailingContent { line, column } => (*line, *column),
        }
    }
}

/// The most characters of a parser's message kept.
const MESSAGE_LIMIT: usize = 120;
/// The most characters of one key shown in a path.
const KEY_LIMIT: usize = 40;
/// The most characters of a path shown: its last steps, after `…`.
const PATH_LIMIT: usize = 120;

/// Reads `text` as one JSON value, strictly.
pub fn parse(text: &str) -> Result<Value, JsonError> {
    parse_slice(text.as_bytes())
}

/// Reads `bytes` as one JSON value, strictly (UTF-8, as RFC 8259 requires).
pub fn parse_slice(bytes: &[u8]) -> Result<Value, JsonError> {
    let duplicate = RefCell::new(None);
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let read = Strict {
        at: None,
        duplicate: &duplicate,
    }
    .deserialize(&mut deserializer);
    let value = read.map_err(|error| match duplicate.take() {
        Some(path) => JsonError::DuplicateKey {
            path,
            line: error.line(),
            column: error.column(),
        },
        None => JsonError::Syntax {
            message: brief(&error.to_string(), MESSAGE_LIMIT),
            line: error.line(),
            column: error.column(),
        },
    })?;
    deserializer
        .end()
        .map_err(|error| JsonError::TrailingContent {
            line: error.line(),
            column: error.column(),
        })?;
    Ok(value)
}

/// A key as a path shows it: bare when it is an identifier (`dry_run`), else quoted, cut
/// to `limit` characters and escaped (`"office hours"`).
pub fn key(key: &str, limit: usize) -> String {
    let identifier = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.len() <= limit
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if identifier {
        key.to_owned()
    } else {
        Excerpt::with_limit(key, limit).to_string()
    }
}

/// One step from the root to a value.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a value is: its step, and its parent's place. Borrowed down the recursion, so
/// that building a path costs nothing until a duplicate is found.
struct Place<'a> {
    parent: Option<&'a Place<'a>>,
    step: Step<'a>,
}

/// The path to `key` in the object at `at`: `Records[0].body.dry_run`, its last steps
/// after `…` when long.
fn path(at: Option<&Place<'_>>, key: &str) -> Box<str> {
    // From the key back to the root, each step with what joins it to its parent.
    let mut pieces = vec![Piece::Key(self::key(key, KEY_LIMIT))];
    let mut place = at;
    while let Some(current) = place {
        pieces.push(match current.step {
            Step::Key(name) => Piece::Key(self::key(name, KEY_LIMIT)),
            Step::Index(index) => Piece::Index(index),
        });
        place = current.parent;
    }
    let mut shown = String::new();
    let mut width = 0;
    for (i, piece) in pieces.iter().enumerate() {
        let root = i + 1 == pieces.len();
        let text = match piece {
            Piece::Key(key) if root => key.clone(),
            Piece::Key(key) => format!(".{key}"),
            Piece::Index(index) => format!("[{index}]"),
        };
        width += text.chars().count();
        if i > 0 && width > PATH_LIMIT {
            return format!("…{}", shown.trim_start_matches('.')).into_boxed_str();
        }
        shown.insert_str(0, &text);
    }
    shown.into_boxed_str()
}

/// A step as a path shows it.
enum Piece {
    Key(String),
    Index(usize),
}

/// Builds a [`Value`] as serde_json's own `Deserialize` does, refusing a key an object
/// already has; `duplicate` says where, since serde_json's error cannot carry it.
struct Strict<'a> {
    at: Option<&'a Place<'a>>,
    duplicate: &'a RefCell<Option<Box<str>>>,
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        // serde_json bounds the depth (128) of what it hands to `deserialize_any`.
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        loop {
            let place = Place {
                parent: self.at,
                step: Step::Index(items.len()),
            };
            let seed = Strict {
                at: Some(&place),
                duplicate: self.duplicate,
            };
            match seq.next_element_seed(seed)? {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                *self.duplicate.borrow_mut() = Some(path(self.at, &key));
                return Err(de::Error::custom("duplicate key"));
            }
            let place = Place {
                parent: self.at,
                step: Step::Key(&key),
            };
            let value = map.next_value_seed(Strict {
                at: Some(&place),
                duplicate: self.duplicate,
            })?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn duplicate(text: &str) -> String {
        match parse(text) {
            Err(JsonError::DuplicateKey { path, .. }) => path.into(),
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn reads_what_serde_json_reads_when_keys_are_unique() {
        for text in [
            r#"{"graph_id": "g", "dry_run": true, "n": [1, -2, 3.5, null, {"a": {}}]}"#,
            "[]",
            "  \"x\"\n",
            "1e300",
            r#"{"a": {"b": 1}, "b": {"a": 1}}"#,
        ] {
            assert_eq!(
                parse(text).unwrap(),
                serde_json::from_str::<Value>(text).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn a_key_given_twice_is_refused_with_its_path() {
        assert_eq!(
            duplicate(r#"{"graph_id":"g","dry_run":true,"dry_run":false}"#),
            "dry_run"
        );
        assert_eq!(
            duplicate(r#"{"detail": {"graph_id": "g", "graph_id": "h"}}"#),
            "detail.graph_id"
        );
        assert_eq!(
            duplicate(r#"{"Records": [{}, {"body": "x", "body": "y"}]}"#),
            "Records[1].body"
        );
        assert_eq!(duplicate(r#"[[{"a": 1, "a": 1}]]"#), "[0][0].a");
        assert_eq!(
            duplicate(r#"{"office hours": {"x\u0000": 1, "x\u0000": 2}}"#),
            r#""office hours"."x\0""#
        );
        let error = parse(r#"{"name":"no-match-*","name":"*"}"#).unwrap_err();
        assert_eq!(
            error.to_string(),
            "gives the key name twice (line 1, column 27): give each key once, as JSON \
             readers disagree on which of two counts"
        );
    }

    #[test]
    fn paths_and_keys_stay_short() {
        let long = "k".repeat(5000);
        let text = format!(r#"{{"{long}": 1, "{long}": 2}}"#);
        let path = duplicate(&text);
        assert!(path.chars().count() <= KEY_LIMIT + 3, "{path}");
        let deep = format!("{}{{\"a\":1,\"a\":2}}{}", "[".repeat(100), "]".repeat(100));
        let path = duplicate(&deep);
        assert!(path.starts_with('…') && path.ends_with("[0].a"), "{path}");
        assert!(path.chars().count() <= PATH_LIMIT + 1, "{path}");
        let nested = format!(
            "{}{{\"{long}\":1,\"{long}\":2}}{}",
            format!("{{\"{long}\":").repeat(20),
            "}".repeat(20)
        );
        let path = duplicate(&nested);
        assert!(path.chars().count() <= PATH_LIMIT + 1, "{path}");
    }

    #[test]
    fn anything_but_whitespace_after_the_value_is_refused() {
        for (text, column) in [
            (r#"{"a": 1} {"b": 2}"#, 10),
            (r#"{"a": 1}}"#, 9),
            (r#"{"a": 1} // comment"#, 10),
            ("1 2", 3),
        ] {
            assert_eq!(
                parse(text),
                Err(JsonError::TrailingContent { line: 1, column }),
                "{text}"
            );
        }
        assert_eq!(parse(" {\"a\": 1} \n\t\r ").unwrap(), json!({"a": 1}));
    }

    #[test]
    fn syntax_errors_say_where_and_are_cut() {
        let error = parse("{\"a\": tru}").unwrap_err();
        assert!(
            matches!(error, JsonError::Syntax { line: 1, .. }),
            "{error:?}"
        );
        assert!(parse("").is_err());
        assert!(
            parse(&"[".repeat(200)).is_err(),
            "serde_json's depth bound holds"
        );
        let long = format!("{{\"{}", "x".repeat(10_000));
        assert!(parse(&long).unwrap_err().to_string().chars().count() < 200);
    }
}
