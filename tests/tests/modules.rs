//! Inside every crate of the workspace the modules use one another without a cycle
//! (STYLE.md: shared definitions sit in a leaf module), and the check that says so finds
//! the cycles it should.

use std::fs;
use std::path::{Path, PathBuf};

use ges_stop_e2e::modules as module_graph;
use ges_stop_e2e::workspace_root;

/// Every crate's source folder: a crate added to the workspace is checked too.
fn crate_sources() -> Vec<PathBuf> {
    let manifest = fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
    let members = manifest
        .split("members = [")
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .expect("the workspace lists its members");
    let sources: Vec<PathBuf> = members
        .split(',')
        .map(|member| member.trim().trim_matches('"'))
        .filter(|member| !member.is_empty())
        .map(|member| workspace_root().join(member).join("src"))
        .collect();
    assert!(sources.len() >= 10, "{sources:?}");
    // The FunctionGraph function's crate among them (issue 21).
    assert!(
        sources.iter().any(|src| src.ends_with("functiongraph/src")),
        "{sources:?}"
    );
    sources
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut cycles = Vec::new();
    for src in crate_sources() {
        let has_root = ["lib.rs", "main.rs"].iter().any(|f| src.join(f).is_file());
        if has_root {
            let graph = module_graph::module_graph(&src).unwrap_or_else(|err| panic!("{err}"));
            if let Some(cycle) = module_graph::find_cycle(&graph) {
                cycles.push(format!("{}: {}", src.display(), cycle.join(" -> ")));
            }
        } else {
            // A crate of binaries only (bench/): each binary is one file, so it has no
            // module graph to check; one that grows modules must become a crate root.
            for entry in fs::read_dir(src.join("bin")).unwrap() {
                let path = entry.unwrap().path();
                let source = fs::read_to_string(&path).unwrap();
                assert!(
                    !source.lines().any(|line| {
                        let line = line.trim_start();
                        line.starts_with("mod ") || line.starts_with("pub mod ")
                    }),
                    "{} has modules: give its crate a lib.rs so they are checked",
                    path.display()
                );
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "module cycles (move what both sides use into a leaf module):\n{}",
        cycles.join("\n")
    );
}

/// A crate in a scratch folder, one file per `(path, source)`.
fn scratch_crate(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("module-graph")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    for (path, source) in files {
        let file = dir.join(path);
        fs::create_dir_all(file.parent().expect("a file has a folder")).expect("a scratch folder");
        fs::write(file, source).expect("a scratch file");
    }
    dir
}

#[test]
fn paths_uses_and_nested_modules_make_edges() {
    let dir = scratch_crate(
        "edges",
        &[
            ("lib.rs", "mod a;\nmod b;\npub use a::{A, inner::I};\n"),
            (
                "a.rs",
                "pub mod inner;\nuse crate::{b::{self, B}};\npub struct A;\n\
                 #[cfg(test)] mod tests { use super::*; }\n",
            ),
            (
                "a/inner.rs",
                "pub struct I;\nfn f() { super::super::b::g(); }\n",
            ),
            (
                "b.rs",
                "// crate::a::A in a comment is no use\n\
                 pub fn g() { let _ = \"crate::a::A\"; let _ = '{'; }\npub struct B;\n\
                 fn h() { quote! { use crate::a::A; } }\n",
            ),
        ],
    );
    let graph = module_graph::module_graph(&dir).expect("a graph");
    let uses = |module: &str| -> Vec<&str> { graph[module].iter().map(String::as_str).collect() };
    assert_eq!(uses("crate"), ["a", "a::inner"]);
    assert_eq!(uses("a"), ["b"]);
    assert_eq!(uses("a::inner"), ["b"]);
    assert!(uses("b").is_empty(), "{graph:?}");
    assert_eq!(module_graph::find_cycle(&graph), None);
}

#[test]
fn a_cycle_is_found_through_the_root_and_in_unit_tests() {
    let dir = scratch_crate(
        "cycle",
        &[
            (
                "lib.rs",
                "mod a;\nmod b;\npub use a::A;\npub enum Error {}\n",
            ),
            (
                "a.rs",
                "pub struct A;\nfn f() -> crate::Error { todo!() }\n",
            ),
            ("b.rs", "#[cfg(test)]\nmod tests {\n    use crate::b;\n}\n"),
        ],
    );
    let graph = module_graph::module_graph(&dir).expect("a graph");
    let cycle = module_graph::find_cycle(&graph).expect("a cycle");
    assert_eq!(cycle, ["a", "crate", "a"]);
    assert!(
        graph["b"].is_empty(),
        "a test module using its own file is no edge"
    );
}
