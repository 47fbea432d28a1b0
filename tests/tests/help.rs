//! `ges-stop --help` and each subcommand's `--help` are complete: every subcommand and flag
//! is described, and every environment variable a subcommand reads is named. The
//! variables come from the function's source (`config::vars`), so a new one that the help
//! does not name fails here.

use std::collections::BTreeSet;
use std::process::Command;

use ges_stop_e2e::{ges_stop_binary, workspace_root};

const SUBCOMMANDS: [&str; 8] = [
    "stop",
    "list",
    "invoke",
    "simulate",
    "demo",
    "schedules",
    "reconcile",
    "savings",
];

/// `ges-stop [SUBCOMMAND] --help`, which must succeed and print to stdout.
fn help(subcommand: Option<&str>) -> String {
    let mut command = Command::new(ges_stop_binary());
    command.args(subcommand).arg("--help");
    let output = command.output().expect("ges-stop runs");
    assert!(
        output.status.success(),
        "{subcommand:?} --help: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("help is UTF-8")
}

/// The names of `client/src/config/env.rs`'s `pub mod vars`, split into those only the
/// run's settings read (used in `client/src/run/settings.rs`) and the rest,
/// which every GES client reads.
fn variables() -> (BTreeSet<String>, BTreeSet<String>) {
    let config =
        std::fs::read_to_string(workspace_root().join("client/src/config/env.rs")).unwrap();
    let settings =
        std::fs::read_to_string(workspace_root().join("client/src/run/settings.rs")).unwrap();
    let start = config
        .find("pub mod vars {")
        .expect("env.rs has `pub mod vars`");
    let end = start + config[start..].find("\n}").expect("`pub mod vars` ends");
    let (mut client, mut function) = (BTreeSet::new(), BTreeSet::new());
    for line in config[start..end].lines() {
        // `    pub const NAME: &str = "VARIABLE";`
        let Some(rest) = line.trim().strip_prefix("pub const ") else {
            continue;
        };
        let constant = rest.split(':').next().unwrap().trim();
        let variable = rest
            .split('"')
            .nth(1)
            .unwrap_or_else(|| panic!("a variable name in {line:?}"))
            .to_owned();
        if settings.contains(&format!("vars::{constant}")) {
            function.insert(variable);
        } else {
            client.insert(variable);
        }
    }
    assert!(client.contains("HUAWEICLOUD_SDK_AK"), "{client:?}");
    assert!(function.contains("GES_GRAPH_IDS"), "{function:?}");
    (client, function)
}

#[track_caller]
fn assert_names(help: &str, what: &str, variables: &BTreeSet<String>) {
    let missing: Vec<&String> = variables
        .iter()
        .filter(|variable| !help.contains(variable.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{what} does not name {missing:?}:\n{help}"
    );
}

/// Checks that every entry of a help section (`Commands:`, `Options:`) has a description:
/// on its own line (`  stop  Stop one graph`) or on the next (long help).
#[track_caller]
fn assert_described(help: &str, section: &str) -> Vec<String> {
    let lines: Vec<&str> = help.lines().collect();
    let start = lines
        .iter()
        .position(|line| *line == section)
        .unwrap_or_else(|| panic!("no {section} in:\n{help}"));
    let mut entries = Vec::new();
    for (index, line) in lines.iter().enumerate().skip(start + 1) {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            break; // the next section
        }
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent > 6 {
            continue; // a description, or its continuation
        }
        let name = trimmed.split_whitespace().next().unwrap().to_owned();
        let inline = trimmed
            .split_once("  ")
            .is_some_and(|(_, text)| !text.trim().is_empty());
        let below = lines.get(index + 1).is_some_and(|next| {
            next.len() - next.trim_start().len() > 6 && !next.trim().is_empty()
        });
        assert!(inline || below, "{name} has no description:\n{help}");
        entries.push(name);
    }
    entries
}

#[test]
fn the_top_level_help_lists_every_subcommand_and_every_variable() {
    let help = help(None);
    let commands = assert_described(&help, "Commands:");
    for subcommand in SUBCOMMANDS {
        assert!(
            commands.iter().any(|name| name == subcommand),
            "{subcommand}:\n{help}"
        );
    }
    assert!(help.contains("no longer billed"), "{help}");
    let (client, function) = variables();
    assert_names(&help, "ges-stop --help", &client);
    assert_names(&help, "ges-stop --help", &function);
}

#[test]
fn every_flag_of_every_subcommand_is_described() {
    for subcommand in SUBCOMMANDS {
        let help = help(Some(subcommand));
        let flags = assert_described(&help, "Options:");
        assert!(
            flags.iter().any(|flag| flag.starts_with("-h")),
            "{subcommand}: {flags:?}"
        );
        // The first paragraph says what it does, in a sentence.
        assert!(
            help.lines().next().is_some_and(|line| line.len() > 20),
            "{help}"
        );
    }
}

#[test]
fn stop_and_list_name_every_variable_the_function_reads() {
    // They run the function's handler, with its settings (GES_MAX_GRAPHS, the opt-out tag).
    let (client, function) = variables();
    for subcommand in ["stop", "list"] {
        let help = help(Some(subcommand));
        let what = format!("ges-stop {subcommand} --help");
        assert_names(&help, &what, &client);
        assert_names(&help, &what, &function);
    }
}

#[test]
fn invoke_names_every_variable_the_function_reads() {
    let (client, function) = variables();
    let help = help(Some("invoke"));
    assert_names(&help, "ges-stop invoke --help", &client);
    assert_names(&help, "ges-stop invoke --help", &function);
    assert!(help.contains("examples/events/"), "{help}");
}

#[test]
fn reconcile_names_every_variable_the_function_reads() {
    // It builds the same handler as `invoke`, from the same variables.
    let (client, function) = variables();
    let help = help(Some("reconcile"));
    assert_names(&help, "ges-stop reconcile --help", &client);
    assert_names(&help, "ges-stop reconcile --help", &function);
    assert!(
        help.contains("--dry-run") && help.contains("--at"),
        "{help}"
    );
}

#[test]
fn simulate_and_demo_say_they_read_no_configuration() {
    for subcommand in ["simulate", "demo"] {
        let help = help(Some(subcommand));
        assert!(
            help.contains("reads no configuration from the environment"),
            "{subcommand}:\n{help}"
        );
        assert!(help.contains("RUST_LOG"), "{subcommand}:\n{help}");
    }
}

#[test]
fn the_checks_above_catch_an_undescribed_flag_and_an_unnamed_variable() {
    // Proves the checks can fail: a flag with no text, and a variable the help omits.
    let help = "Options:\n      --graph-id <GRAPH_ID>\n\n      --quiet\n\n  -h, --help\n          Print help\n";
    let undescribed = std::panic::catch_unwind(|| assert_described(help, "Options:"));
    assert!(undescribed.is_err());
    let described = "Options:\n      --graph-id <GRAPH_ID>\n          The graph\n\n  -h, --help\n          Print help\n";
    assert_eq!(
        assert_described(described, "Options:"),
        ["--graph-id", "-h,"]
    );
    let variables = BTreeSet::from(["GES_GRAPH_IDS".to_owned()]);
    let unnamed = std::panic::catch_unwind(|| assert_names("GES_GRAPH", "help", &variables));
    assert!(unnamed.is_err());
}
