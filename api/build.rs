//! Generates `types` from the OpenAPI contract: `$OUT_DIR/ges.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const SPEC: &str = "../openapi/ges.yaml";

fn main() -> ExitCode {
    println!("cargo:rerun-if-changed={SPEC}");
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("error: cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    let out = PathBuf::from(out_dir).join("ges.rs");
    match ges_codegen::generate_file(Path::new(SPEC), &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // Cargo shows a failed build script's stderr; no panic, so no backtrace noise.
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
