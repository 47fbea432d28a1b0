//! The simulator's modules use one another without a cycle (STYLE.md), and the check
//! that says so finds the cycles it should.

mod module_graph;

use std::fs;
use std::path::{Path, PathBuf};

#[test]
fn the_simulators_modules_form_no_cycle() {
    module_graph::assert_acyclic(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
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
