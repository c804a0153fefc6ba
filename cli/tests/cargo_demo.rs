//! The whole cargo path, as the README walks it: `procbox shim` generates the
//! native crate for the example macros, and `examples/cargo-demo` builds and
//! tests with it under plain cargo, its expansions run by `procbox serve`
//! (this build's): its unit tests use the derived impls, its trybuild tests
//! check rustc's errors against the native build's.

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
    cargo_in(args, &demo_target(), |_| {})
}

/// `cargo ARGS` in the demo, building into `target`, with `configure`'s
/// changes.
fn cargo_in(
    args: &[&str],
    target: &Path,
    configure: impl FnOnce(&mut Command),
) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(args)
        .current_dir(demo())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("CARGO_TARGET_DIR", target)
        .env("PROCBOX_CACHE_DIR", demo_target().join("procbox-cache"))
        // The server the shim starts: this build's (the trybuild builds
        // inherit it too).
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"));
    configure(&mut command);
    command.output().expect("cannot run cargo")
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
    generate_shim_into(component, &demo().join("json-derive-shim"), &[]);
}

fn generate_shim_into(component: &Path, out: &Path, options: &[&str]) {
    let output = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(component)
        .arg("--out")
        .arg(out)
        .args(options)
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .output()
        .expect("cannot run procbox");
    assert!(
        output.status.success(),
        "procbox shim failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The demo's unit tests: each uses what the macros generated.
const UNIT_TESTS: &[&str] = &[
    "derived_struct_impl_renames_and_skips",
    "derived_enum_impl_is_externally_tagged",
    "attribute_macro_adds_field_names",
    "function_like_macro_minifies_at_compile_time",
    "mixed_site_hygiene_holds_as_natively",
    "span_queries_answer_from_rustc_as_natively",
];

fn assert_passed(out: &str, names: &[&str]) {
    for name in names {
        assert!(
            out.contains(&format!("test {name} ... ok"))
                || out.contains(&format!("tests::{name} ... ok")),
            "{name} did not pass:\n{out}"
        );
    }
}

/// Replaces the shim's copy of the component by another component, builds
/// with `build`, and puts the reviewed one back: the build must fail, saying
/// the component is not the reviewed one.
fn assert_a_changed_component_is_refused(
    demo: &Path,
    build: impl FnOnce() -> std::process::Output,
) {
    let embedded = demo.join("json-derive-shim").join("json_derive.wasm");
    let reviewed = std::fs::read(&embedded).expect("the shim's component");
    std::fs::write(
        &embedded,
        std::fs::read(wasm("phases")).expect("another component"),
    )
    .expect("replaces the component");
    let build = build();
    std::fs::write(&embedded, &reviewed).expect("restores the component");
    let err = String::from_utf8_lossy(&build.stderr);
    assert!(
        !build.status.success(),
        "a changed component builds:\n{err}"
    );
    assert!(
        err.contains("json_derive.wasm is not the one this shim was generated from")
            && err.contains("procbox review"),
        "{err}"
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
    assert_passed(&out, UNIT_TESTS);
    assert_passed(
        &out,
        &[
            "errors_point_at_the_offending_tokens",
            "sandboxed_errors_match_native_errors",
        ],
    );

    // A second build expands again (the crate changed), in a new server,
    // which loads the compiled component from the cache instead of
    // compiling it again.
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
    // reviewed) fails the build, asking for a review: the server checks the
    // embedded bytes against the reviewed hash before any of them runs.
    // With the expansion cache off: on a hit the shim replays what the
    // reviewed component recorded and never reads the file.
    assert_a_changed_component_is_refused(&demo(), || {
        cargo_in(&["build"], &demo_target(), |command| {
            command.env("PROCBOX_EXPANSIONS", "off");
        })
    });
    assert_eq!(cached_artifacts(), cached, "nothing was compiled");

    // The same macros with the sandbox inside rustc (`--embedded`): the unit
    // tests pass the same way. In a copy of the demo, whose lock file this
    // changes, with the embedded builds' target directory: this build
    // compiles wasmtime (the trybuild cases would build it all a second
    // time, so they are not run).
    let copy = embedded_copy();
    generate_shim_into(
        &wasm("json_derive"),
        &copy.join("json-derive-shim"),
        &["--embedded"],
    );
    let embedded = |args: &[&str]| {
        cargo_in(args, &procbox_tests::embedded_target_dir(), |command| {
            procbox_tests::embedded_build(command.current_dir(&copy));
        })
    };
    let test = embedded(&["test", "--lib"]);
    let out = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "cargo test with the embedded sandbox failed:\n{out}\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    assert_passed(&out, UNIT_TESTS);
    assert_a_changed_component_is_refused(&copy, || embedded(&["build"]));
}

/// A copy of the demo (without its shim) and of the example's sources it
/// includes, at the same relative places, in the target directory.
fn embedded_copy() -> PathBuf {
    let root = workspace_root()
        .join("target")
        .join("cargo-demo-embedded-src");
    let _ = std::fs::remove_dir_all(&root);
    let examples = root.join("examples");
    procbox_tests::copy_dir(
        &demo(),
        &examples.join("cargo-demo"),
        &["target", "json-derive-shim"],
    );
    procbox_tests::copy_dir(
        &workspace_root()
            .join("examples")
            .join("json-derive")
            .join("src"),
        &examples.join("json-derive").join("src"),
        &[],
    );
    examples.join("cargo-demo")
}
