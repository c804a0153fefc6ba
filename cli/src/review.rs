//! `procbox review OLD NEW`: what a macro update changes, capabilities first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::describe::{Description, MacroEntry};
use crate::load::Loader;

/// The exit status when capabilities grew, so CI can stop on it.
const GREW: u8 = 2;

/// The differences between two versions of a component.
#[derive(Debug, Serialize)]
pub struct Review {
    /// The old version's SHA-256.
    pub old_sha256: String,
    /// The new version's SHA-256.
    pub new_sha256: String,
    /// Capabilities the new version declares and the old did not.
    pub capabilities_added: Vec<String>,
    /// Capabilities the old version declared and the new does not.
    pub capabilities_removed: Vec<String>,
    /// Macros only in the new version.
    pub macros_added: Vec<MacroEntry>,
    /// Macros only in the old version.
    pub macros_removed: Vec<MacroEntry>,
}

impl Review {
    /// Compares `old` with `new`.
    pub fn new(old: &Description, new: &Description) -> Review {
        Review {
            old_sha256: old.sha256.clone(),
            new_sha256: new.sha256.clone(),
            capabilities_added: difference(&new.capabilities, &old.capabilities),
            capabilities_removed: difference(&old.capabilities, &new.capabilities),
            macros_added: difference(&new.macros, &old.macros),
            macros_removed: difference(&old.macros, &new.macros),
        }
    }
}

/// The component to review at `path`: the file, or in a directory that
/// `procbox shim` generated, the copy it embeds (the version reviewed when
/// the shim was made).
fn component_file(path: &Path) -> anyhow::Result<PathBuf> {
    if !path.is_dir() {
        return Ok(path.to_owned());
    }
    let read =
        std::fs::read_dir(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut found = Vec::new();
    for entry in read {
        let entry = entry.with_context(|| format!("cannot read {}", path.display()))?;
        if entry.path().extension().is_some_and(|e| e == "wasm") {
            found.push(entry.path());
        }
    }
    match <[PathBuf; 1]>::try_from(found) {
        Ok([file]) => Ok(file),
        Err(found) => bail!(
            "{} is a directory with {} .wasm files; give a component, or a shim directory \
             (made by `procbox shim`, holding the one component it embeds)",
            path.display(),
            found.len()
        ),
    }
}

/// What is in `a` and not in `b`, sorted.
fn difference<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let b: BTreeSet<&T> = b.iter().collect();
    let a: BTreeSet<&T> = a.iter().collect();
    a.difference(&b).map(|t| (*t).clone()).collect()
}

/// `procbox review`.
pub fn run(loader: &Loader, old: &Path, new: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let (old, new) = (&component_file(old)?, &component_file(new)?);
    let old_description = Description::of(old, &loader.load(old)?);
    let new_description = Description::of(new, &loader.load(new)?);
    let review = Review::new(&old_description, &new_description);
    if json {
        println!("{}", serde_json::to_string_pretty(&review)?);
    } else {
        print(&review, old, new);
    }
    Ok(if review.capabilities_added.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(GREW)
    })
}

fn print(review: &Review, old: &Path, new: &Path) {
    println!("{} -> {}", old.display(), new.display());
    if review.old_sha256 == review.new_sha256 {
        println!("  sha256: {} (identical)", review.new_sha256);
    } else {
        println!("  sha256: {} -> {}", review.old_sha256, review.new_sha256);
    }
    let show = |what: &str, sign: char, items: Vec<String>| {
        for item in items {
            println!("  {sign} {what} {item}");
        }
    };
    show(
        "capability",
        '+',
        review
            .capabilities_added
            .iter()
            .map(|c| format!("`{c}` (NEW: review it before approving)"))
            .collect(),
    );
    show(
        "capability",
        '-',
        review
            .capabilities_removed
            .iter()
            .map(|c| format!("`{c}`"))
            .collect(),
    );
    let entry = |m: &MacroEntry| format!("{} `{}`", m.kind, m.name);
    show(
        "macro",
        '+',
        review.macros_added.iter().map(entry).collect(),
    );
    show(
        "macro",
        '-',
        review.macros_removed.iter().map(entry).collect(),
    );
    let changed = !review.capabilities_added.is_empty()
        || !review.capabilities_removed.is_empty()
        || !review.macros_added.is_empty()
        || !review.macros_removed.is_empty();
    if !changed {
        println!("  no change in macros or capabilities");
    }
}
