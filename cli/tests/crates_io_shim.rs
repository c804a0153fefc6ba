//! A real crates.io derive crate, sandboxed under its own name: `serde_derive`
//! 1.0.228, ported to a component, becomes a shim named `serde_derive` that
//! `[patch.crates-io]` puts in place of the original, so that
//! `serde = { features = ["derive"] }` uses it with no other change. A
//! program using it must print what the same program prints with the native
//! `serde_derive`.
//!
//! The port is made by `procbox port serde_derive@1.0.228`, from the
//! published source cargo downloads, with no hand edit. It declares no
//! capability, though serde_derive iterates a `HashSet`: std's seed is
//! ambient, fixed. Ported twice, in different directories, it is the same
//! component, byte for byte, and it records where it came from.

use std::path::{Path, PathBuf};
use std::process::Command;

use procbox_tests::{procbox_ld, run_ok as run, workspace_root, write_file as write};

/// The version ported, pinned: the edits below are checked against it.
const VERSION: &str = "1.0.228";

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("crates-io-shim")
}

fn cargo(dir: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = cargo_env(Command::new(&cargo));
    command.current_dir(dir);
    command
}

/// `command` with the environment of a build outside the test's own, and
/// the test's procbox.
fn cargo_env(mut command: Command) -> Command {
    procbox_tests::outside_build(&mut command).env("PROCBOX", env!("CARGO_BIN_EXE_procbox"));
    command
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

/// `procbox port serde_derive@VERSION` into `out`, building in
/// `target_dir` with the SDK in `procbox_tree`. Returns the component and what the command printed.
fn port(out: &Path, target_dir: &Path, procbox_tree: &Path) -> (PathBuf, String) {
    std::fs::create_dir_all(work_dir()).expect("mkdir");
    let printed = run(
        cargo_env(Command::new(env!("CARGO_BIN_EXE_procbox")))
            .current_dir(work_dir())
            .args(["port", &format!("serde_derive@{VERSION}"), "--out"])
            .arg(out)
            .arg("--target-dir")
            .arg(target_dir)
            .arg("--procbox-path")
            .arg(procbox_tree)
            .arg("--linker")
            .arg(procbox_ld()),
        "procbox port serde_derive",
    );
    (out.join("serde_derive.wasm"), printed)
}

/// The line of `printed` that starts with `label`, without it.
fn field<'a>(printed: &'a str, label: &str) -> &'a str {
    printed
        .lines()
        .find_map(|line| line.trim().strip_prefix(label))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no `{label}` in:\n{printed}"))
}

#[test]
fn a_sandboxed_serde_derive_stands_in_for_the_crates_io_one() {
    let (component, printed) = port(
        &work_dir().join("port-a"),
        &work_dir().join("port-target-a"),
        workspace_root(),
    );
    // What a reviewer reads: no capability, and the edits.
    assert!(
        field(&printed, "declares:").starts_with("nothing"),
        "{printed}"
    );
    assert!(
        printed.contains("-#[proc_macro_derive(Serialize, attributes(serde))]\n+#[procbox::proc_macro_derive(Serialize, attributes(serde))]"),
        "{printed}"
    );
    assert!(
        printed.contains("+extern crate procbox as proc_macro;"),
        "{printed}"
    );
    // Reproducible: another directory, another target directory, procbox
    // in another place (what a port builds with from its tree), the same
    // bytes.
    let tree = work_dir().join("procbox-elsewhere");
    let _ = std::fs::remove_dir_all(&tree);
    for file in ["Cargo.toml", "Cargo.lock", "rust-toolchain.toml"] {
        write(
            &tree.join(file),
            &std::fs::read_to_string(workspace_root().join(file)).expect("reads"),
        );
    }
    procbox_tests::copy_dir(
        &workspace_root().join("guest-sdk"),
        &tree.join("guest-sdk"),
        &[],
    );
    let (again, printed_again) = port(
        &work_dir().join("elsewhere").join("port-b"),
        &work_dir().join("port-target-b"),
        &tree,
    );
    assert_eq!(
        field(&printed, "sha256:"),
        field(&printed_again, "sha256:"),
        "two ports of serde_derive {VERSION} differ"
    );
    assert_eq!(
        std::fs::read(&component).expect("the component"),
        std::fs::read(&again).expect("the component")
    );
    // And it says where it came from.
    let inspect = run(
        Command::new(env!("CARGO_BIN_EXE_procbox"))
            .arg("inspect")
            .arg(&component)
            .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir()),
        "procbox inspect",
    );
    let checksum = field(
        &printed,
        &format!("Ported serde_derive {VERSION} (crates.io, sha256"),
    )
    .trim_end_matches(')');
    assert!(
        inspect.contains(&format!(
            "serde_derive {VERSION} from crates.io (sha256 {checksum})"
        )),
        "{inspect}"
    );

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
