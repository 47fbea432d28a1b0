//! The arrows between the crates run one way (README, "How it is built"): `api` <-
//! `client` <- `function` and `functiongraph`, and `client` <- `cli`, which reaches `function` only for
//! `invoke` and the demo; the simulator on `api` alone, and the Lambda binary
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
        "ges-stop-functiongraph",
        "ges-stop",
        "ges-simulator",
        "ges-codegen",
    ];
    // What each crate of ours may link of ours.
    let allowed: [(&str, &[&str]); 6] = [
        ("ges-api", &[]),
        ("ges-simulator", &["ges-api"]),
        ("ges-client", &["ges-api"]),
        ("ges-stop-lambda", &["ges-api", "ges-client"]),
        ("ges-stop-functiongraph", &["ges-api", "ges-client"]),
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

/// The FunctionGraph function links no Lambda crate, no simulator, no clap and no axum
/// (issue 21): it is a front door over the core, as the Lambda function is.
#[test]
fn the_functiongraph_function_links_no_lambda_runtime_simulator_clap_or_axum() {
    let graph = normal_dependencies();
    let links = closure(&graph, "ges-stop-functiongraph");
    assert!(links.contains("ges-client"), "{links:?}");
    for banned in [
        "ges-stop-lambda",
        "lambda_runtime",
        "aws_lambda_events",
        "ges-simulator",
        "clap",
        "axum",
        "aws-lc-rs",
        "h2",
    ] {
        assert!(
            !links.contains(banned),
            "ges-stop-functiongraph links {banned}"
        );
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

/// The command line reaches the Lambda crate only where it shows the Lambda handler at
/// work (`invoke`, the demo): `stop`, `list` and `reconcile` run the core's run from
/// typed flags, with no event, no variable set and no Lambda context. Read from the
/// sources, so a new reach into the Lambda crate is caught where it is written.
#[test]
fn the_command_line_runs_the_core_and_not_the_lambda_crate() {
    let cli = workspace_root().join("cli/src");
    let lambda_front_doors = ["invoke.rs", "demo.rs"];
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    let mut dirs = vec![cli.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 5, "{files:?}");
    for path in files {
        let name = path
            .strip_prefix(&cli)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        if lambda_front_doors.contains(&name.as_str()) {
            continue;
        }
        for banned in [
            "ges_stop_lambda",
            "lambda_runtime",
            "Context::default",
            "set_var",
            "serde_json::Map",
        ] {
            assert!(!text.contains(banned), "cli/src/{name} uses {banned}");
        }
    }
}
