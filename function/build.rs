//! Links the function's release binary smaller where the linker is known to be LLD,
//! for a binary held to a size budget (BENCHMARKS.md, "Binary size"):
//!
//! - identical code folding (`--icf=all`): some 55 KB of duplicate monomorphisations
//!   (drop glue, futures' `poll`) folded into one copy each;
//! - no unwinding tables (`link/no-unwind-tables.ld`): some 470 KB of `.eh_frame` and
//!   `.eh_frame_hdr`. The release profile aborts on panic, so nothing unwinds; the tables
//!   would only let a panic's backtrace walk the stack, and a stripped binary's
//!   backtrace names no function anyway. A panic still prints its message and aborts.
//!
//! Rust links `x86_64-unknown-linux-gnu` with its own LLD from 1.90 on. Anywhere else
//! the linker may be GNU ld (which refuses `--icf`) or a wrapper such as cargo-lambda's
//! `zig cc`: there nothing is added, and the binary is only larger.

use std::process::Command;

fn main() {
    println!("cargo::rerun-if-env-changed=RUSTC_LINKER");
    println!("cargo::rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    println!("cargo::rerun-if-changed=link/no-unwind-tables.ld");
    if lld_by_default() {
        let script = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default())
            .join("link/no-unwind-tables.ld");
        println!("cargo::rustc-link-arg-bins=-Wl,--icf=all");
        println!("cargo::rustc-link-arg-bins=-Wl,-T,{}", script.display());
    }
}

fn lld_by_default() -> bool {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    // The workspace's release profile aborts on panic (Cargo.toml); a build script is
    // not told the profile's panic strategy, so the profile is what is checked.
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
