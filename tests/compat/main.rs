//! The compatibility matrix: for each of the most-used crates.io proc-macro
//! crates, a small project that uses it (a corpus in `corpus/NAME.rs`, and
//! bad input in `corpus/NAME.bad.rs` where there is one) is expanded with the
//! native macro and with the sandboxed one (`procbox sandbox`), both by
//! nightly rustc's `-Zunpretty=expanded`, and the texts are compared; so are
//! rustc's errors on the bad input. One row per crate goes into
//! `docs/COMPATIBILITY.md`.
//!
//! ```sh
//! cargo build --release -p procbox-cli
//! cargo run --release -p procbox-tests --bin compat -- [--only a,b] [--write docs/COMPATIBILITY.md]
//! ```
//!
//! Exit status 1 when a crate's row is not identical and the difference is
//! not one of the documented ones ([`KNOWN`]).

mod crates;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use crates::{CRATES, Crate, KNOWN};
use procbox_tests::{procbox_ld, workspace_root};

/// One row of the matrix.
struct Row {
    name: &'static str,
    version: String,
    /// `Ok(())`, or why `procbox sandbox` failed.
    ported: Result<(), String>,
    capabilities: String,
    expansion: Verdict,
    errors: Verdict,
    size: Option<u64>,
}

enum Verdict {
    Identical,
    Differs(String),
    NotRun(String),
}

impl Verdict {
    fn cell(&self) -> String {
        match self {
            Verdict::Identical => "identical".to_owned(),
            Verdict::Differs(how) => format!("**differs**: {how}"),
            Verdict::NotRun(why) => format!("— ({why})"),
        }
    }

    fn is_identical_or_not_run(&self) -> bool {
        !matches!(self, Verdict::Differs(_))
    }
}

fn main() -> ExitCode {
    let mut only: Option<Vec<String>> = None;
    let mut write: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--only" => {
                only = args
                    .next()
                    .map(|v| v.split(',').map(str::to_owned).collect())
            }
            "--write" => write = args.next().map(PathBuf::from),
            other => {
                eprintln!("usage: compat [--only NAME,NAME] [--write FILE]; unknown `{other}`");
                return ExitCode::from(2);
            }
        }
    }
    let procbox = workspace_root().join("target/release/procbox");
    if !procbox.is_file() {
        eprintln!("build the CLI first: cargo build --release -p procbox-cli");
        return ExitCode::from(2);
    }
    let selected: Vec<&Crate> = CRATES
        .iter()
        .filter(|c| only.as_ref().is_none_or(|o| o.iter().any(|n| n == c.name)))
        .collect();
    if selected.is_empty() {
        eprintln!("no crate in the matrix is named so");
        return ExitCode::from(2);
    }
    let mut rows = Vec::new();
    for krate in selected {
        eprintln!("== {}", krate.name);
        let row = check(krate, &procbox);
        eprintln!(
            "   {} {}: ported {}, expansion {}, errors {}",
            row.name,
            row.version,
            if row.ported.is_ok() { "yes" } else { "no" },
            row.expansion.cell(),
            row.errors.cell()
        );
        rows.push(row);
    }
    let table = table(&rows);
    println!("{table}");
    if let Some(file) = write {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let new = match (text.find(BEGIN), text.find(END)) {
            (Some(begin), Some(end)) if begin < end => {
                // With `--only`, the other rows stay as they were.
                let table = match only {
                    Some(_) => merge(&text[begin + BEGIN.len()..end], &table),
                    None => table,
                };
                format!("{}{BEGIN}\n{table}{}", &text[..begin], &text[end..])
            }
            _ => format!("{text}{BEGIN}\n{table}{END}\n"),
        };
        if let Err(e) = std::fs::write(&file, new) {
            eprintln!("cannot write {}: {e}", file.display());
            return ExitCode::from(2);
        }
    }
    let unexplained: Vec<&str> = rows
        .iter()
        .filter(|row| {
            let fine = row.ported.is_ok()
                && row.expansion.is_identical_or_not_run()
                && row.errors.is_identical_or_not_run();
            !fine && !KNOWN.iter().any(|(name, _)| *name == row.name)
        })
        .map(|row| row.name)
        .collect();
    if unexplained.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "not identical, and not documented: {}",
            unexplained.join(", ")
        );
        ExitCode::FAILURE
    }
}

/// `old`'s table with the rows of `new` in place of those for the same
/// crates, and after them `new`'s rows for crates `old` has not (the notes
/// after the table are `new`'s).
fn merge(old: &str, new: &str) -> String {
    let crate_of = |line: &str| {
        line.strip_prefix("| ")
            .and_then(|rest| rest.split(" |").next())
            .map(str::to_owned)
    };
    let fresh: Vec<&str> = new.lines().filter(|l| l.starts_with("| ")).collect();
    let mut out = String::new();
    for line in old.trim_start().lines() {
        if !line.starts_with('|') {
            break;
        }
        let replaced = crate_of(line).and_then(|name| {
            fresh
                .iter()
                .find(|f| crate_of(f).as_deref() == Some(name.as_str()))
        });
        out.push_str(replaced.copied().unwrap_or(line));
        out.push('\n');
    }
    let old_rows: Vec<String> = old.lines().filter_map(crate_of).collect();
    for row in fresh {
        if crate_of(row).is_some_and(|name| !old_rows.contains(&name)) {
            out.push_str(row);
            out.push('\n');
        }
    }
    if let Some(notes) = new.find("\nDocumented differences:") {
        out.push_str(&new[notes..]);
    }
    out
}

const BEGIN: &str = "<!-- compat table: generated by tests/compat, do not edit -->";
const END: &str = "<!-- end of compat table -->";

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| crate | version | ports without edits | capabilities | expansion vs native | errors vs native | component |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for row in rows {
        let ported = match &row.ported {
            Ok(()) => "yes".to_owned(),
            Err(why) => format!("**no**: {why}"),
        };
        let size = row
            .size
            .map_or("—".to_owned(), |s| format!("{} KiB", s.div_ceil(1024)));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            row.name,
            row.version,
            ported,
            row.capabilities,
            row.expansion.cell(),
            row.errors.cell(),
            size
        );
    }
    if !KNOWN.is_empty() {
        out.push_str("\nDocumented differences:\n\n");
        for (name, why) in KNOWN {
            let _ = writeln!(out, "- **{name}**: {why}");
        }
    }
    out
}

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("compat")
}

/// `cargo` on nightly (for `-Zunpretty`), sharing one target directory.
fn nightly_cargo(dir: &Path, procbox: &Path) -> Command {
    let mut command = cargo(dir, procbox);
    command.env("RUSTUP_TOOLCHAIN", "nightly");
    command
}

/// `cargo` on procbox's pinned stable toolchain (`rust-toolchain.toml`,
/// above the work directories), sharing one target directory.
///
/// rustc's errors are compared on stable: that is what users build with,
/// and `proc_macro2` inside rustc answers differently on nightly (`join`
/// works there).
fn stable_cargo(dir: &Path, procbox: &Path) -> Command {
    let mut command = cargo(dir, procbox);
    command.env_remove("RUSTUP_TOOLCHAIN");
    command
}

fn cargo(dir: &Path, procbox: &Path) -> Command {
    let mut command = Command::new("cargo");
    command
        .current_dir(dir)
        .env_remove("RUSTC")
        .env_remove("CARGO")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        // A native macro's panic would print the machine's backtrace (a
        // sandboxed one's environment is empty, see procbox-ld).
        .env_remove("RUST_BACKTRACE")
        .env_remove("RUST_LIB_BACKTRACE")
        .env("CARGO_TARGET_DIR", work_dir().join("target"))
        .env("PROCBOX", procbox)
        .env("PROCBOX_EXPANSIONS", "off");
    command
}

fn project(dir: &Path, krate: &Crate, main: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{}\n\n[workspace]\n",
            krate.dependencies
        ),
    )?;
    std::fs::write(dir.join("src").join("main.rs"), main)
}

/// `-Zunpretty=expanded` of the project, or rustc's errors.
fn expanded(dir: &Path, procbox: &Path) -> Result<String, String> {
    let output = nightly_cargo(dir, procbox)
        .args([
            "rustc",
            "--quiet",
            "--bin",
            "app",
            "--",
            "-Zunpretty=expanded",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// rustc's errors on the project, with its directory written `$DIR`.
fn errors(dir: &Path, procbox: &Path) -> Result<String, String> {
    let output = stable_cargo(dir, procbox)
        .args(["check", "--quiet"])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        return Err("the bad input compiles".to_owned());
    }
    let text = String::from_utf8_lossy(&output.stderr);
    Ok(text.replace(&dir.display().to_string(), "$DIR"))
}

/// Where two texts first differ, for the table.
fn first_difference(native: &str, sandboxed: &str) -> String {
    let line = native
        .lines()
        .zip(sandboxed.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(native.lines().count().min(sandboxed.lines().count()));
    let show = |text: &str| {
        text.lines()
            .nth(line)
            .unwrap_or("(end)")
            .trim()
            .chars()
            .take(60)
            .collect::<String>()
            .replace('|', "\\|")
    };
    format!(
        "line {}: native `{}`, sandboxed `{}`",
        line + 1,
        show(native),
        show(sandboxed)
    )
}

fn check(krate: &Crate, procbox: &Path) -> Row {
    let mut row = Row {
        name: krate.name,
        version: "?".to_owned(),
        ported: Ok(()),
        capabilities: "—".to_owned(),
        expansion: Verdict::NotRun("not ported".to_owned()),
        errors: Verdict::NotRun("no bad input".to_owned()),
        size: None,
    };
    let corpus_dir = workspace_root().join("tests").join("compat").join("corpus");
    let corpus = match std::fs::read_to_string(corpus_dir.join(format!("{}.rs", krate.name))) {
        Ok(text) => text,
        Err(e) => {
            row.ported = Err(format!("no corpus: {e}"));
            return row;
        }
    };
    let bad = std::fs::read_to_string(corpus_dir.join(format!("{}.bad.rs", krate.name))).ok();
    let base = work_dir().join(krate.name);
    let _ = std::fs::remove_dir_all(&base);
    let (native, sandboxed) = (base.join("native"), base.join("sandboxed"));
    for dir in [&native, &sandboxed] {
        if let Err(e) = project(dir, krate, &corpus) {
            row.ported = Err(format!("cannot write the project: {e}"));
            return row;
        }
    }
    let native_text = match expanded(&native, procbox) {
        Ok(text) => text,
        Err(e) => {
            row.ported = Err(format!("the corpus does not build natively: {}", brief(&e)));
            return row;
        }
    };

    let mut sandbox = Command::new(procbox);
    sandbox
        .current_dir(&sandboxed)
        .args(["sandbox", krate.name, "--linker"])
        .arg(procbox_ld())
        .env("CARGO_TARGET_DIR", work_dir().join("target"));
    if krate.fs_read {
        sandbox.args(["--capability", "fs-read", "--grant", "fs-read"]);
    }
    if !krate.env.is_empty() {
        sandbox.args(["--capability", "env"]);
        for name in krate.env {
            sandbox.args(["--env", name, "--grant", &format!("env={name}")]);
        }
    }
    let sandbox = sandbox.output();
    let sandbox = match sandbox {
        Ok(output) => output,
        Err(e) => {
            row.ported = Err(format!("cannot run procbox: {e}"));
            return row;
        }
    };
    let printed = String::from_utf8_lossy(&sandbox.stdout).into_owned();
    if !sandbox.status.success() {
        row.ported = Err(brief(&String::from_utf8_lossy(&sandbox.stderr)));
        return row;
    }
    if let Some(version) = printed
        .lines()
        .next()
        .and_then(|line| line.strip_prefix(&format!("{} ", krate.name)))
        .and_then(|rest| rest.split_whitespace().next())
    {
        row.version = version.to_owned();
    }
    let port_dir = sandboxed
        .join("target")
        .join("procbox-port")
        .join(format!("{}-{}", krate.name, row.version));
    if let Some(component) = std::fs::read_dir(&port_dir).ok().and_then(|entries| {
        entries
            .flatten()
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|e| e == "wasm"))
    }) {
        row.size = std::fs::metadata(&component).ok().map(|m| m.len());
        row.capabilities = capabilities(procbox, &component);
    }

    row.expansion = match expanded(&sandboxed, procbox) {
        Ok(text) if text == native_text => Verdict::Identical,
        Ok(text) => Verdict::Differs(first_difference(&native_text, &text)),
        Err(e) => Verdict::Differs(format!("the sandboxed build fails: {}", brief(&e))),
    };
    if let Some(bad) = bad {
        let results: Vec<Result<String, String>> = [&native, &sandboxed]
            .iter()
            .map(|dir| {
                std::fs::write(dir.join("src").join("main.rs"), &bad)
                    .map_err(|e| e.to_string())
                    .and_then(|()| errors(dir, procbox))
            })
            .collect();
        row.errors = match (&results[0], &results[1]) {
            (Ok(a), Ok(b)) if a == b => Verdict::Identical,
            (Ok(a), Ok(b)) => Verdict::Differs(first_difference(a, b)),
            (Err(e), _) => Verdict::NotRun(format!("native: {e}")),
            (_, Err(e)) => Verdict::Differs(format!("sandboxed: {e}")),
        };
    }
    row
}

/// The declared capabilities, per `procbox inspect --json`.
fn capabilities(procbox: &Path, component: &Path) -> String {
    let output = Command::new(procbox)
        .args(["inspect", "--json"])
        .arg(component)
        .output();
    let Ok(output) = output else {
        return "?".to_owned();
    };
    let Ok(description) = serde_json::from_slice::<serde_json::Value>(&output.stdout) else {
        return "?".to_owned();
    };
    let names: Vec<&str> = description["capabilities"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|name| name.as_str())
        .collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

/// The first error line of cargo's output, for a table cell.
fn brief(stderr: &str) -> String {
    stderr
        .lines()
        .find(|line| line.starts_with("error"))
        .unwrap_or_else(|| stderr.lines().next().unwrap_or(""))
        .chars()
        .take(160)
        .collect::<String>()
        .replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::merge;

    #[test]
    fn merging_replaces_rows_and_adds_new_crates_at_the_end() {
        let old = "\n| crate | v |\n|---|---|\n| a | 1 |\n| b | 1 |\n\nold notes\n";
        let new =
            "| crate | v |\n|---|---|\n| b | 2 |\n| c | 1 |\n\nDocumented differences:\n- x\n";
        assert_eq!(
            merge(old, new),
            "| crate | v |\n|---|---|\n| a | 1 |\n| b | 2 |\n| c | 1 |\n\nDocumented differences:\n- x\n"
        );
    }
}
