//! `procbox sandbox` and `procbox unsandbox`: a crates.io macro crate that a
//! project already uses, swapped for its sandboxed port in place. The port
//! is built under `target/procbox-port/`; the shim, under the crate's own
//! name, version and features, goes in `procbox/NAME/` (committed, like a
//! lockfile); `[patch.crates-io]` in the workspace's root `Cargo.toml`
//! points cargo at it, so nothing else in the project changes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use procbox_host::protocol::grants::Grant;
use toml_edit::{DocumentMut, InlineTable, Item, Table, value};

use crate::load::Loader;
use crate::port::{self, Declare, PortArgs, toolchain::Toolchain};
use crate::shim::{self, ShimArgs};

/// Where the shims live, relative to the workspace root.
const SHIM_DIR: &str = "procbox";

/// Arguments of `procbox sandbox`.
#[derive(clap::Args)]
pub struct SandboxArgs {
    /// The macro crate, as the project depends on it (`serde_derive`); with
    /// `@VERSION` when the project has several versions of it.
    #[arg(value_name = "NAME[@VERSION]")]
    krate: String,
    /// The workspace (a directory in it) [default: the current directory].
    #[arg(long, default_value = ".", value_name = "DIR")]
    workspace: PathBuf,
    #[command(flatten)]
    declare: Declare,
    /// Grant a declared capability to the shim: see `procbox shim`.
    #[arg(long = "grant", short = 'g', value_name = "CAPABILITY")]
    grants: Vec<Grant>,
    /// `procbox-ld` [default: next to this `procbox`, else on `PATH`].
    #[arg(long, value_name = "PATH")]
    linker: Option<PathBuf>,
    /// The procbox source tree [default: the tree this binary was built from].
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/.."), hide_default_value = true)]
    procbox_path: PathBuf,
}

/// Arguments of `procbox unsandbox`.
#[derive(clap::Args)]
pub struct UnsandboxArgs {
    /// The macro crate to give back to crates.io.
    #[arg(value_name = "NAME")]
    krate: String,
    /// The workspace (a directory in it) [default: the current directory].
    #[arg(long, default_value = ".", value_name = "DIR")]
    workspace: PathBuf,
}

/// The project's view of one dependency, from `cargo metadata`.
struct Dependency {
    version: String,
    edition: String,
    features: Vec<String>,
}

/// `procbox sandbox`.
pub fn sandbox(loader: &Loader, args: &SandboxArgs) -> anyhow::Result<ExitCode> {
    let (name, version) = match args.krate.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (args.krate.as_str(), None),
    };
    let toolchain = Toolchain::pinned_by(&args.procbox_path);
    let metadata = metadata(&toolchain, &args.workspace, false)?;
    let root = workspace_root(&metadata)?;
    let dependency = find_dependency(&metadata, name, version)?;

    let port_root = root.join("target").join("procbox-port");
    let has_default = dependency.features.iter().any(|f| f == "default");
    let ported = port::port(
        &PortArgs {
            krate: Some(format!("{name}@{}", dependency.version)),
            path: None,
            features: dependency
                .features
                .iter()
                .filter(|f| *f != "default")
                .cloned()
                .collect(),
            no_default_features: !has_default,
            declare: args.declare.clone(),
            out: None,
            target_dir: Some(port_root.join("target")),
            linker: args.linker.clone(),
            procbox_path: args.procbox_path.clone(),
        },
        &port_root,
    )?;

    let shim_dir = root.join(SHIM_DIR).join(name);
    let generated = shim::generate(
        loader,
        &ShimArgs {
            component: ported.component.clone(),
            out: shim_dir.clone(),
            name: Some(name.to_owned()),
            version: dependency.version.clone(),
            edition: dependency.edition.clone(),
            features: dependency.features.clone(),
            timeout: shim::DEFAULT_TIMEOUT,
            embedded: false,
            grants: args.grants.clone(),
            approvals: None,
            procbox_path: args.procbox_path.clone(),
        },
    )?;

    let manifest = root.join("Cargo.toml");
    let relative = format!("{SHIM_DIR}/{name}");
    edit_manifest(&manifest, |doc| add_patch(doc, name, &relative))?;

    println!(
        "{name} {} is sandboxed: its port is {} ({}), the shim {}",
        dependency.version,
        ported.component.display(),
        ported.dir.join("port.diff").display(),
        generated.dir.display()
    );
    println!(
        "{} now has [patch.crates-io] {name} = {{ path = \"{relative}\" }}: `cargo build` uses it \
         with no other change; `procbox unsandbox {name}` undoes it",
        manifest.display()
    );
    println!("commit {relative}/ with the project: it holds the component it runs");
    if !ported.needs.is_empty() {
        println!(
            "its source reads these; if an expansion fails naming a capability, sandbox it again \
             with --capability (and --env NAME, --grant):"
        );
        for need in &ported.needs {
            println!("  {need}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `procbox unsandbox`.
pub fn unsandbox(args: &UnsandboxArgs) -> anyhow::Result<ExitCode> {
    let toolchain = Toolchain::pinned_by(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")));
    let metadata = metadata(&toolchain, &args.workspace, true)?;
    let root = workspace_root(&metadata)?;
    let name = args.krate.as_str();
    let relative = format!("{SHIM_DIR}/{name}");
    let manifest = root.join("Cargo.toml");
    edit_manifest(&manifest, |doc| remove_patch(doc, name, &relative))?;
    let shim_dir = root.join(SHIM_DIR).join(name);
    if shim::is_generated(&shim_dir) {
        std::fs::remove_dir_all(&shim_dir)
            .with_context(|| format!("cannot remove {}", shim_dir.display()))?;
        // The shims' directory goes with its last shim.
        let _ = std::fs::remove_dir(root.join(SHIM_DIR));
    }
    println!(
        "{name} is no longer sandboxed: {} has no patch for it, and {} is gone",
        manifest.display(),
        shim_dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn metadata(toolchain: &Toolchain, dir: &Path, no_deps: bool) -> anyhow::Result<serde_json::Value> {
    let mut command = toolchain.cargo();
    command
        .current_dir(dir)
        .args(["metadata", "--format-version", "1"]);
    if no_deps {
        command.arg("--no-deps");
    }
    let output = command
        .output()
        .with_context(|| format!("cannot run {}", toolchain.cargo_path().display()))?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed in {} (is it in a cargo project?): {}",
            dir.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")
}

fn workspace_root(metadata: &serde_json::Value) -> anyhow::Result<PathBuf> {
    metadata["workspace_root"]
        .as_str()
        .map(PathBuf::from)
        .context("cargo metadata gives no workspace root")
}

/// The registry package `name` (at `version`) the project's build uses, with
/// the features the build enables for it.
fn find_dependency(
    metadata: &serde_json::Value,
    name: &str,
    version: Option<&str>,
) -> anyhow::Result<Dependency> {
    let packages: Vec<&serde_json::Value> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name)
        .collect();
    if packages.iter().any(|p| p["source"].is_null()) {
        bail!(
            "{name} is a path package in this project (sandboxed already? `procbox unsandbox \
             {name}` first)"
        );
    }
    let candidates: Vec<&&serde_json::Value> = packages
        .iter()
        .filter(|p| version.is_none_or(|v| p["version"] == v))
        .collect();
    let package = match candidates.as_slice() {
        [one] => *one,
        [] => bail!(
            "the project does not depend on {}: sandbox a macro crate it uses (`cargo tree` \
             lists them)",
            version.map_or(name.to_owned(), |v| format!("{name} {v}"))
        ),
        several => bail!(
            "the project uses {} versions of {name} ({}): name one, as {name}@VERSION",
            several.len(),
            several
                .iter()
                .filter_map(|p| p["version"].as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let id = &package["id"];
    let features = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|node| &node["id"] == id)
        .and_then(|node| node["features"].as_array())
        .map(|features| {
            features
                .iter()
                .filter_map(|f| f.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok(Dependency {
        edition: package["edition"].as_str().unwrap_or("2021").to_owned(),
        version: package["version"]
            .as_str()
            .context("cargo metadata gives no version")?
            .to_owned(),
        features,
    })
}

fn edit_manifest(
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
fn add_patch(doc: &mut DocumentMut, name: &str, path: &str) -> anyhow::Result<()> {
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
fn remove_patch(doc: &mut DocumentMut, name: &str, path: &str) -> anyhow::Result<()> {
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
    Ok(())
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
        remove_patch(&mut doc, "serde_derive", "procbox/serde_derive").expect("removes");
        assert_eq!(doc.to_string(), text);
        assert!(remove_patch(&mut doc, "serde_derive", "procbox/serde_derive").is_err());
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
        let err =
            remove_patch(&mut doc, "serde_derive", "procbox/serde_derive").expect_err("theirs");
        assert!(err.to_string().contains("not procbox's"), "{err}");
        assert_eq!(doc.to_string(), text);
    }
}
