//! The checked-in snapshots (`codegen/snapshots/src/*.rs`) are exactly what the
//! generator makes from each spec. Re-bless with `EXPECTORATE=overwrite`.

use std::path::{Path, PathBuf};

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the codegen crate is inside the workspace")
}

/// Every spec with a snapshot: the contracts, then each test spec, by module name.
fn specs() -> Vec<(String, PathBuf)> {
    let mut specs = vec![
        ("ges".to_owned(), PathBuf::from("openapi/ges.yaml")),
        ("iam".to_owned(), PathBuf::from("openapi/iam.yaml")),
        ("sts".to_owned(), PathBuf::from("openapi/sts.yaml")),
        ("ces".to_owned(), PathBuf::from("openapi/ces.yaml")),
    ];
    let dir = workspace().join("codegen/tests/specs");
    let mut found: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .map(|path| {
            let module = path.file_stem().unwrap().to_str().unwrap().to_owned();
            let relative = path.strip_prefix(workspace()).unwrap().to_owned();
            (module, relative)
        })
        .collect();
    found.sort();
    specs.extend(found);
    specs
}

fn generate(relative: &Path) -> String {
    let text = std::fs::read_to_string(workspace().join(relative)).unwrap();
    // The name as written relative to the workspace, so the header is the same on
    // every machine.
    let name = relative.to_str().unwrap().replace('\\', "/");
    ges_codegen::generate(&text, &name).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn snapshots_match_the_generator() {
    for (module, spec) in specs() {
        expectorate::assert_contents(format!("snapshots/src/{module}.rs"), &generate(&spec));
    }
}

#[test]
fn every_snapshot_is_compiled() {
    let lib = std::fs::read_to_string(workspace().join("codegen/snapshots/src/lib.rs")).unwrap();
    for (module, _) in specs() {
        assert!(
            lib.contains(&format!(
                "#[rustfmt::skip]\n#[allow(missing_docs)]\npub mod {module};"
            )),
            "codegen/snapshots/src/lib.rs must declare `#[rustfmt::skip] #[allow(missing_docs)] pub mod {module};`"
        );
    }
}

#[test]
fn generation_is_deterministic() {
    for (_, spec) in specs() {
        assert_eq!(generate(&spec), generate(&spec), "{}", spec.display());
    }
}

#[test]
fn schema_order_in_the_spec_does_not_change_the_output() {
    let text =
        std::fs::read_to_string(workspace().join("codegen/tests/specs/types_only.yaml")).unwrap();
    let (head, schemas) = text.split_once("    Colour:").unwrap();
    let (colour, point) = schemas.split_once("    Point:").unwrap();
    let reordered = format!("{head}    Point:{point}    Colour:{colour}");
    assert_ne!(text, reordered);
    assert_eq!(
        ges_codegen::generate(&text, "spec").unwrap(),
        ges_codegen::generate(&reordered, "spec").unwrap()
    );
}
