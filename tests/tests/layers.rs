//! The arrows between the crates run one way (README, "How it is built"): `api` <-
//! `client` <- `function` <- `cli`, the simulator on `api` alone, and the Lambda binary
//! linking neither the simulator, nor clap, nor axum. Read from `cargo metadata`, as
//! cargo resolves it, so a dependency added anywhere is caught.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use ges_stop_e2e::workspace_root;
use serde_json::Value;

/// Each package's normal (not dev, not build) dependencies, resolved, by name.
fn normal_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        // Not `--offline`: metadata reads every package of the lock file, those of other
        // platforms too (android_system_properties, say), which a fresh machine's builds
        // never downloaded.
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).unwrap();
    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|dep| {
                    dep["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|kind| kind["kind"].is_null())
                })
                .map(|dep| names[dep["pkg"].as_str().unwrap()].to_owned())
                .collect();
            (names[node["id"].as_str().unwrap()].to_owned(), deps)
        })
        .collect()
}

/// Everything `package` links, through its normal dependencies.
fn closure(graph: &BTreeMap<String, BTreeSet<String>>, package: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![package.to_owned()];
    while let Some(next) = todo.pop() {
        for dep in graph.get(&next).into_iter().flatten() {
            if seen.insert(dep.clone()) {
                todo.push(dep.clone());
            }
        }
    }
    seen
}

#[test]
fn the_arrows_run_one_way() {
    let graph = normal_dependencies();
    let ours = [
        "ges-api",
        "ges-client",
        "ges-stop-lambda",
        "ges-stop",
        "ges-simulator",
        "ges-codegen",
    ];
    // What each crate of ours may link of ours.
    let allowed: [(&str, &[&str]); 5] = [
        ("ges-api", &[]),
        ("ges-simulator", &["ges-api"]),
        ("ges-client", &["ges-api"]),
        ("ges-stop-lambda", &["ges-api", "ges-client"]),
        (
            "ges-stop",
            &["ges-api", "ges-client", "ges-stop-lambda", "ges-simulator"],
        ),
    ];
    for (package, may) in allowed {
        let links: BTreeSet<String> = closure(&graph, package)
            .into_iter()
            .filter(|dep| ours.contains(&dep.as_str()))
            .collect();
        let may: BTreeSet<String> = may.iter().map(|s| s.to_string()).collect();
        assert_eq!(links, may, "{package} links these of our crates");
    }
}

#[test]
fn the_lambda_function_links_no_simulator_clap_or_axum() {
    let graph = normal_dependencies();
    let links = closure(&graph, "ges-stop-lambda");
    for banned in ["ges-simulator", "clap", "axum", "aws-lc-rs", "h2"] {
        assert!(!links.contains(banned), "ges-stop-lambda links {banned}");
    }
    // The core links no Lambda runtime either.
    let core = closure(&graph, "ges-client");
    for banned in ["lambda_runtime", "aws_lambda_events", "clap", "axum"] {
        assert!(!core.contains(banned), "ges-client links {banned}");
    }
}

#[test]
fn the_command_line_without_its_simulator_feature_links_no_simulator_or_axum() {
    // `cargo tree` resolves features as a build would; `cargo metadata` above does not
    // take --no-default-features per package.
    let tree = |extra: &[&str]| {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
            .args([
                "tree", "-p", "ges-stop", "-e", "normal", "--prefix", "none", "--locked",
            ])
            .args(extra)
            .current_dir(workspace_root())
            .output()
            .expect("cargo tree runs");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
            .collect::<BTreeSet<String>>()
    };
    let packaged = tree(&["--no-default-features"]);
    for banned in ["ges-simulator", "axum"] {
        assert!(
            !packaged.contains(banned),
            "ges-stop --no-default-features links {banned}"
        );
    }
    // The default (the README's demo) still has it: the check above is not vacuous.
    assert!(tree(&[]).contains("ges-simulator"));
}
