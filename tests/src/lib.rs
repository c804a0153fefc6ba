//! Shared helpers of the end-to-end tests: building the guest components once
//! per test run, and a host whose cache lives in the target directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use procbox_host::{Host, Limits, MacroComponent};

/// The guest crates the tests build, all in one cargo invocation.
const GUESTS: &[&str] = &[
    "json-derive",
    "enum-from-file",
    "field-index",
    "misbehave",
    "seeded",
    "reads-file",
    "attacker",
    "forger",
    "phases",
    "syn-three",
];

/// The workspace root.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate is inside the workspace")
}

/// Where the guests are built: a target directory of their own, shared by all
/// test processes (cargo's lock on it serializes concurrent builds, and a
/// second build is a no-op).
pub fn guest_target_dir() -> PathBuf {
    workspace_root().join("target").join("guest")
}

/// `cargo` as the test runner's cargo, in the workspace, without the flags
/// meant for the host's build (they would break the wasm one).
fn cargo() -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace_root())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET");
    command
}

/// Builds `procbox-ld` (once per process, in a target directory of its own so
/// it never waits on the test runner's) and returns its path.
pub fn procbox_ld() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = workspace_root().join("target").join("guest-tools");
        let status = cargo()
            .args(["build", "--release", "-p", "procbox-ld", "--target-dir"])
            .arg(&dir)
            .status()
            .expect("cannot run cargo to build procbox-ld");
        assert!(
            status.success(),
            "building procbox-ld failed (see cargo's output above)"
        );
        dir.join("release")
            .join(format!("procbox-ld{}", std::env::consts::EXE_SUFFIX))
    })
}

/// A cargo command that builds guest crates for `wasm32-wasip2` with
/// `procbox-ld` as the linker, into [`guest_target_dir`].
pub fn guest_build(packages: &[&str]) -> Command {
    let linker = procbox_ld().display().to_string();
    let mut command = cargo();
    command
        .args([
            "build",
            "--release",
            "--target",
            "wasm32-wasip2",
            "--target-dir",
        ])
        .arg(guest_target_dir())
        .arg("--config")
        .arg(format!("target.wasm32-wasip2.linker={linker:?}"));
    for package in packages {
        command.args(["-p", package]);
    }
    command
}

/// Builds every guest (once per process) and returns the directory holding
/// the `.wasm` files.
pub fn guests() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status = guest_build(GUESTS)
            .status()
            .expect("cannot run cargo to build the guest components");
        assert!(
            status.success(),
            "building the guest components failed (see cargo's output above)"
        );
        guest_target_dir().join("wasm32-wasip2").join("release")
    })
}

/// The path of a built guest component, e.g. `wasm("json_derive")`.
pub fn wasm(crate_name: &str) -> PathBuf {
    guests().join(format!("{crate_name}.wasm"))
}

/// The compiled-component cache the tests share, in the target directory
/// (pass it as `PROCBOX_CACHE_DIR` to a `procbox` process).
pub fn cache_dir() -> PathBuf {
    workspace_root().join("target").join("procbox-test-cache")
}

/// A host with the default limits and the tests' cache ([`cache_dir`]).
pub fn host() -> Host {
    host_with(Limits::default())
}

/// A host with `limits` and the tests' cache ([`cache_dir`]).
pub fn host_with(limits: Limits) -> Host {
    Host::builder()
        .limits(limits)
        .cache_dir(cache_dir())
        .build()
        .expect("the host builds")
}

/// A loaded guest component, e.g. `component("misbehave")`.
pub fn component(crate_name: &str) -> MacroComponent {
    host()
        .load_file(wasm(crate_name))
        .unwrap_or_else(|e| panic!("loading {crate_name}: {e}"))
}

/// Tokens from source text (spans with locations in a fresh source file).
pub fn tokens(src: &str) -> proc_macro2::TokenStream {
    src.parse()
        .unwrap_or_else(|e| panic!("bad test input {src:?}: {e}"))
}

/// Runs `command`; its stdout, or a panic naming `what` with its output.
pub fn run_ok(command: &mut Command, what: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes `text` to `path`, creating its directory.
pub fn write_file(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// The target directory of the consumer builds whose shims run the sandbox
/// inside rustc (`procbox shim --embedded`): they compile wasmtime, so the
/// tests that make them share one.
pub fn embedded_target_dir() -> PathBuf {
    workspace_root().join("target").join("cargo-demo-embedded")
}

/// Sets `command` up as a consumer build whose shims run embedded: no
/// server to fall back on, and [`embedded_target_dir`], with wasmtime built
/// the same way each time (unoptimized, without debug info, to keep it
/// short).
pub fn embedded_build(command: &mut Command) -> &mut Command {
    command
        .env("PROCBOX", "/nonexistent/procbox")
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env("CARGO_TARGET_DIR", embedded_target_dir())
}

/// Copies `from` into `to`, recursively, but for the entries named in `skip`.
pub fn copy_dir(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("reads a directory") {
        let entry = entry.expect("an entry");
        if skip.iter().any(|s| entry.file_name() == *s) {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target, &[]);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

/// Sets `command` up as a build outside the test's own (a consuming
/// project's cargo, or procbox running one): without the flags cargo gave
/// the test's build, with the tests' component cache, and with the rustc of
/// the toolchain running the tests.
pub fn outside_build(command: &mut Command) -> &mut Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    command
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("PROCBOX_CACHE_DIR", cache_dir());
    let rustc = Path::new(&cargo).with_file_name("rustc");
    if rustc.is_file() {
        command.env("RUSTC", rustc);
    }
    command
}
