//! How untrusted input is shown in messages: short, escaped excerpts and the kind of a
//! JSON value. A leaf module: messages anywhere in the workspace use it, it uses nothing.

pub mod json;

use std::fmt;

use serde_json::Value;

/// A value from untrusted input (an event, an answer), as a message may repeat it: quoted, at most
/// [`Excerpt::LIMIT`] characters once escaped, control and invisible characters escaped
/// as `{:?}` does, and `…` where it was cut. A 200 kB field name becomes 80 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excerpt(Box<str>);

impl Excerpt {
    /// The most characters shown, after escaping.
    pub const LIMIT: usize = 80;

    /// An excerpt of `value`.
    pub fn of(value: &str) -> Self {
        Self::with_limit(value, Self::LIMIT)
    }

    /// An excerpt of `value`, at most `limit` characters once escaped.
    pub fn with_limit(value: &str, limit: usize) -> Self {
        let mut shown = String::from("\"");
        let mut width = 0;
        for c in value.chars() {
            // `'` needs no escape inside double quotes; everything else as `{:?}` does.
            let piece: String = if c == '\'' {
                c.to_string()
            } else {
                c.escape_debug().collect()
            };
            width += piece.chars().count();
            if width > limit {
                shown.push('…');
                break;
            }
            shown.push_str(&piece);
        }
        shown.push('"');
        Self(shown.into_boxed_str())
    }
}

impl fmt::Display for Excerpt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A parser's complaint cut to `limit` characters, control characters escaped, for the
/// reason in an error: parsers quote the values they complain about, so their words are
/// input too.
pub fn brief(text: &str, limit: usize) -> Box<str> {
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == limit {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    out.into_boxed_str()
}

/// What kind of JSON value was received, for messages ("a string", "null").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JsonKind {
    /// `null`.
    Null,
    /// `true` or `false`.
    Boolean,
    /// A number.
    Number,
    /// A non-empty string.
    String,
    /// `""`, where a non-empty string is required.
    EmptyString,
    /// An array.
    Array,
    /// An object.
    Object,
}

impl JsonKind {
    /// The kind of `value` (a string of any length is [`JsonKind::String`]).
    pub fn of(value: &Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(_) => Self::Boolean,
            Value::Number(_) => Self::Number,
            Value::String(_) => Self::String,
            Value::Array(_) => Self::Array,
            Value::Object(_) => Self::Object,
        }
    }
}

impl fmt::Display for JsonKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Null => "null",
            Self::Boolean => "a boolean",
            Self::Number => "a number",
            Self::String => "a string",
            Self::EmptyString => "an empty string",
            Self::Array => "an array",
            Self::Object => "an object",
        })
    }
}
