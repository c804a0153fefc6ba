//! The expansion cache seen from cargo: a rebuild replays inside rustc
//! (the shim reads the entries the server recorded) and starts no server;
//! a moved item replays with rustc's errors at its new place; offline, an
//! expansion never recorded is a compile error that says so.

use std::path::{Path, PathBuf};
use std::process::Command;

use procbox_tests::{wasm, workspace_root};

/// A consumer crate of the json-derive shim, in a temporary directory.
struct Consumer {
    dir: tempfile::TempDir,
    /// Each test's own: two consumers building at once in one target
    /// directory could see each other's outputs.
    target: &'static str,
}

impl Consumer {
    fn new(target: &'static str) -> Consumer {
        let dir = tempfile::tempdir().expect("tempdir");
        let shim = Command::new(env!("CARGO_BIN_EXE_procbox"))
            .arg("shim")
            .arg(wasm("json_derive"))
            .args(["--out", "json-derive-shim"])
            .current_dir(dir.path())
            .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
            .output()
            .expect("cannot run procbox");
        assert!(
            shim.status.success(),
            "procbox shim failed:\n{}",
            String::from_utf8_lossy(&shim.stderr)
        );
        let tojson = workspace_root()
            .join("examples")
            .join("cargo-demo")
            .join("tojson");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            format!(
                "[package]\nname = \"consumer\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
                 [dependencies]\njson-derive-shim = {{ path = \"json-derive-shim\" }}\n\
                 tojson = {{ path = {:?} }}\n\n[workspace]\n",
                tojson.display().to_string()
            ),
        )
        .expect("write");
        std::fs::create_dir(dir.path().join("src")).expect("mkdir");
        Consumer { dir, target }
    }

    fn write(&self, lib: &str) {
        std::fs::write(self.dir.path().join("src").join("lib.rs"), lib).expect("write");
    }

    fn expansions(&self) -> PathBuf {
        self.dir.path().join("expansions")
    }

    /// `cargo check` with `procbox` at `server`; success, and stderr.
    fn check(&self, server: &Path, offline: bool) -> (bool, String) {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .args(["check", "--quiet"])
            .current_dir(self.dir.path())
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET")
            .env(
                "CARGO_TARGET_DIR",
                workspace_root().join("target").join(self.target),
            )
            .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
            .env("PROCBOX_EXPANSIONS", self.expansions())
            .env("PROCBOX", server);
        if offline {
            command.env("PROCBOX_OFFLINE", "1");
        }
        let output = command.output().expect("cannot run cargo");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }
}

const ITEMS: &str = "use json_derive_shim::ToJson;\n\n\
    #[derive(ToJson)]\npub struct Point { pub x: i32, pub y: i32 }\n\n\
    #[derive(ToJson)]\npub enum Shape { Dot, Line(Point, Point) }\n\n\
    #[derive(ToJson)]\npub union Bits { pub a: u8 }\n";

fn server() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_procbox"))
}

/// A `procbox` that cannot start: a build that needs a server fails.
fn no_server() -> PathBuf {
    workspace_root().join("target").join("no-such-procbox")
}

/// The line of the error about the union, from rustc's `--> file:line:col`.
fn union_error_line(stderr: &str) -> usize {
    let at = stderr
        .find("ToJson cannot be derived for a union")
        .unwrap_or_else(|| panic!("no union error in:\n{stderr}"));
    let arrow = stderr[at..].find("--> ").expect("a location") + at + 4;
    let location = stderr[arrow..].lines().next().expect("a line");
    location
        .split(':')
        .nth(1)
        .expect("line")
        .parse()
        .expect("a number")
}

#[test]
fn a_rebuild_replays_inside_rustc_with_errors_where_a_fresh_run_puts_them() {
    let consumer = Consumer::new("replay-consumer");
    consumer.write(ITEMS);
    let (ok, fresh) = consumer.check(server(), false);
    assert!(!ok, "the union derive must fail:\n{fresh}");
    assert_eq!(union_error_line(&fresh), 10, "{fresh}");
    assert!(!fresh.contains("procbox:"), "{fresh}");
    // Recorded: three entries, and no server needed for them any more.
    let entries = std::fs::read_dir(consumer.expansions())
        .expect("recorded")
        .count();
    assert_eq!(entries, 3);
    let (ok, replayed) = consumer.check(&no_server(), false);
    assert!(!ok, "the replayed union derive must fail:\n{replayed}");
    assert_eq!(union_error_line(&replayed), 10, "{replayed}");
    assert!(
        !replayed.contains("procbox:"),
        "needed a server:\n{replayed}"
    );
    // Moved down four lines: the derive asks no span question, so it
    // replays, and rustc points at the new place.
    consumer.write(&format!("\n\n\n\n{ITEMS}"));
    let (ok, moved) = consumer.check(&no_server(), false);
    assert!(!ok);
    assert_eq!(union_error_line(&moved), 14, "{moved}");
    assert!(!moved.contains("procbox:"), "needed a server:\n{moved}");
    // An entry in another variant slot of its key (as the same invocation
    // at several lines makes them) replays too.
    for entry in std::fs::read_dir(consumer.expansions()).expect("recorded") {
        let path = entry.expect("entry").path();
        let name = path.to_string_lossy().replace(".expansion", "-2.expansion");
        std::fs::rename(&path, name).expect("rename");
    }
    let (ok, variant) = consumer.check(&no_server(), false);
    assert!(!ok);
    assert_eq!(union_error_line(&variant), 14, "{variant}");
    assert!(!variant.contains("procbox:"), "needed a server:\n{variant}");
    // A new item needs the server: without one, it says so.
    consumer.write(&format!("{ITEMS}\n#[derive(ToJson)]\npub struct New;\n"));
    let (_, new) = consumer.check(&no_server(), false);
    assert!(new.contains("procbox:"), "{new}");
}

#[test]
fn offline_an_expansion_never_recorded_is_an_error_that_says_so() {
    let consumer = Consumer::new("replay-consumer-offline");
    consumer.write("use json_derive_shim::ToJson;\n#[derive(ToJson)]\npub struct Seen;\n");
    assert!(consumer.check(server(), false).0);
    assert!(
        consumer.check(server(), true).0,
        "offline, a recorded expansion replays"
    );
    consumer.write(
        "use json_derive_shim::ToJson;\n#[derive(ToJson)]\npub struct Seen;\n\
         #[derive(ToJson)]\npub struct Unseen;\n",
    );
    let (ok, stderr) = consumer.check(server(), true);
    assert!(!ok, "offline, an unrecorded expansion built");
    assert!(
        stderr.contains("macro `ToJson` in json_derive.wasm was not run: procbox is offline")
            && stderr.contains("struct Unseen"),
        "{stderr}"
    );
}
