//! rust-analyzer expands the sandboxed macros too: it loads the shim into its
//! own proc-macro server, and the shim starts `procbox serve` from there.
//! `rust-analyzer diagnostics` on `examples/cargo-demo` (whose unit tests
//! use the derived impls) finds nothing wrong in the demo's code; with no
//! server to start, it reports the shim's error at each macro instead,
//! which shows the first run really went through the shim.
//!
//! rust-analyzer is a component of the pinned toolchain
//! (rust-toolchain.toml), beside cargo.

use std::path::{Path, PathBuf};
use std::process::Command;

use procbox_tests::{wasm, workspace_root};

fn demo() -> PathBuf {
    workspace_root().join("examples").join("cargo-demo")
}

/// `rust-analyzer diagnostics` of the demo with `procbox` at `program`: its
/// lines about the demo's own source.
fn diagnostics(program: &Path) -> Vec<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let rust_analyzer = Path::new(&cargo).with_file_name("rust-analyzer");
    let output = Command::new(&rust_analyzer)
        .arg("diagnostics")
        .arg(demo())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join("cargo-demo"),
        )
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .env("PROCBOX", program)
        // Every expansion through the server (a recorded one would replay
        // inside rust-analyzer's proc-macro server without it).
        .env("PROCBOX_EXPANSIONS", "off")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}): install the toolchain's rust-analyzer component \
                 (`rustup toolchain install` reads rust-toolchain.toml)",
                rust_analyzer.display()
            )
        });
    let source = demo().join("src");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|line| line.contains(&*source.to_string_lossy()))
        .filter(|line| !line.contains("inactive_code"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn rust_analyzer_expands_the_sandboxed_macros() {
    let output = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(wasm("json_derive"))
        .arg("--out")
        .arg(demo().join("json-derive-shim"))
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .output()
        .expect("cannot run procbox shim");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let found = diagnostics(Path::new(env!("CARGO_BIN_EXE_procbox")));
    assert!(found.is_empty(), "{}", found.join("\n"));

    let missing = Path::new("/nonexistent/procbox");
    let found = diagnostics(missing);
    let failed = found
        .iter()
        .filter(|line| line.contains("macro-error"))
        .filter(|line| line.contains("PROCBOX is set to /nonexistent/procbox"))
        .count();
    // The demo's derives, attribute macro and function-like macros.
    assert!(failed >= 5, "{}", found.join("\n"));
}
