//! The edits `procbox sandbox` makes to the workspace's root `Cargo.toml`,
//! with `toml_edit` so the rest of the file keeps its layout and comments:
//! the `[patch.crates-io]` entry that puts a shim in place of a crate, and
//! the profile entries that build the shims' runtime optimized. Each is
//! removed again only if procbox wrote it.

use std::path::Path;

use anyhow::{Context, bail};
use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

/// The crates of the shims' runtime, which run inside rustc: cargo builds
/// a proc macro's dependencies unoptimized (in the release profile too), and
/// a replayed expansion then costs several times as much.
const RUNTIME: [&str; 2] = ["procbox-shim", "procbox-protocol"];

/// The profiles whose runtime entries procbox writes.
const PROFILES: [&str; 2] = ["dev", "release"];

pub(super) fn edit(
    path: &Path,
    edit: impl FnOnce(&mut DocumentMut) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", path.display()))?;
    edit(&mut doc).with_context(|| format!("in {}", path.display()))?;
    std::fs::write(path, doc.to_string())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `[patch.crates-io] name = { path = "procbox/name" }`.
pub(super) fn add_patch(doc: &mut DocumentMut, name: &str, path: &str) -> anyhow::Result<()> {
    let patch = doc
        .entry("patch")
        .or_insert_with(|| {
            let mut table = Table::new();
            table.set_implicit(true);
            Item::Table(table)
        })
        .as_table_like_mut()
        .context("`patch` is not a table")?;
    let registry = patch
        .entry("crates-io")
        .or_insert(Item::Table(Table::new()))
        .as_table_like_mut()
        .context("[patch.crates-io] is not a table")?;
    if let Some(existing) = registry.get(name) {
        let ours = existing.get("path").and_then(Item::as_str) == Some(path);
        if !ours {
            bail!(
                "[patch.crates-io] already patches {name} ({}): remove that entry first",
                existing.to_string().trim()
            );
        }
    }
    let mut entry = InlineTable::new();
    entry.insert("path", path.into());
    registry.insert(name, value(entry));
    Ok(())
}

/// Removes the entry [`add_patch`] made, and the tables it leaves empty;
/// refuses to remove an entry it did not make.
pub(super) fn remove_patch(
    doc: &mut DocumentMut,
    name: &str,
    path: &str,
    shim_dir: &str,
) -> anyhow::Result<()> {
    let Some(patch) = doc.get_mut("patch").and_then(Item::as_table_like_mut) else {
        bail!("there is no [patch.crates-io] entry for {name}: it is not sandboxed here");
    };
    let Some(registry) = patch.get_mut("crates-io").and_then(Item::as_table_like_mut) else {
        bail!("there is no [patch.crates-io] entry for {name}: it is not sandboxed here");
    };
    match registry.get(name) {
        None => bail!("there is no [patch.crates-io] entry for {name}: it is not sandboxed here"),
        Some(entry) if entry.get("path").and_then(Item::as_str) != Some(path) => bail!(
            "[patch.crates-io] {name} is not procbox's ({}): left as it is",
            entry.to_string().trim()
        ),
        Some(_) => {}
    }
    registry.remove(name);
    if registry.is_empty() {
        patch.remove("crates-io");
    }
    if patch.is_empty() {
        doc.remove("patch");
    }
    // The runtime's profile entries go with the last shim.
    let shims_left = doc
        .get("patch")
        .and_then(|p| p.get("crates-io"))
        .and_then(Item::as_table_like)
        .is_some_and(|registry| {
            registry.iter().any(|(_, entry)| {
                entry
                    .get("path")
                    .and_then(Item::as_str)
                    .is_some_and(|p| p.starts_with(&format!("{shim_dir}/")))
            })
        });
    if !shims_left {
        unoptimize_runtime(doc);
    }
    Ok(())
}

/// `[profile.<dev|release>.package.<runtime crate>] opt-level = 3`, where
/// the workspace says nothing of those crates yet.
pub(super) fn optimize_runtime(doc: &mut DocumentMut) {
    for profile in PROFILES {
        for krate in RUNTIME {
            let Some(packages) = package_table(doc, profile) else {
                continue;
            };
            if packages.contains_key(krate) {
                continue;
            }
            let mut table = Table::new();
            table.insert("opt-level", value(3));
            packages.insert(krate, Item::Table(table));
        }
    }
}

/// Removes what [`optimize_runtime`] wrote: entries that say exactly
/// `opt-level = 3`, and the tables they leave empty.
fn unoptimize_runtime(doc: &mut DocumentMut) {
    for profile in PROFILES {
        let Some(profiles) = doc.get_mut("profile").and_then(Item::as_table_like_mut) else {
            return;
        };
        let Some(this) = profiles.get_mut(profile).and_then(Item::as_table_like_mut) else {
            continue;
        };
        if let Some(packages) = this.get_mut("package").and_then(Item::as_table_like_mut) {
            for krate in RUNTIME {
                let ours = packages
                    .get(krate)
                    .and_then(Item::as_table_like)
                    .is_some_and(|t| {
                        t.len() == 1 && t.get("opt-level").and_then(Item::as_integer) == Some(3)
                    });
                if ours {
                    packages.remove(krate);
                }
            }
            if packages.is_empty() {
                this.remove("package");
            }
        }
        if this.is_empty() {
            profiles.remove(profile);
        }
        if profiles.is_empty() {
            doc.remove("profile");
        }
    }
}

/// `[profile.<profile>.package]`, made (as implicit tables) if missing;
/// `None` if the file has something else there.
fn package_table<'a>(
    doc: &'a mut DocumentMut,
    profile: &str,
) -> Option<&'a mut dyn toml_edit::TableLike> {
    let implicit = || {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    };
    doc.entry("profile")
        .or_insert_with(implicit)
        .as_table_like_mut()?
        .entry(profile)
        .or_insert_with(implicit)
        .as_table_like_mut()?
        .entry("package")
        .or_insert_with(implicit)
        .as_table_like_mut()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_is_added_and_removed_and_nothing_else_changes() {
        let text = "[workspace]\nmembers = [\"app\"]  # the app\n";
        let mut doc: DocumentMut = text.parse().expect("toml");
        add_patch(&mut doc, "serde_derive", "procbox/serde_derive").expect("adds");
        add_patch(&mut doc, "serde_derive", "procbox/serde_derive").expect("again");
        let patched = doc.to_string();
        assert!(
            patched.ends_with(
                "\n[patch.crates-io]\nserde_derive = { path = \"procbox/serde_derive\" }\n"
            ),
            "{patched}"
        );
        remove_patch(&mut doc, "serde_derive", "procbox/serde_derive", "procbox").expect("removes");
        assert_eq!(doc.to_string(), text);
        assert!(remove_patch(&mut doc, "serde_derive", "procbox/serde_derive", "procbox").is_err());
    }

    #[test]
    fn a_patch_that_is_not_procbox_s_is_left_alone() {
        let text = "[patch.crates-io]\nserde_derive = { git = \"https://example.com/fork\" }\n";
        let mut doc: DocumentMut = text.parse().expect("toml");
        let err = add_patch(&mut doc, "serde_derive", "procbox/serde_derive").expect_err("theirs");
        assert!(
            err.to_string().contains("already patches serde_derive"),
            "{err}"
        );
        let err = remove_patch(&mut doc, "serde_derive", "procbox/serde_derive", "procbox")
            .expect_err("theirs");
        assert!(err.to_string().contains("not procbox's"), "{err}");
        assert_eq!(doc.to_string(), text);
    }

    #[test]
    fn the_runtime_is_optimized_while_a_shim_is_there_and_the_user_s_profiles_are_kept() {
        let text = "[workspace]\n\n[profile.release.package.procbox-shim]\nopt-level = 1\n";
        let mut doc: DocumentMut = text.parse().expect("toml");
        for name in ["a", "b"] {
            add_patch(&mut doc, name, &format!("procbox/{name}")).expect("adds");
            optimize_runtime(&mut doc);
        }
        let optimized = doc.to_string();
        assert!(
            optimized.contains("[profile.dev.package.procbox-shim]\nopt-level = 3\n")
                && optimized.contains("[profile.dev.package.procbox-protocol]\nopt-level = 3\n")
                && optimized
                    .contains("[profile.release.package.procbox-protocol]\nopt-level = 3\n"),
            "{optimized}"
        );
        // The user's own setting stays as it was.
        assert!(
            optimized.contains("[profile.release.package.procbox-shim]\nopt-level = 1\n"),
            "{optimized}"
        );
        remove_patch(&mut doc, "a", "procbox/a", "procbox").expect("removes");
        assert!(doc.to_string().contains("opt-level = 3"), "{doc}");
        remove_patch(&mut doc, "b", "procbox/b", "procbox").expect("removes");
        assert_eq!(doc.to_string(), text);
    }
}
