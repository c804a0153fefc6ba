//! Which build scripts in a port's build use `proc-macro2`, from the
//! resolution `cargo metadata` reports.
//!
//! procbox's `proc-macro2`, patched in for the whole build, is made of
//! rustc's `proc_macro` natively, which only works inside a proc macro; a
//! build script runs outside one, so a port whose build scripts use
//! `proc-macro2` builds with crates.io's instead (see `port`).

use std::collections::{BTreeSet, HashMap};

use anyhow::Context;
use serde::Deserialize;

/// `cargo metadata --format-version 1`, the parts read here.
#[derive(Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    resolve: Option<Resolve>,
}

#[derive(Deserialize)]
struct Package {
    id: String,
    name: String,
    targets: Vec<Target>,
}

#[derive(Deserialize)]
struct Target {
    kind: Vec<String>,
}

#[derive(Deserialize)]
struct Resolve {
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    id: String,
    deps: Vec<Dep>,
}

#[derive(Deserialize)]
struct Dep {
    pkg: String,
    dep_kinds: Vec<DepKind>,
}

#[derive(Deserialize)]
struct DepKind {
    /// `None` for a normal dependency, else `"build"` or `"dev"`.
    kind: Option<String>,
}

impl Dep {
    fn is(&self, kind: Option<&str>) -> bool {
        self.dep_kinds.iter().any(|k| k.kind.as_deref() == kind)
    }
}

/// The packages whose build scripts link `proc-macro2`, directly or through
/// their dependencies, in `metadata` (the JSON of `cargo metadata
/// --format-version 1`), sorted. A proc macro among a build script's
/// dependencies runs inside rustc, so what it uses does not count.
pub fn using_proc_macro2(metadata: &str) -> anyhow::Result<Vec<String>> {
    let metadata: Metadata = serde_json::from_str(metadata)
        .context("cargo metadata printed JSON procbox cannot read")?;
    let Some(resolve) = metadata.resolve else {
        return Ok(Vec::new());
    };
    let packages: HashMap<&str, &Package> = metadata
        .packages
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let nodes: HashMap<&str, &Node> = resolve.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let is_proc_macro = |id: &str| {
        packages.get(id).is_some_and(|p| {
            p.targets
                .iter()
                .any(|t| t.kind.iter().any(|k| k == "proc-macro"))
        })
    };
    let links_proc_macro2 = |build_dependency: &str| {
        let mut pending = vec![build_dependency];
        let mut seen = BTreeSet::new();
        while let Some(id) = pending.pop() {
            if !seen.insert(id) || is_proc_macro(id) {
                continue;
            }
            if packages.get(id).is_some_and(|p| p.name == "proc-macro2") {
                return true;
            }
            if let Some(node) = nodes.get(id) {
                pending.extend(
                    node.deps
                        .iter()
                        .filter(|d| d.is(None))
                        .map(|d| d.pkg.as_str()),
                );
            }
        }
        false
    };
    let mut users = BTreeSet::new();
    for node in &resolve.nodes {
        let uses = node
            .deps
            .iter()
            .filter(|d| d.is(Some("build")))
            .any(|d| links_proc_macro2(&d.pkg));
        if let Some(package) = packages.get(node.id.as_str()).filter(|_| uses) {
            users.insert(package.name.clone());
        }
    }
    Ok(users.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Metadata of packages `(name, is a proc macro)` and edges
    /// `(from, to, kind)`.
    fn metadata(packages: &[(&str, bool)], edges: &[(&str, &str, Option<&str>)]) -> String {
        let packages: Vec<_> = packages
            .iter()
            .map(|(name, proc_macro)| {
                let kind = if *proc_macro { "proc-macro" } else { "lib" };
                serde_json::json!({
                    "id": name, "name": name, "targets": [{ "kind": [kind] }]
                })
            })
            .collect();
        let nodes: Vec<_> = packages
            .iter()
            .map(|p| {
                let id = p["id"].as_str().expect("id");
                let deps: Vec<_> = edges
                    .iter()
                    .filter(|(from, _, _)| *from == id)
                    .map(|(_, to, kind)| serde_json::json!({ "pkg": to, "dep_kinds": [{ "kind": kind }] }))
                    .collect();
                serde_json::json!({ "id": id, "deps": deps })
            })
            .collect();
        serde_json::json!({ "packages": packages, "resolve": { "nodes": nodes } }).to_string()
    }

    #[test]
    fn a_build_script_that_reaches_proc_macro2_is_named() {
        let json = metadata(
            &[
                ("port", false),
                ("codegen", false),
                ("quote", false),
                ("proc-macro2", false),
            ],
            &[
                ("port", "quote", None),
                ("quote", "proc-macro2", None),
                ("port", "codegen", Some("build")),
                ("codegen", "quote", None),
            ],
        );
        assert_eq!(using_proc_macro2(&json).expect("reads"), ["port"]);
    }

    #[test]
    fn the_macro_s_own_use_and_proc_macros_in_build_scripts_do_not_count() {
        let json = metadata(
            &[
                ("port", false),
                ("helper", false),
                ("derive", true),
                ("syn", false),
                ("proc-macro2", false),
                ("cc", false),
            ],
            &[
                ("port", "syn", None),
                ("syn", "proc-macro2", None),
                ("port", "helper", Some("build")),
                ("helper", "derive", None),
                ("derive", "syn", None),
                ("port", "cc", Some("build")),
                ("helper", "proc-macro2", Some("dev")),
            ],
        );
        assert!(using_proc_macro2(&json).expect("reads").is_empty());
    }

    #[test]
    fn unreadable_metadata_is_an_error() {
        assert!(using_proc_macro2("{").is_err());
        assert!(
            using_proc_macro2(r#"{"packages": [], "resolve": null}"#)
                .expect("reads")
                .is_empty()
        );
    }
}
