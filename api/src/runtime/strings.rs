//! Validated strings: the `minLength`, `maxLength` and `pattern` rules a generated
//! newtype checks before a value exists, and the error naming the rule a value breaks.

use std::fmt;
use std::sync::OnceLock;

/// A `pattern` from the spec, compiled on first use.
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<regex_lite::Regex>,
}

impl Pattern {
    /// A pattern the generator has already checked compiles.
    pub const fn new(source: &'static str) -> Self {
        Self {
            source,
            compiled: OnceLock::new(),
        }
    }

    /// The pattern as the spec writes it.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether the value matches. Like JSON Schema, the pattern is searched for, not
    /// anchored: the spec anchors it with `^` and `$` where it means the whole value.
    pub fn is_match(&self, value: &str) -> bool {
        self.compiled
            .get_or_init(|| {
                // Start-up invariant: the generator compiled this very pattern with this
                // very engine before it emitted it.
                regex_lite::Regex::new(self.source)
                    .expect("the generator checked that this pattern compiles")
            })
            .is_match(value)
    }
}

/// The constraints of a validated string type, as the spec states them.
#[derive(Debug)]
pub struct StringRules {
    /// The type's name, for messages.
    pub type_name: &'static str,
    /// `minLength`, in characters.
    pub min_length: Option<usize>,
    /// `maxLength`, in characters.
    pub max_length: Option<usize>,
    /// `pattern`.
    pub pattern: Option<&'static Pattern>,
}

impl StringRules {
    /// Checks a value against every rule, length first, so that a huge value is
    /// refused before a pattern ever looks at it.
    pub fn check(&self, value: &str) -> Result<(), ConstraintViolation> {
        let violation = |rule| ConstraintViolation {
            type_name: self.type_name,
            shown: shown_value(value),
            rule,
        };
        let length = value.chars().count();
        if let Some(min) = self.min_length
            && length < min
        {
            return Err(violation(Rule::MinLength { min, length }));
        }
        if let Some(max) = self.max_length
            && length > max
        {
            return Err(violation(Rule::MaxLength { max, length }));
        }
        if let Some(pattern) = self.pattern
            && !pattern.is_match(value)
        {
            return Err(violation(Rule::Pattern {
                pattern: pattern.source(),
            }));
        }
        Ok(())
    }
}

/// How much of a refused value a message repeats.
const VALUE_SHOWN: usize = 80;

/// The value as a message shows it: escaped first, then cut, so that a value of control
/// characters cannot blow the message up again by escaping.
fn shown_value(value: &str) -> String {
    let mut escaped = value.escape_debug();
    let mut shown: String = escaped.by_ref().take(VALUE_SHOWN).collect();
    if escaped.next().is_some() {
        shown.push('…');
    }
    shown
}

/// A value that breaks one of its type's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{shown}\" is not a valid {type_name}: {rule}")]
pub struct ConstraintViolation {
    type_name: &'static str,
    shown: String,
    rule: Rule,
}

impl ConstraintViolation {
    /// The name of the type the value was meant for.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }

    /// The rule the value breaks.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

/// A rule from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Shorter than `minLength`.
    MinLength {
        /// The least length allowed.
        min: usize,
        /// The value's length.
        length: usize,
    },
    /// Longer than `maxLength`.
    MaxLength {
        /// The greatest length allowed.
        max: usize,
        /// The value's length.
        length: usize,
    },
    /// Does not match `pattern`.
    Pattern {
        /// The pattern.
        pattern: &'static str,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MinLength { min, length } => {
                write!(f, "it has {length} characters, at least {min} are needed")
            }
            Self::MaxLength { max, length } => {
                write!(f, "it has {length} characters, at most {max} are allowed")
            }
            Self::Pattern { pattern } => write!(f, "it must match {pattern}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static ID: Pattern = Pattern::new("^[A-Za-z0-9_-]+$");
    const RULES: StringRules = StringRules {
        type_name: "GraphId",
        min_length: Some(1),
        max_length: Some(8),
        pattern: Some(&ID),
    };

    #[test]
    fn rules_are_checked_length_first() {
        assert!(RULES.check("ab-c_1").is_ok());
        let long = "x".repeat(200_000);
        let err = RULES.check(&long).unwrap_err();
        assert_eq!(
            err.rule(),
            &Rule::MaxLength {
                max: 8,
                length: 200_000
            }
        );
        // A refused value is cut in the message, never repeated whole.
        assert!(err.to_string().len() < 200, "{err}");
        // Also when escaping makes each character several.
        let controls = "\u{1}".repeat(200_000);
        let err = RULES.check(&controls).unwrap_err();
        assert!(err.to_string().len() < 200, "{err}");
        assert!(err.to_string().starts_with("\"\\u{1}"), "{err}");
        assert!(matches!(
            RULES.check("").unwrap_err().rule(),
            Rule::MinLength { .. }
        ));
        assert!(matches!(
            RULES.check("a/b").unwrap_err().rule(),
            Rule::Pattern { .. }
        ));
        assert!(RULES.check("a\nb").is_err());
    }
}
