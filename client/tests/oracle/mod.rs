//! The Python references the client's integration tests are held against (zoneinfo on
//! the pinned tzdata, python-dateutil's rrule, the holidays and chinesecalendar
//! packages): the venv's Python, found as tests/src/tools.rs finds it (this crate cannot
//! depend on the e2e crate), and a script of tests/python run on it.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv Python that `scripts/venv` creates from scripts/requirements.txt
/// (`GES_STOP_PYTHON` overrides it).
fn python() -> PathBuf {
    let path = std::env::var_os("GES_STOP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python"));
    assert!(
        path.exists(),
        "no Python venv at {}: run scripts/venv (it creates .venv from \
         scripts/requirements.txt, which pins tzdata, python-dateutil, holidays and \
         chinesecalendar), or point GES_STOP_PYTHON at a Python with them",
        path.display()
    );
    path
}

/// Runs tests/python/`script` with `args` and gives what it printed; a failure fails
/// the test with the script's stderr. `PYTHONTZPATH` is empty: zoneinfo reads the
/// pinned tzdata package only, never the host's files.
pub(crate) fn run<I, S>(script: &str, args: I) -> Vec<u8>
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/python")
        .join(script);
    let output = Command::new(python())
        .arg(path)
        .args(args)
        .env("PYTHONTZPATH", "")
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "{script} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}
