//! A real crates.io derive crate, sandboxed under its own name: `serde_derive`
//! 1.0.228, ported to a component, becomes a shim named `serde_derive` that
//! `[patch.crates-io]` puts in place of the original, so that
//! `serde = { features = ["derive"] }` uses it with no other change. A
//! program using it must print what the same program prints with the native
//! `serde_derive`.
//!
//! The port is made here, from the published source cargo downloads, by the
//! README's mechanical edits (`proc_macro` becomes `procbox`). It declares
//! no capability, though serde_derive iterates a `HashSet`: std's seed is
//! ambient, fixed.

use std::path::{Path, PathBuf};
use std::process::Command;

use procbox_tests::{procbox_ld, workspace_root};

/// The version ported, pinned: the edits below are checked against it.
const VERSION: &str = "1.0.228";

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("crates-io-shim")
}

fn cargo(dir: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"));
    let rustc = Path::new(&cargo).with_file_name("rustc");
    if rustc.is_file() {
        command.env("RUSTC", rustc);
    }
    command
}

/// Runs `command`; its stdout, or a panic with its stderr.
fn run(command: &mut Command, what: &str) -> String {
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

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// `text` with `from` replaced by `to`; `from` must be there.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "`{from}` is not in serde_derive {VERSION}'s source: update the port's edits"
    );
    text.replace(from, to)
}

/// A crate that uses `serde` with its `derive` feature (and the derived
/// impls through serde_json), with `patch` added to its Cargo.toml.
fn consumer(dir: &Path, patch: &str) {
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"serde-consumer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
             publish = false\n\n[dependencies]\nserde = {{ version = \"={VERSION}\", features = \
             [\"derive\"] }}\nserde_json = \"1\"\n\n[workspace]\n{patch}"
        ),
    );
    write(
        &dir.join("src").join("main.rs"),
        r#"use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    user_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    roles: Vec<Role>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value")]
enum Role {
    Admin,
    Member { team: String, since: u16 },
    Guest(u8),
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Wrapper<'a, T>(#[serde(borrow)] &'a str, T);

fn main() {
    let user = User {
        user_name: "ada".into(),
        email: None,
        roles: vec![Role::Admin, Role::Member { team: "core".into(), since: 2015 }, Role::Guest(3)],
    };
    let json = serde_json::to_string(&user).unwrap();
    println!("{json}");
    assert_eq!(serde_json::from_str::<User>(&json).unwrap(), user);
    let wrapped = serde_json::to_string(&Wrapper("w", 7u8)).unwrap();
    println!("{wrapped}");
    let back: Wrapper<u8> = serde_json::from_str(&wrapped).unwrap();
    assert_eq!(back, Wrapper("w", 7));
    // The helper attribute's errors come back as errors of the input:
    // exercised by rustc only in a failing build, so not here.
}
"#,
    );
}

/// serde_derive's published source, as cargo downloaded it.
fn published_source() -> PathBuf {
    let probe = work_dir().join("probe");
    consumer(&probe, "");
    let metadata = run(
        cargo(&probe).args(["metadata", "--format-version", "1"]),
        "cargo metadata",
    );
    let marker = format!("serde_derive-{VERSION}/Cargo.toml");
    let manifest = metadata
        .split('"')
        .find(|field| field.ends_with(&marker))
        .unwrap_or_else(|| panic!("cargo metadata does not list serde_derive {VERSION}"));
    PathBuf::from(manifest)
        .parent()
        .expect("the crate's directory")
        .to_owned()
}

/// Copies `from` into `to`, recursively.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("reads the crate") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copies");
        }
    }
}

/// The port: the README's edits, then a build for `wasm32-wasip2` linked by
/// procbox-ld. Returns the component.
fn port(source: &Path) -> PathBuf {
    let dir = work_dir().join("serde_derive-port");
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(source, &dir);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("Cargo.toml");
    let manifest = edit(&manifest, "proc-macro = true", "crate-type = [\"cdylib\"]");
    let manifest = format!(
        "{manifest}\n[dependencies.procbox]\npath = {:?}\n\n\
         [workspace]\n",
        workspace_root().join("guest-sdk").display().to_string()
    );
    write(&dir.join("Cargo.toml"), &manifest);
    let lib = std::fs::read_to_string(dir.join("src").join("lib.rs")).expect("lib.rs");
    let lib = edit(
        &lib,
        "extern crate proc_macro;",
        "extern crate procbox as proc_macro;",
    );
    let lib = edit(
        &lib,
        "use syn::parse_macro_input;",
        "use procbox::parse_macro_input;",
    );
    let lib = edit(
        &lib,
        "#[proc_macro_derive(",
        "#[procbox::proc_macro_derive(",
    );
    write(&dir.join("src").join("lib.rs"), &lib);
    let linker = procbox_ld().display().to_string();
    run(
        cargo(&dir)
            .args([
                "build",
                "--release",
                "--target",
                "wasm32-wasip2",
                "--target-dir",
            ])
            .arg(work_dir().join("port-target"))
            .arg("--config")
            .arg(format!("target.wasm32-wasip2.linker={linker:?}")),
        "building the serde_derive port",
    );
    work_dir()
        .join("port-target")
        .join("wasm32-wasip2")
        .join("release")
        .join("serde_derive.wasm")
}

#[test]
fn a_sandboxed_serde_derive_stands_in_for_the_crates_io_one() {
    let component = port(&published_source());

    let shim = work_dir().join("serde_derive-shim");
    let _ = std::fs::remove_dir_all(&shim);
    run(
        Command::new(env!("CARGO_BIN_EXE_procbox"))
            .arg("shim")
            .arg(&component)
            .arg("--out")
            .arg(&shim)
            .args(["--name", "serde_derive", "--version", VERSION])
            .args(["--features", "default"])
            .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir()),
        "procbox shim",
    );

    let sandboxed = work_dir().join("sandboxed");
    consumer(
        &sandboxed,
        &format!(
            "\n[patch.crates-io]\nserde_derive = {{ path = {:?} }}\n",
            shim.display().to_string()
        ),
    );
    let native = work_dir().join("native");
    consumer(&native, "");
    let target = work_dir().join("consumer-target");

    // The patch is used: serde's derive comes from the shim's path.
    let tree = run(
        cargo(&sandboxed).args(["tree", "--invert", "serde_derive"]),
        "cargo tree",
    );
    assert!(
        tree.starts_with(&format!(
            "serde_derive v{VERSION} (proc-macro) ({})",
            shim.display()
        )),
        "{tree}"
    );
    // Nothing heavy is built for it: no syn, no wasmtime.
    let all = run(
        cargo(&sandboxed).args(["tree", "--edges", "normal,build"]),
        "cargo tree",
    );
    for heavy in ["syn ", "wasmtime", "procbox-host"] {
        assert!(
            !all.contains(heavy),
            "{heavy} is in the consumer's build:\n{all}"
        );
    }

    let output = |dir: &Path| {
        run(
            cargo(dir)
                .args(["run", "--quiet", "--target-dir"])
                .arg(&target),
            "the serde consumer",
        )
    };
    let (sandboxed, native) = (output(&sandboxed), output(&native));
    assert!(sandboxed.contains("\"userName\":\"ada\""), "{sandboxed}");
    assert_eq!(
        sandboxed, native,
        "the sandboxed derive serializes differently"
    );
}
