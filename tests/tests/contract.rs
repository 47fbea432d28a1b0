//! `openapi/ges.yaml`, `openapi/iam.yaml`, `openapi/sts.yaml` and `openapi/ces.yaml` against a real OpenAPI validator
//! (openapi-spec-validator, from PyPI, installed into .venv by scripts/test).

use std::process::Command;

use ges_stop_e2e::{python, workspace_root};

fn validate(spec: &std::path::Path) -> std::process::Output {
    Command::new(python())
        .args(["-m", "openapi_spec_validator"])
        .arg(spec)
        .output()
        .expect("the validator runs")
}

/// Asserts that the validator accepts the spec at this path under the workspace.
fn assert_valid(spec: &str) {
    let output = validate(&workspace_root().join(spec));
    assert!(
        output.status.success(),
        "{spec}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_contract_is_valid_openapi_3_0() {
    assert_valid("openapi/ges.yaml");
}

#[test]
fn the_iam_contract_is_valid_openapi_3_0() {
    assert_valid("openapi/iam.yaml");
}

#[test]
fn the_sts_contract_is_valid_openapi_3_0() {
    assert_valid("openapi/sts.yaml");
}

#[test]
fn the_ces_contract_is_valid_openapi_3_0() {
    assert_valid("openapi/ces.yaml");
}

#[test]
fn the_validator_catches_a_broken_contract() {
    // The same document with one response made invalid: proves the check above can fail.
    let spec = std::fs::read_to_string(workspace_root().join("openapi/ges.yaml")).unwrap();
    let broken = spec.replacen(
        "      operationId: StopGraph\n",
        "      operationId: [StopGraph]\n",
        1,
    );
    assert_ne!(spec, broken);
    let dir = std::env::temp_dir().join(format!("ges-contract-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("broken.yaml");
    std::fs::write(&path, broken).unwrap();
    let output = validate(&path);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!output.status.success());
}
