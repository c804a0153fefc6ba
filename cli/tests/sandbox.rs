//! `procbox sandbox` in a project, as a user runs it: two crates.io macros
//! the project already uses, `thiserror-impl` (a derive on syn 3) and
//! `async-trait` (an attribute macro), swapped for sandboxed ports with no
//! edit to the project's code; its tests pass and its program prints what it
//! prints with the native macros. `procbox unsandbox` gives one back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use procbox_tests::{procbox_ld, run_ok as run, workspace_root, write_file as write};

const THISERROR: &str = "2.0.21";
const ASYNC_TRAIT: &str = "0.1.92";

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("sandbox-test")
}

/// A command with the test's procbox and caches, and none of the flags
/// meant for the test's own build.
fn command(program: impl AsRef<std::ffi::OsStr>, dir: &Path) -> Command {
    let mut command = Command::new(program);
    procbox_tests::outside_build(&mut command)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", work_dir().join("target"))
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"));
    command
}

fn cargo(dir: &Path) -> Command {
    command(
        std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()),
        dir,
    )
}

fn procbox(dir: &Path) -> Command {
    command(env!("CARGO_BIN_EXE_procbox"), dir)
}

fn output(command: &mut Command, what: &str) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"))
}

/// The project: errors with thiserror, an async trait, a test of both.
fn project(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nthiserror = \"={THISERROR}\"\nasync-trait = \"={ASYNC_TRAIT}\"\n\n\
             [workspace]\n"
        ),
    );
    write(
        &dir.join("src").join("main.rs"),
        r#"use std::future::Future;
use std::task::{Context, Poll, Waker};

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no such user: {0}")]
    Missing(String),
    #[error("limit {limit} exceeded by {by}")]
    Limit { limit: u32, by: u32 },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

#[async_trait::async_trait]
pub trait Store {
    async fn get(&self, key: &str) -> Result<u32, Failure>;
    async fn twice(&self, key: &str) -> Result<u32, Failure> {
        Ok(self.get(key).await? * 2)
    }
}

struct Fixed;

#[async_trait::async_trait]
impl Store for Fixed {
    async fn get(&self, key: &str) -> Result<u32, Failure> {
        match key {
            "one" => Ok(1),
            "big" => Err(Failure::Limit { limit: 10, by: 5 }),
            other => Err(Failure::Missing(other.to_owned())),
        }
    }
}

/// The futures here never wait: one poll finishes them.
fn now<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("pending"),
    }
}

fn main() {
    for key in ["one", "big", "who"] {
        match now(Fixed.twice(key)) {
            Ok(value) => println!("{key}: {value}"),
            Err(error) => println!("{key}: {error} ({error:?})"),
        }
    }
    let io: Failure = std::io::Error::other("disk").into();
    println!("{io}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_and_async_traits_work() {
        assert_eq!(now(Fixed.twice("one")).unwrap(), 2);
        assert_eq!(
            now(Fixed.get("big")).unwrap_err().to_string(),
            "limit 10 exceeded by 5"
        );
    }
}
"#,
    );
}

/// Where cargo takes `name` from, per `cargo tree`.
fn origin(dir: &Path, name: &str) -> String {
    let tree = run(cargo(dir).args(["tree", "--invert", name]), "cargo tree");
    tree.lines().next().unwrap_or_default().to_owned()
}

#[test]
fn sandboxed_thiserror_and_async_trait_stand_in_and_can_be_given_back() {
    let native = work_dir().join("native");
    project(&native);
    let expected = run(
        cargo(&native).args(["run", "--quiet"]),
        "the native program",
    );
    assert!(
        expected.contains("big: limit 10 exceeded by 5"),
        "{expected}"
    );

    let app = work_dir().join("app");
    project(&app);
    let linker = procbox_ld().display().to_string();
    for name in ["thiserror-impl", "async-trait"] {
        let printed = run(
            procbox(&app).args(["sandbox", name, "--linker", &linker]),
            "procbox sandbox",
        );
        assert!(printed.contains(&format!("{name} ")), "{printed}");
    }
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("[patch.crates-io]\nthiserror-impl = { path = \"procbox/thiserror-impl\" }\nasync-trait = { path = \"procbox/async-trait\" }\n"),
        "{manifest}"
    );
    // The project's code is untouched; cargo takes the macros from the shims,
    // and builds no syn for them.
    assert_eq!(
        origin(&app, "thiserror-impl"),
        format!(
            "thiserror-impl v{THISERROR} (proc-macro) ({})",
            app.join("procbox").join("thiserror-impl").display()
        )
    );
    let tree = run(
        cargo(&app).args(["tree", "--edges", "normal,build"]),
        "cargo tree",
    );
    assert!(!tree.contains("syn v"), "{tree}");

    run(cargo(&app).arg("test"), "the sandboxed project's tests");
    let sandboxed = run(
        cargo(&app).args(["run", "--quiet"]),
        "the sandboxed program",
    );
    assert_eq!(sandboxed, expected);

    // A macro the project does not use, and one sandboxed already.
    let out = output(
        procbox(&app).args(["sandbox", "serde_derive", "--linker", &linker]),
        "procbox sandbox",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("the project does not depend on serde_derive"),
        "{stderr}"
    );
    let out = output(
        procbox(&app).args(["sandbox", "async-trait", "--linker", &linker]),
        "procbox sandbox",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("unsandbox async-trait"),
        "{stderr}"
    );

    run(
        procbox(&app).args(["unsandbox", "async-trait"]),
        "procbox unsandbox",
    );
    assert!(!app.join("procbox").join("async-trait").exists());
    let manifest = std::fs::read_to_string(app.join("Cargo.toml")).expect("Cargo.toml");
    assert!(!manifest.contains("async-trait = { path"), "{manifest}");
    assert_eq!(
        origin(&app, "async-trait"),
        format!("async-trait v{ASYNC_TRAIT} (proc-macro)")
    );
    assert_eq!(
        run(cargo(&app).args(["run", "--quiet"]), "the program"),
        expected
    );
}
