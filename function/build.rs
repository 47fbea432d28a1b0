//! Links the function's release binary with identical code folding where the linker is
//! known to be LLD, which takes some 59 KB of duplicate monomorphisations (drop glue,
//! futures' `poll`) out of a binary held to a size budget (BENCHMARKS.md, "Binary size").
//!
//! Rust links `x86_64-unknown-linux-gnu` with its own LLD from 1.90 on. Anywhere else
//! the linker may be GNU ld, which refuses `--icf`, or a wrapper such as cargo-lambda's
//! `zig cc`: there nothing is added, and the binary is only larger.

use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=RUSTC_LINKER");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    if lld_by_default() {
        println!("cargo::rustc-link-arg-bins=-Wl,--icf=all");
    }
}

fn lld_by_default() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    if var("PROFILE") != "release" || var("TARGET") != "x86_64-unknown-linux-gnu" {
        return false;
    }
    // A linker of one's own (cargo's `target.<triple>.linker`), or flags that choose
    // the linker or turn the bundled one off.
    if !var("RUSTC_LINKER").is_empty() {
        return false;
    }
    let flags = var("CARGO_ENCODED_RUSTFLAGS");
    if flags
        .split('\x1f')
        .any(|flag| flag.contains("linker") || flag.contains("link-self-contained"))
    {
        return false;
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let Ok(output) = Command::new(rustc).arg("--version").output() else {
        return false;
    };
    minor_version(&String::from_utf8_lossy(&output.stdout)).is_some_and(|minor| minor >= 90)
}

/// `rustc 1.95.0 (59807616e 2026-04-14)` -> 95, for Rust 1 only.
fn minor_version(version: &str) -> Option<u32> {
    let number = version.strip_prefix("rustc 1.")?;
    number.split('.').next()?.parse().ok()
}
