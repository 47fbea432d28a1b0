//! What can be wrong with a schedules document, or with where it was to be read from.

use std::path::PathBuf;

/// A schedules document that cannot be used, and where it came from. Messages name the
/// field (`schedules."office-hours".periods[0].start`), the variable or the file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScheduleError {
    /// A field with a bad value, an unknown field, or a missing one.
    #[error("{path}: {message}")]
    Invalid {
        /// Where in the document, such as `schedules."office-hours".periods[0].start`.
        path: String,
        /// What is wrong, and what is accepted.
        message: String,
    },
    /// Not JSON at all.
    #[error("the schedules document is not JSON: {message} (line {line}, column {column})")]
    Syntax {
        /// What the parser said.
        message: String,
        /// Where, 1-based.
        line: usize,
        /// Where, 1-based.
        column: usize,
    },
    /// More than whitespace after the document: a second document, a comment, a stray
    /// `}`. What it would have said is not guessed at.
    #[error(
        "the schedules document has more after it (line {line}, column {column}): give one \
         JSON object, with nothing after it but whitespace"
    )]
    TrailingContent {
        /// Where the rest starts, 1-based.
        line: usize,
        /// Where the rest starts, 1-based.
        column: usize,
    },
    /// The document in a variable is bad.
    #[error("{variable}: {source}")]
    InVariable {
        /// The variable.
        variable: &'static str,
        /// What is wrong with it.
        #[source]
        source: Box<ScheduleError>,
    },
    /// The document in a file is bad.
    #[error("{}{}: {source}", variable.map(|v| format!("{v} ")).unwrap_or_default(), path.display())]
    InFile {
        /// The variable that named the file, if one did.
        variable: Option<&'static str>,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: Box<ScheduleError>,
    },
    /// The file could not be read.
    #[error(
        "could not read the schedules file {} ({}): {source}",
        path.display(),
        variable.unwrap_or("--file")
    )]
    Read {
        /// The variable that named the file, if one did.
        variable: Option<&'static str>,
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The file is larger than any schedules document needs to be.
    #[error(
        "the schedules file {} is larger than {limit} bytes: is it the right file?",
        path.display()
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// The most bytes read.
        limit: u64,
    },
    /// Both the document and a file.
    #[error(
        "both GES_SCHEDULES and GES_SCHEDULES_FILE are set: unset one of them, so that it \
         is clear which schedules apply"
    )]
    BothSet,
}
