//! The whole cargo path, as the README walks it: `procbox shim` generates the
//! native crate for the example macros, and `examples/cargo-demo` builds and
//! tests with it under plain cargo: its unit tests use the derived impls, its
//! trybuild tests check rustc's errors against the native build's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use procbox_tests::{wasm, workspace_root};

fn demo() -> PathBuf {
    workspace_root().join("examples").join("cargo-demo")
}

/// Where the demo builds, and where its shim caches compiled code: inside
/// procbox's target directory, out of the user's cache.
fn demo_target() -> PathBuf {
    workspace_root().join("target").join("cargo-demo")
}

/// `cargo ARGS` in the demo, as a user's shell would run it (none of the
/// test runner's build settings leak in).
fn cargo(args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(args)
        .current_dir(demo())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("CARGO_TARGET_DIR", demo_target())
        .env("PROCBOX_CACHE_DIR", demo_target().join("procbox-cache"))
        // Debug info for wasmtime is slow to build and unused here; the
        // trybuild builds inherit this too.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .expect("cannot run cargo")
}

fn cached_artifacts() -> Vec<(PathBuf, SystemTime)> {
    let Ok(dir) = std::fs::read_dir(demo_target().join("procbox-cache")) else {
        return Vec::new();
    };
    let mut files: Vec<(PathBuf, SystemTime)> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cwasm"))
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            (p, modified)
        })
        .collect();
    files.sort();
    files
}

fn generate_shim(component: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(component)
        .arg("--out")
        .arg(demo().join("json-derive-shim"))
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .output()
        .expect("cannot run procbox");
    assert!(
        output.status.success(),
        "procbox shim failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn cargo_builds_and_tests_with_the_sandboxed_macros() {
    generate_shim(&wasm("json_derive"));

    let test = cargo(&["test"]);
    let out = String::from_utf8_lossy(&test.stdout);
    let err = String::from_utf8_lossy(&test.stderr);
    assert!(
        test.status.success(),
        "cargo test in examples/cargo-demo failed:\n{out}\n{err}"
    );
    for name in [
        "derived_struct_impl_renames_and_skips",
        "derived_enum_impl_is_externally_tagged",
        "attribute_macro_adds_field_names",
        "function_like_macro_minifies_at_compile_time",
        "errors_point_at_the_offending_tokens",
        "sandboxed_errors_match_native_errors",
    ] {
        assert!(
            out.contains(&format!("test {name} ... ok")) || out.contains(&format!("{name} ... ok")),
            "{name} did not pass:\n{out}"
        );
    }

    // A second build expands again (the crate changed) but loads the
    // compiled component from the cache instead of compiling it again.
    let cached = cached_artifacts();
    assert!(
        !cached.is_empty(),
        "the first build cached the compiled component"
    );
    let lib = demo().join("src").join("lib.rs");
    let source = std::fs::read(&lib).expect("lib.rs");
    std::fs::write(&lib, &source).expect("touch lib.rs");
    let build = cargo(&["build"]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(
        String::from_utf8_lossy(&build.stderr).contains("Compiling cargo-demo"),
        "the crate was rebuilt, so the macros ran again"
    );
    assert_eq!(
        cached_artifacts(),
        cached,
        "nothing was compiled or rewritten"
    );

    // A component file that changed after the shim was generated (and
    // reviewed) fails the build, asking for a review, before any of it runs.
    let embedded = demo().join("json-derive-shim").join("json_derive.wasm");
    let reviewed = std::fs::read(&embedded).expect("the shim's component");
    std::fs::write(
        &embedded,
        std::fs::read(wasm("phases")).expect("another component"),
    )
    .expect("replaces the component");
    let build = cargo(&["build"]);
    std::fs::write(&embedded, &reviewed).expect("restores the component");
    let err = String::from_utf8_lossy(&build.stderr);
    assert!(
        !build.status.success(),
        "a changed component builds:\n{err}"
    );
    assert!(
        err.contains("json_derive.wasm changed after this shim was generated")
            && err.contains("procbox review"),
        "{err}"
    );
    assert_eq!(cached_artifacts(), cached, "nothing was compiled");
}
