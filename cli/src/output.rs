//! Everything the command line prints on stdout goes through [`write_out`], which takes
//! a closed stdout (`ges-stop reconcile | head -c 10`) in its stride; and how `stop`,
//! `list` and `reconcile` print the run's answer: one JSON document, exactly the function's, for a
//! program; a table for a person.

use std::io::{ErrorKind, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;

use crate::table::{self, View};
use ges_client::run::Answer;

/// The form of the answer on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// The function's answer, as JSON on one line.
    Json,
    /// An aligned table, one graph a line, and the counts.
    Table,
}

impl Format {
    /// A table for a person at a terminal; JSON for a program reading a pipe or a file.
    pub(crate) fn detect() -> Self {
        if std::io::stdout().is_terminal() {
            Self::Table
        } else {
            Self::Json
        }
    }
}

/// Set once stdout has been found closed: nothing more is written to it.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout. A reader that went away (a broken pipe) is no failure of the
/// run: what it did is done, and its exit code still says how it ended. Said once on
/// stderr, since a real stop's answer is then lost; everything after it is dropped, as
/// ripgrep does. Any other write error is returned.
pub(crate) fn write_out(text: &str) -> std::io::Result<()> {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(error) if error.kind() == ErrorKind::BrokenPipe => {
            if !STDOUT_CLOSED.swap(true, Ordering::Relaxed) {
                // Best effort: stderr may be gone as well, and must not panic either.
                let _ = writeln!(
                    std::io::stderr(),
                    "ges-stop: stdout was closed; the rest of the output is dropped (the exit \
                     code still says how the run ended)"
                );
            }
            Ok(())
        }
        other => other,
    }
}

/// One line on stdout, through [`write_out`].
pub(crate) fn line(text: impl std::fmt::Display) -> std::io::Result<()> {
    write_out(&format!("{text}\n"))
}

/// Prints the answer on stdout in `format`.
pub(crate) fn print_answer(answer: &Answer, format: Format, view: View) -> std::io::Result<()> {
    match format {
        // As the function renders it for a caller that is not HTTP.
        Format::Json => {
            let json = serde_json::to_value(answer).map_err(std::io::Error::other)?;
            line(json)
        }
        Format::Table => {
            let mut table = Vec::new();
            table::write(&mut table, answer, view)?;
            write_out(&String::from_utf8_lossy(&table))
        }
    }
}
