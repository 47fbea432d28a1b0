//! The `ges-codegen` binary: code on stdout, problems on stderr with exit code 1.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    Command::new(env!("CARGO_BIN_EXE_ges-codegen"))
        .args(args)
        .current_dir(workspace)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn prints_the_code_for_a_good_spec() {
    let output = run(&["openapi/ges.yaml"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(output.stderr.is_empty());
    let expected =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots/src/ges.rs"))
            .unwrap();
    assert_eq!(text(&output.stdout), expected);
}

#[test]
fn reports_a_bad_spec_on_stderr_with_exit_code_1() {
    let output = run(&["codegen/tests/specs/bad/unsupported.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("#/paths/~1v2~1{project_id}~1graphs/get/responses/default"),
        "{stderr}"
    );
}

#[test]
fn reports_a_missing_file() {
    let output = run(&["no/such/spec.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output.stderr).contains("no/such/spec.yaml"));
}

#[test]
fn explains_its_usage() {
    let help = run(&["--help"]);
    assert!(help.status.success());
    assert!(text(&help.stdout).starts_with("Usage: ges-codegen <spec.yaml>"));
    let none = run(&[]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("Usage"));
}
