//! What can go wrong between a spec and generated code, and how it is reported.
//!
//! Every message names where in the spec the problem is: a line and column for text
//! that does not parse, a JSON pointer for everything after that. Problems found while
//! resolving the spec are collected and reported together, so one run shows them all.

use std::fmt;
use std::path::PathBuf;

/// Why no code was generated.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The text is neither YAML nor JSON.
    #[error("{source_name}: not valid YAML or JSON{}: {message}", Location(*.line, *.column))]
    Syntax {
        /// The spec's name, as the caller gave it.
        source_name: String,
        /// The line, counted from 1, when the parser knows it.
        line: Option<usize>,
        /// The column, counted from 1, when the parser knows it.
        column: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// The document is not OpenAPI 3.0.x.
    #[error(
        "{source_name}: {pointer}: {found}; only OpenAPI 3.0.x (`openapi: 3.0.3`) is supported"
    )]
    Version {
        /// The spec's name, as the caller gave it.
        source_name: String,
        /// The JSON pointer to the field that declares the version (`#/openapi`,
        /// `#/swagger`), or `#` when there is none.
        pointer: String,
        /// What the document declares instead.
        found: String,
    },
    /// The document parses but does not have the shape OpenAPI 3.0 gives it.
    #[error("{source_name}: {pointer}: not a valid OpenAPI 3.0 document: {message}")]
    Structure {
        /// The spec's name, as the caller gave it.
        source_name: String,
        /// The JSON pointer to the value that does not fit, as far as it is known.
        pointer: String,
        /// What was expected there.
        message: String,
    },
    /// The document is valid OpenAPI but uses things the generator does not support,
    /// or breaks a rule the generated code relies on.
    #[error("{source_name}: {} problem(s) the generator cannot handle:{}", .problems.len(), ProblemList(.problems))]
    Spec {
        /// The spec's name, as the caller gave it.
        source_name: String,
        /// Every problem found, in the order the spec was read.
        problems: Vec<Problem>,
    },
    /// A file could not be read or written.
    #[error("{}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A dependency (the YAML parser, openapiv3, the formatter) or the generator itself
    /// panicked on this document. The panic was caught: it is a bug to report with the
    /// document, not a reason to crash a build.
    #[error(
        "{source_name}: ges-codegen failed while {stage} ({message}); this is a bug: please \
         report it with the document"
    )]
    Panicked {
        /// The spec's name, as the caller gave it.
        source_name: String,
        /// What was being done.
        stage: &'static str,
        /// The panic's message.
        message: String,
    },
    /// The generator produced tokens that are not Rust: a bug in the generator, not in
    /// the spec.
    #[error("ges-codegen produced code that does not parse ({message}); please report this")]
    Internal {
        /// The parser's message.
        message: String,
    },
}

impl Error {
    /// The problems found in the spec, if that is what went wrong.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Spec { problems, .. } => problems,
            _ => &[],
        }
    }
}

/// One thing in the spec the generator cannot turn into code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pointer: String,
    message: String,
}

impl Problem {
    pub(crate) fn new(pointer: String, message: String) -> Self {
        Self { pointer, message }
    }

    /// Where: a JSON pointer into the spec, such as `#/components/schemas/Graph`.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What is wrong, and what is supported instead.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

struct ProblemList<'a>(&'a [Problem]);

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for problem in self.0 {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

struct Location(Option<usize>, Option<usize>);

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.0, self.1) {
            (Some(line), Some(column)) => write!(f, " at line {line}, column {column}"),
            (Some(line), None) => write!(f, " at line {line}"),
            _ => Ok(()),
        }
    }
}
