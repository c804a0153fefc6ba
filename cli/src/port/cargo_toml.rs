//! The edits to a proc-macro crate's `Cargo.toml`, made with `toml_edit` so
//! that the rest of the file keeps its layout and comments:
//! `proc-macro = true` becomes `crate-type = ["cdylib"]`, the SDK becomes a
//! dependency, the capabilities and the provenance go under
//! `[package.metadata.procbox]`, and what building the library does not need
//! (dev-dependencies, test, bench, example and binary targets) goes, so that
//! resolving the port asks the registry for nothing more.

use std::path::{Component, Path};

use anyhow::{Context, bail};
use procbox_host::Provenance;
use toml_edit::{Array, DocumentMut, Item, Table, value};

/// What the port declares in `[package.metadata.procbox]`.
#[derive(Debug, Default)]
pub struct Declared {
    /// Capability names (`fs-read`, `env`, `random-seed`).
    pub capabilities: Vec<String>,
    /// The variables `env` exposes.
    pub env: Vec<String>,
}

/// Which `proc-macro2` the port's `syn` and `quote` build with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcMacro2 {
    /// procbox's (`guest-sdk/proc-macro2`), patched in: its spans answer as
    /// `proc_macro2`'s do inside rustc.
    Procbox,
    /// crates.io's, through the SDK's conversions: for a build whose build
    /// scripts use `proc-macro2` (see `build_scripts`), at the cost of the
    /// span answers of crates.io's outside rustc (`join` is `Some`,
    /// `resolved_at` and `located_at` keep no hygiene).
    CratesIo,
}

/// The ported `Cargo.toml`'s text, and the library's name (the component's
/// file stem).
pub fn port(
    text: &str,
    file: &Path,
    sdk: &Path,
    declared: &Declared,
    provenance: &Provenance,
    proc_macro2: ProcMacro2,
) -> anyhow::Result<(String, String)> {
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", file.display()))?;
    let package_name = doc
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(Item::as_str)
        .map(str::to_owned)
        .with_context(|| format!("{} has no [package] name", file.display()))?;

    let lib = doc
        .get_mut("lib")
        .and_then(Item::as_table_like_mut)
        .filter(|lib| {
            ["proc-macro", "proc_macro"]
                .iter()
                .any(|key| lib.get(key).and_then(Item::as_bool) == Some(true))
        });
    let Some(lib) = lib else {
        bail!(
            "{package_name} cannot be ported: it is not a proc-macro crate ({} has no \
             `proc-macro = true` under [lib])",
            file.display()
        );
    };
    lib.remove("proc-macro");
    lib.remove("proc_macro");
    let mut crate_type = Array::new();
    crate_type.push("cdylib");
    lib.insert("crate-type", value(crate_type));
    let lib_name = lib
        .get("name")
        .and_then(Item::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| package_name.replace('-', "_"));

    for unneeded in ["dev-dependencies", "test", "bench", "example", "bin"] {
        doc.remove(unneeded);
    }
    if let Some(targets) = doc.get_mut("target").and_then(Item::as_table_like_mut) {
        for (_, target) in targets.iter_mut() {
            if let Some(target) = target.as_table_like_mut() {
                target.remove("dev-dependencies");
            }
        }
    }

    let implicit = doc
        .get("dependencies")
        .and_then(Item::as_table)
        .is_some_and(Table::is_implicit);
    let dependencies = doc
        .entry("dependencies")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .context("[dependencies] is not a table")?;
    if dependencies.contains_key("procbox") {
        bail!(
            "{package_name} already depends on a crate named `procbox`: is it ported already? \
             Port the original crate"
        );
    }
    // In the file's own style: `[dependencies.x]` tables (as cargo publishes
    // them) or inline tables under `[dependencies]`.
    // With procbox's `proc-macro2` (patched in below), which is made of the
    // SDK's tokens and depends on the SDK, the SDK's conversions to
    // crates.io's are left out.
    let sdk_path = sdk.display().to_string();
    let mut sdk_dependency = toml_edit::InlineTable::new();
    sdk_dependency.insert("path", sdk_path.into());
    sdk_dependency.insert("default-features", false.into());
    let features = match proc_macro2 {
        ProcMacro2::Procbox => Array::from_iter(["allocator"]),
        ProcMacro2::CratesIo => Array::from_iter(["allocator", "proc-macro2"]),
    };
    sdk_dependency.insert("features", features.into());
    if implicit {
        dependencies.insert("procbox", Item::Table(sdk_dependency.into_table()));
    } else {
        dependencies.insert("procbox", value(sdk_dependency));
    }
    if proc_macro2 == ProcMacro2::Procbox {
        patch_proc_macro2(&mut doc, &package_name, &sdk.join("proc-macro2"))?;
    }

    let package = doc
        .get_mut("package")
        .and_then(Item::as_table_like_mut)
        .context("[package] is not a table")?;
    let metadata = package
        .entry("metadata")
        .or_insert(Item::Table(Table::new()))
        .as_table_like_mut()
        .context("[package.metadata] is not a table")?;
    if metadata.contains_key("procbox") {
        bail!("{package_name} already has [package.metadata.procbox]: port the original crate");
    }
    let mut procbox = Table::new();
    procbox.set_implicit(true);
    if !declared.capabilities.is_empty() {
        procbox.insert("capabilities", value(strings(&declared.capabilities)));
    }
    if !declared.env.is_empty() {
        procbox.insert("env", value(strings(&declared.env)));
    }
    let mut origin = Table::new();
    for (key, text) in [
        ("crate", &provenance.crate_name),
        ("version", &provenance.version),
        ("source", &provenance.source),
        ("checksum", &provenance.checksum),
        ("lockfile", &provenance.lockfile),
        ("rustc", &provenance.rustc),
        ("procbox", &provenance.procbox),
    ] {
        origin.insert(key, value(text.as_str()));
    }
    procbox.insert("provenance", Item::Table(origin));
    metadata.insert("procbox", Item::Table(procbox));

    // Its own workspace: it must not join one in a directory above it. An
    // SDK reached through a directory inside it (a link to the procbox tree)
    // is not a member: it belongs to the tree's workspace.
    let workspace = doc
        .entry("workspace")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .context("[workspace] is not a table")?;
    if let Some(Component::Normal(inside)) = sdk.components().next().filter(|_| sdk.is_relative()) {
        let excluded = workspace
            .entry("exclude")
            .or_insert(value(Array::new()))
            .as_array_mut()
            .context("[workspace] exclude is not an array")?;
        excluded.push(inside.to_string_lossy().as_ref());
    }
    Ok((doc.to_string(), lib_name))
}

/// `[patch.crates-io] proc-macro2 = { path = … }`: the `syn` and `quote` a
/// port builds with use procbox's `proc-macro2`, which answers span
/// questions as rustc does (see `guest-sdk/proc-macro2`).
fn patch_proc_macro2(doc: &mut DocumentMut, package_name: &str, path: &Path) -> anyhow::Result<()> {
    let patches = doc
        .entry("patch")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_like_mut()
        .context("[patch] is not a table")?
        .entry("crates-io")
        .or_insert_with(|| Item::Table(Table::new()))
        .as_table_like_mut()
        .context("[patch.crates-io] is not a table")?;
    if patches.contains_key("proc-macro2") {
        bail!(
            "{package_name} patches `proc-macro2` itself ([patch.crates-io]), and a port needs \
             procbox's: remove that patch from the copy you port"
        );
    }
    let mut patch = toml_edit::InlineTable::new();
    patch.insert("path", path.display().to_string().into());
    patches.insert("proc-macro2", value(patch));
    Ok(())
}

fn strings(items: &[String]) -> Array {
    items.iter().map(String::as_str).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PUBLISHED: &str = r#"# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO
[package]
edition = "2021"
name = "my-derive"
version = "1.2.3"

[lib]
name = "my_derive"
path = "src/lib.rs"
proc-macro = true

[[test]]
name = "t"
path = "tests/t.rs"

[dependencies.syn]
version = "2"

[dev-dependencies.trybuild]
version = "1"
"#;

    fn provenance() -> Provenance {
        Provenance {
            crate_name: "my-derive".into(),
            version: "1.2.3".into(),
            source: "crates.io".into(),
            checksum: "ab".into(),
            lockfile: "cd".into(),
            rustc: "rustc 1.99.1".into(),
            procbox: "0.1.0".into(),
        }
    }

    #[test]
    fn a_proc_macro_crate_becomes_a_component_crate() {
        let declared = Declared {
            capabilities: vec!["env".into()],
            env: vec!["HOME".into()],
        };
        let (text, lib) = port(
            PUBLISHED,
            Path::new("Cargo.toml"),
            Path::new("/p/guest-sdk"),
            &declared,
            &provenance(),
            ProcMacro2::Procbox,
        )
        .expect("ports");
        assert_eq!(lib, "my_derive");
        assert!(text.starts_with("# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO\n"));
        assert!(text.contains("crate-type = [\"cdylib\"]"), "{text}");
        assert!(!text.contains("proc-macro ="), "{text}");
        assert!(
            !text.contains("trybuild") && !text.contains("[[test]]"),
            "{text}"
        );
        assert!(
            text.contains(
                "[dependencies.procbox]\npath = \"/p/guest-sdk\"\ndefault-features = false\n\
                 features = [\"allocator\"]\n"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "[patch.crates-io]\nproc-macro2 = { path = \"/p/guest-sdk/proc-macro2\" }"
            ),
            "{text}"
        );
        // What procbox-ld reads back is what was declared.
        let manifest = procbox_host::Manifest::from_cargo_toml(&text).expect("a valid manifest");
        assert_eq!(manifest.env, ["HOME"]);
        assert_eq!(manifest.provenance, Some(provenance()));
        assert!(text.contains("\n[workspace]\n"), "{text}");
    }

    #[test]
    fn an_sdk_through_a_link_inside_the_crate_is_not_a_member() {
        let (text, _) = port(
            &format!("{PUBLISHED}\n[workspace]\nmembers = [\"x\"]\n"),
            Path::new("Cargo.toml"),
            Path::new(".procbox/guest-sdk"),
            &Declared::default(),
            &provenance(),
            ProcMacro2::Procbox,
        )
        .expect("ports");
        assert!(text.contains("path = \".procbox/guest-sdk\"\n"), "{text}");
        assert!(
            text.contains("proc-macro2 = { path = \".procbox/guest-sdk/proc-macro2\" }"),
            "{text}"
        );
        assert!(
            text.contains("[workspace]\nmembers = [\"x\"]\nexclude = [\".procbox\"]\n"),
            "{text}"
        );
    }

    #[test]
    fn with_crates_io_s_proc_macro2_the_sdk_converts_and_nothing_is_patched() {
        let (text, _) = port(
            PUBLISHED,
            Path::new("Cargo.toml"),
            Path::new("/p/guest-sdk"),
            &Declared::default(),
            &provenance(),
            ProcMacro2::CratesIo,
        )
        .expect("ports");
        assert!(
            text.contains("features = [\"allocator\", \"proc-macro2\"]\n"),
            "{text}"
        );
        assert!(!text.contains("[patch"), "{text}");
    }

    #[test]
    fn what_is_not_a_proc_macro_crate_is_refused_by_name() {
        let plain = PUBLISHED.replace("proc-macro = true\n", "");
        let err = port(
            &plain,
            Path::new("x/Cargo.toml"),
            Path::new("/sdk"),
            &Declared::default(),
            &provenance(),
            ProcMacro2::Procbox,
        )
        .expect_err("not a proc macro");
        assert!(
            err.to_string()
                .contains("my-derive cannot be ported: it is not a proc-macro crate"),
            "{err}"
        );
        assert!(
            port(
                "[package",
                Path::new("x/Cargo.toml"),
                Path::new("/s"),
                &Declared::default(),
                &provenance(),
                ProcMacro2::Procbox,
            )
            .is_err()
        );
    }
}
