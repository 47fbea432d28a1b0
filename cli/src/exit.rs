//! How the command line ends: its exit codes, and how every subcommand reports an error.

use std::process::ExitCode;

/// Exit code for a failure GES or the network reported.
pub(crate) const EXIT_FAILED: u8 = 1;
/// Exit code for a bad command line or configuration: nothing was sent.
pub(crate) const EXIT_USAGE: u8 = 2;

/// Prints an error the way every subcommand does, and gives the exit code.
pub(crate) fn fail(code: u8, message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(code)
}
