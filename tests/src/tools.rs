//! Where the workspace is, the built binaries, and the outside tools that `scripts/test`
//! prepares (the Python venv, cargo-lambda): a leaf module the others use.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
/// run under.
pub fn ges_stop_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build("ges-stop", Profile::Current))
}

/// The `ges-stop-lambda` binary, built (once per test process) with the release
/// profile, as it is deployed: the Lambda tests run what users run.
pub fn ges_stop_lambda_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build("ges-stop-lambda", Profile::Release))
}

/// The `ges-stop-functiongraph` binary (deployed as `bootstrap`), built (once per test
/// process) with the release profile, as it is deployed.
pub fn ges_stop_functiongraph_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| build("ges-stop-functiongraph", Profile::Release))
}

enum Profile {
    Current,
    Release,
}

/// Builds one of the workspace's binaries, each the only binary of the package of the
/// same name (`ges-stop` in cli/, `ges-stop-lambda` in function/, `ges-stop-functiongraph`
/// in functiongraph/). No `--target`: that
/// would build everything again in another folder.
fn build(bin: &str, profile: Profile) -> PathBuf {
    let build = escargot::CargoBuild::new()
        .package(bin)
        .bin(bin)
        .manifest_path(workspace_root().join("Cargo.toml"));
    let build = match profile {
        Profile::Current => build.current_release(),
        Profile::Release => build.release(),
    };
    build
        .run()
        .unwrap_or_else(|error| panic!("cargo could not build {bin}: {error}"))
        .path()
        .to_owned()
}

/// The `cargo-lambda` binary (the Lambda runtime emulator), which `scripts/test`
/// installs into the venv from `scripts/requirements.txt`: next to [`python()`].
/// `GES_STOP_CARGO_LAMBDA` overrides it.
///
/// Panics with what to do when there is none: a test that needs it must fail, not skip.
pub fn cargo_lambda() -> PathBuf {
    let path = match std::env::var_os("GES_STOP_CARGO_LAMBDA") {
        Some(path) => PathBuf::from(path),
        None => python().with_file_name("cargo-lambda"),
    };
    assert!(
        path.exists(),
        "no cargo-lambda at {}: run scripts/test once (it installs scripts/requirements.txt, \
         which pins cargo-lambda, into .venv), or `.venv/bin/pip install cargo-lambda==1.9.2`, \
         or point GES_STOP_CARGO_LAMBDA at a cargo-lambda binary",
        path.display()
    );
    path
}
