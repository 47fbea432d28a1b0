//! `ges-codegen <spec.yaml>`: prints the Rust code generated from an OpenAPI 3.0 spec.

use std::process::ExitCode;

const USAGE: &str = "\
Usage: ges-codegen <spec.yaml>

Prints the Rust code generated from an OpenAPI 3.0.x spec (YAML or JSON) to standard
output. Problems with the spec go to standard error, each with the JSON pointer of its
place, and the exit code is 1.

Options:
  -h, --help  Print this help";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = match args.as_slice() {
        [flag] if flag == "-h" || flag == "--help" => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        [path] if !path.starts_with('-') || path == "-" => path,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("ges-codegen: {path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    match ges_codegen::load(&bytes, path).and_then(|document| document.generate()) {
        Ok(code) => {
            print!("{code}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("ges-codegen: {error}");
            ExitCode::FAILURE
        }
    }
}
