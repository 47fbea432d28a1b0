//! Support for the end-to-end tests under `tests/tests/`: where the workspace is, the
//! built binaries, and the Python venv that `scripts/test` prepares.

use std::path::{Path, PathBuf};

/// The workspace's root folder.
pub fn workspace_root() -> &'static Path {
    // This crate sits one folder below the root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the e2e crate lives inside the workspace")
}

/// The Python interpreter of the venv that `scripts/test` creates, with the official
/// Huawei Cloud SDK and the OpenAPI validator installed. `GES_STOP_PYTHON` overrides it.
///
/// Panics with what to do when there is none: a test that needs it must fail, not skip.
pub fn python() -> PathBuf {
    let path = std::env::var_os("GES_STOP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    assert!(
        path.exists(),
        "no Python venv at {}: run scripts/test once (it creates .venv from \
         scripts/requirements.txt), or point GES_STOP_PYTHON at a Python with those packages",
        path.display()
    );
    path
}

/// The `ges-stop` binary, built (once per test process) with the profile the tests
/// run under. No `--target`: that would build everything again in another folder.
pub fn ges_stop_binary() -> &'static Path {
    static BINARY: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BINARY.get_or_init(|| {
        escargot::CargoBuild::new()
            .package("ges-stop")
            .bin("ges-stop")
            .current_release()
            .manifest_path(workspace_root().join("Cargo.toml"))
            .run()
            .expect("cargo builds the ges-stop binary")
            .path()
            .to_owned()
    })
}
