//! Building a port: its dependencies locked, then a `wasm32-wasip2` build
//! linked by `procbox-ld`, with the machine's paths remapped so that the same
//! source, toolchain and procbox give the same bytes anywhere.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::build_scripts;
use super::cargo_toml::ProcMacro2;
use super::toolchain::Toolchain;

/// The tools and places of one build.
pub struct Build<'a> {
    /// `cargo` and `rustc`.
    pub toolchain: &'a Toolchain,
    /// `procbox-ld`.
    pub linker: &'a Path,
    /// The ported crate.
    pub dir: &'a Path,
    /// The target directory.
    pub target_dir: &'a Path,
    /// The procbox tree the SDK dependency points into.
    pub procbox_tree: &'a Path,
    /// What the crate's directory is called in the component's paths.
    pub remapped_name: &'a str,
}

impl Build<'_> {
    fn command(&self) -> Command {
        let mut command = self.toolchain.cargo();
        command
            .current_dir(self.dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("CARGO_TARGET_DIR");
        command
    }

    /// Resolves the dependencies into the crate's `Cargo.lock` (starting from
    /// the versions in `seed`, procbox's own lockfile, where they fit, so the
    /// SDK's dependencies are the ones procbox was tested with), and returns
    /// its SHA-256. `proc_macro2` is the one the crate's manifest asks for.
    pub fn lock(&self, seed: Option<&Path>, proc_macro2: ProcMacro2) -> anyhow::Result<String> {
        let lockfile = self.dir.join("Cargo.lock");
        if let Some(seed) = seed.filter(|seed| seed.is_file()) {
            let mut text = std::fs::read_to_string(seed)
                .with_context(|| format!("cannot read {}", seed.display()))?;
            if proc_macro2 == ProcMacro2::Procbox {
                text = without_proc_macro2(&text)?;
            }
            std::fs::write(&lockfile, text)
                .with_context(|| format!("cannot write {}", lockfile.display()))?;
        }
        let output = self
            .command()
            .args(["fetch", "--target", "wasm32-wasip2"])
            .output()
            .with_context(|| format!("cannot run {}", self.toolchain.cargo_path().display()))?;
        if !output.status.success() {
            bail!(
                "cannot be ported: cargo cannot resolve its dependencies in {}:\n{}",
                self.dir.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        let locked = std::fs::read_to_string(&lockfile)
            .with_context(|| format!("cargo wrote no {}", lockfile.display()))?;
        // A crate that uses no `proc-macro2` leaves the patch unused, rightly.
        if let Some(warning) = unused_patch(&stderr).filter(|_| uses_crates_io_proc_macro2(&locked))
        {
            bail!(
                "cannot be ported: it (or a dependency) requires a `proc-macro2` that procbox's \
                 (guest-sdk/proc-macro2, version 1.0.999) does not satisfy, such as an exact \
                 `=1.0.x`, so cargo would build it with crates.io's; cargo said:\n{warning}"
            );
        }
        Ok(format!("{:x}", Sha256::digest(locked.as_bytes())))
    }

    /// The packages whose build scripts use `proc-macro2` in a build with
    /// `features`, as the locked dependencies stand (on every platform, to
    /// be safe).
    pub fn build_scripts_using_proc_macro2(
        &self,
        features: &[String],
        no_default_features: bool,
    ) -> anyhow::Result<Vec<String>> {
        let mut command = self.command();
        command.args(["metadata", "--format-version", "1", "--locked"]);
        with_features(&mut command, features, no_default_features);
        let output = command
            .output()
            .with_context(|| format!("cannot run {}", self.toolchain.cargo_path().display()))?;
        if !output.status.success() {
            bail!(
                "cannot be ported: cargo metadata failed in {}:\n{}",
                self.dir.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        build_scripts::using_proc_macro2(&String::from_utf8_lossy(&output.stdout))
    }

    /// Builds the library with `features`; returns the component's path.
    pub fn build(
        &self,
        lib_name: &str,
        features: &[String],
        no_default_features: bool,
    ) -> anyhow::Result<PathBuf> {
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
        let mut remaps = vec![
            (self.dir.to_owned(), format!("/port/{}", self.remapped_name)),
            (self.target_dir.to_owned(), "/target".to_owned()),
            (self.procbox_tree.to_owned(), "/procbox".to_owned()),
        ];
        if let Some(home) = cargo_home {
            remaps.push((home, "/cargo".to_owned()));
        }
        let flags: Vec<String> = remaps
            .iter()
            .map(|(from, to)| format!("--remap-path-prefix={}={to}", from.display()))
            .collect();
        let mut command = self.command();
        command
            .env("CARGO_ENCODED_RUSTFLAGS", flags.join("\x1f"))
            .args(["build", "--release", "--lib", "--locked"])
            .args(["--target", "wasm32-wasip2", "--target-dir"])
            .arg(self.target_dir)
            .arg("--config")
            .arg(format!(
                "target.wasm32-wasip2.linker={:?}",
                self.linker.display().to_string()
            ));
        with_features(&mut command, features, no_default_features);
        let output = command
            .output()
            .with_context(|| format!("cannot run {}", self.toolchain.cargo_path().display()))?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            bail!("{}", explain_failure(&stderr));
        }
        let component = self
            .target_dir
            .join("wasm32-wasip2")
            .join("release")
            .join(format!("{lib_name}.wasm"));
        if !component.is_file() {
            bail!(
                "the build succeeded but made no {}: was it linked with procbox-ld?",
                component.display()
            );
        }
        Ok(component)
    }
}

fn with_features(command: &mut Command, features: &[String], no_default_features: bool) {
    if !features.is_empty() {
        command.arg("--features").arg(features.join(","));
    }
    if no_default_features {
        command.arg("--no-default-features");
    }
}

/// A lockfile without its `proc-macro2` entries: the port patches in
/// procbox's (see `cargo_toml`), and cargo keeps a locked crates.io version
/// over a patch.
fn without_proc_macro2(lockfile: &str) -> anyhow::Result<String> {
    let mut doc: toml_edit::DocumentMut = lockfile
        .parse()
        .context("procbox's Cargo.lock is not TOML")?;
    if let Some(packages) = doc
        .get_mut("package")
        .and_then(toml_edit::Item::as_array_of_tables_mut)
    {
        packages.retain(|package| {
            package.get("name").and_then(toml_edit::Item::as_str) != Some("proc-macro2")
        });
    }
    Ok(doc.to_string())
}

/// Whether a lockfile has crates.io's `proc-macro2`.
fn uses_crates_io_proc_macro2(lockfile: &str) -> bool {
    let Ok(doc) = lockfile.parse::<toml_edit::DocumentMut>() else {
        return false;
    };
    doc.get("package")
        .and_then(toml_edit::Item::as_array_of_tables)
        .is_some_and(|packages| {
            packages.iter().any(|package| {
                package.get("name").and_then(toml_edit::Item::as_str) == Some("proc-macro2")
                    && package.get("source").is_some()
            })
        })
}

/// cargo's warning that the `proc-macro2` patch was not used, if it gave one.
fn unused_patch(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .find(|line| line.contains("patch `proc-macro2") && line.contains("was not used"))
}

/// cargo's errors, from the first, with a reason in front where one is known.
fn explain_failure(stderr: &str) -> String {
    let errors: String = match stderr.find("error") {
        Some(at) => stderr[at..].trim().to_owned(),
        None => stderr.trim().to_owned(),
    };
    let reason = if errors.contains("in `proc_macro`") {
        "it uses a part of the `proc_macro` API that procbox's SDK does not mirror (an unstable \
         one, or a new one): see README's \"Porting an existing proc macro\""
    } else if errors.contains("found a different `proc_macro::TokenStream`") {
        "it hands the SDK's `TokenStream` to an API that takes rustc's `proc_macro::TokenStream`, \
         in a form `procbox port` does not rewrite (it rewrites `syn::parse`, \
         `parse_macro_input!` and a parser's `.parse`)"
    } else if errors.contains("#![feature]") || errors.contains("E0554") {
        "it needs unstable Rust features, and procbox builds with a stable toolchain"
    } else {
        "the port does not build for wasm32-wasip2"
    };
    format!("cannot be ported: {reason}; cargo said:\n{errors}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_lockfile_leaves_proc_macro2_to_the_patch() {
        let lockfile = "version = 4\n\n[[package]]\nname = \"proc-macro2\"\nversion = \"1.0.107\"\n\n\
                        [[package]]\nname = \"syn\"\nversion = \"2.0.119\"\n";
        let seeded = without_proc_macro2(lockfile).expect("TOML");
        assert!(!seeded.contains("proc-macro2"), "{seeded}");
        assert!(seeded.contains("name = \"syn\""), "{seeded}");
    }

    #[test]
    fn an_unused_proc_macro2_patch_is_found() {
        let stderr = "warning: patch `proc-macro2 v1.0.999 (/p/guest-sdk/proc-macro2)` was not \
                      used in the crate graph\nhelp: Check that the patched package version\n";
        assert!(unused_patch(stderr).is_some_and(|w| w.contains("1.0.999")));
        assert!(unused_patch("    Locking 3 packages\n").is_none());
        let patched = "[[package]]\nname = \"proc-macro2\"\nversion = \"1.0.999\"\n";
        let unpatched = "[[package]]\nname = \"proc-macro2\"\nversion = \"1.0.86\"\n\
                         source = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        assert!(!uses_crates_io_proc_macro2(patched));
        assert!(uses_crates_io_proc_macro2(unpatched));
        assert!(!uses_crates_io_proc_macro2("version = 4\n"));
    }

    #[test]
    fn failures_name_the_reason_and_keep_cargo_s_words() {
        let stderr = "   Compiling m v1.0.0\nerror[E0433]: failed to resolve: could not find \
                      `tracked_env` in `proc_macro`\n";
        let message = explain_failure(stderr);
        assert!(message.contains("does not mirror"), "{message}");
        assert!(message.ends_with("in `proc_macro`"), "{message}");
        assert!(!message.contains("Compiling"), "{message}");
        let other = explain_failure("error: linking failed\n");
        assert!(
            other.contains("does not build for wasm32-wasip2"),
            "{other}"
        );
    }
}
