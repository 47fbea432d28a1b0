//! Generates the contracts' types: `$OUT_DIR/ges.rs`, `$OUT_DIR/iam.rs`, `$OUT_DIR/sts.rs`
//! and `$OUT_DIR/ces.rs`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Each contract and the file its code goes to.
const SPECS: [(&str, &str); 4] = [
    ("../openapi/ges.yaml", "ges.rs"),
    ("../openapi/iam.yaml", "iam.rs"),
    ("../openapi/sts.yaml", "sts.rs"),
    ("../openapi/ces.yaml", "ces.rs"),
];

fn main() -> ExitCode {
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("error: cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    let mut ok = true;
    for (spec, file) in SPECS {
        println!("cargo:rerun-if-changed={spec}");
        let out = PathBuf::from(&out_dir).join(file);
        if let Err(error) = ges_codegen::generate_file(Path::new(spec), &out) {
            // Cargo shows a failed build script's stderr; no panic, so no backtrace noise.
            eprintln!("error: {error}");
            ok = false;
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
