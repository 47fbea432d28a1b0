//! Real public OpenAPI documents (`tests/corpus/`, see its SOURCES.md): the generator
//! never panics on them, every refusal names a place that exists in the document, and
//! whatever it generates compiles.
//!
//! "Compiles" is checked the way the other snapshots are: the code generated for each
//! document that generates is checked in under `snapshots/src/corpus/` and built as part
//! of ges-codegen-snapshots, and this test keeps it equal to what the generator makes now
//! (re-bless with `EXPECTORATE=overwrite`). That costs nothing beyond the snapshot
//! crate's build, where a nested `cargo check` of a temporary crate would rebuild ges-api
//! and its dependencies in a target directory of its own.
//!
//! `tests/corpus/OUTCOMES.md` records what happened to each document, so that a change
//! in what the generator refuses shows up in review.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ges_codegen::{Error, load};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The documents in `dir`, sorted by name.
fn documents(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ["json", "yaml", "yml"].iter().any(|known| ext == *known))
        })
        .collect();
    found.sort();
    found
}

/// The snapshot module a generated document goes in: `progenitor-param-collision.json`
/// is `progenitor_param_collision`.
fn module_name(path: &Path) -> String {
    let stem = path.file_stem().unwrap().to_str().unwrap();
    stem.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The document as JSON, read independently of the generator, to check pointers.
fn as_json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .or_else(|_| yaml_serde::from_slice(bytes))
        .unwrap_or(serde_json::Value::Null)
}

/// Whether a problem's pointer names a place in the document: the value itself, or,
/// for a keyword that is missing (an operation without `operationId`), its parent.
fn resolves(document: &serde_json::Value, pointer: &str) -> bool {
    let Some(path) = pointer.strip_prefix('#') else {
        return false;
    };
    if document.pointer(path).is_some() {
        return true;
    }
    let parent = path.rsplit_once('/').map_or("", |(parent, _)| parent);
    document.pointer(parent).is_some()
}

/// One document's outcome, as OUTCOMES.md shows it; panics if the generator panicked or
/// named a place that is not in the document.
fn outcome(path: &Path) -> (String, Option<String>) {
    let name = path.file_name().unwrap().to_str().unwrap().to_owned();
    let bytes = std::fs::read(path).unwrap();
    let document = as_json(&bytes);
    let generated = load(&bytes, &name).and_then(|loaded| loaded.generate());
    let check = |pointer: &str| {
        assert!(
            resolves(&document, pointer),
            "{name}: the pointer {pointer} names no place in the document"
        );
    };
    let shown = match &generated {
        Ok(code) => format!("generated, {} lines", code.lines().count()),
        Err(error @ Error::Panicked { .. }) => panic!("{name}: {error}"),
        Err(Error::Spec { problems, .. }) => {
            for problem in problems {
                check(problem.pointer());
            }
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!("{} problem(s); first: {}", problems.len(), cut(&first))
        }
        Err(Error::Structure {
            pointer, message, ..
        }) => {
            check(pointer);
            format!("not OpenAPI 3.0: {pointer}: {}", cut(message))
        }
        Err(Error::Version { pointer, found, .. }) => {
            check(pointer);
            format!("version: {pointer}: {found}")
        }
        Err(other) => panic!("{name}: a refusal without a JSON pointer: {other}"),
    };
    (format!("- `{name}`: {shown}"), generated.ok())
}

fn cut(text: &str) -> String {
    let mut cut: String = text.chars().take(160).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    cut
}

#[test]
fn the_vendored_corpus_never_panics_and_what_it_generates_is_compiled() {
    let dir = manifest_dir().join("tests/corpus/specs");
    let mut outcomes = String::from(
        "# What the generator makes of each vendored document\n\n\
         Written by `codegen/tests/corpus.rs`; re-bless with `EXPECTORATE=overwrite`.\n\n",
    );
    let mut modules = Vec::new();
    for path in documents(&dir) {
        let (line, generated) = outcome(&path);
        writeln!(outcomes, "{line}").unwrap();
        if let Some(code) = generated {
            let module = module_name(&path);
            expectorate::assert_contents(format!("snapshots/src/corpus/{module}.rs"), &code);
            modules.push(module);
        }
    }
    expectorate::assert_contents("tests/corpus/OUTCOMES.md", &outcomes);
    assert!(!modules.is_empty(), "no document generated code");
    let declared =
        std::fs::read_to_string(manifest_dir().join("snapshots/src/corpus/mod.rs")).unwrap();
    for module in modules {
        assert!(
            declared.contains(&format!("#[rustfmt::skip]\npub mod {module};")),
            "codegen/snapshots/src/corpus/mod.rs must declare `#[rustfmt::skip] pub mod {module};`"
        );
    }
}

/// The whole corpus, where it is (not in a clone: 18 MB is not vendored). Every
/// document that generates must be among the vendored ones, whose output is compiled.
#[test]
fn the_whole_corpus_when_present() {
    let dir = std::env::var_os("GES_CODEGEN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../../shared/codegen-corpus/specs"));
    if !dir.is_dir() {
        eprintln!(
            "skipped: no corpus at {} (set GES_CODEGEN_CORPUS)",
            dir.display()
        );
        return;
    }
    let vendored = manifest_dir().join("tests/corpus/specs");
    for path in documents(&dir) {
        let (_, generated) = outcome(&path);
        if generated.is_some() {
            assert!(
                vendored.join(path.file_name().unwrap()).exists(),
                "{} generates code: vendor it into tests/corpus/specs so that its code is compiled",
                path.display()
            );
        }
    }
}
