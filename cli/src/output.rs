//! How `stop` and `list` print the function's answer: one JSON document, exactly the
//! function's, for a program; a table for a person.

use std::io::{IsTerminal, Write};

use clap::ValueEnum;

use crate::table::{self, View};
use ges_stop_lambda::answer::Answer;

/// The form of the answer on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The function's answer, as JSON on one line.
    Json,
    /// An aligned table, one graph a line, and the counts.
    Table,
}

impl Format {
    /// A table for a person at a terminal; JSON for a program reading a pipe or a file.
    pub fn detect() -> Self {
        if std::io::stdout().is_terminal() {
            Self::Table
        } else {
            Self::Json
        }
    }
}

/// Prints the answer on stdout in `format`.
pub fn print_answer(answer: &Answer, format: Format, view: View) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match format {
        // As the function renders it for a caller that is not HTTP.
        Format::Json => {
            let json = serde_json::to_value(answer).map_err(std::io::Error::other)?;
            writeln!(stdout, "{json}")
        }
        Format::Table => table::write(&mut stdout, answer, view),
    }
}
