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

mod workspace;

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
    workspace::edit(&manifest, |doc| {
        workspace::add_patch(doc, name, &relative)?;
        workspace::optimize_runtime(doc);
        Ok(())
    })?;

    for warning in &ported.warnings {
        eprintln!("warning: {warning}");
    }
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
    println!(
        "the shims' runtime (procbox-shim, procbox-protocol) builds optimized: \
         [profile.dev.package.*] and [profile.release.package.*] in {} say so, as cargo would \
         otherwise build it unoptimized inside rustc",
        manifest.display()
    );
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
    workspace::edit(&manifest, |doc| {
        workspace::remove_patch(doc, name, &relative, SHIM_DIR)?;
        Ok(())
    })?;
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
