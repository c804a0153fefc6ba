//! What a component is, as `procbox inspect` shows it and `review` and the
//! approvals compare it.

use std::path::Path;
use std::process::ExitCode;

use procbox_host::{Capability, MacroComponent, Manifest, Provenance};
use serde::Serialize;

use crate::load::Loader;

/// A component's public face.
#[derive(Clone, Debug, Serialize)]
pub struct Description {
    /// The file it was read from.
    pub file: String,
    /// Size in bytes.
    pub size: usize,
    /// SHA-256 of its bytes, lowercase hex.
    pub sha256: String,
    /// Its macros, sorted by name.
    pub macros: Vec<MacroEntry>,
    /// Declared capabilities, in the form approvals use (see [`capabilities`]).
    pub capabilities: Vec<String>,
    /// The component's WIT imports.
    pub imports: Vec<String>,
    /// The component's WIT exports.
    pub exports: Vec<String>,
    /// What `procbox port` built it from, if it did.
    pub provenance: Option<Provenance>,
}

/// One macro.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct MacroEntry {
    /// The name at use sites.
    pub name: String,
    /// `derive`, `attribute` or `function-like`.
    pub kind: String,
    /// A derive's helper attributes.
    pub helper_attributes: Vec<String>,
}

impl Description {
    /// Describes a loaded component read from `file`.
    pub fn of(file: &Path, component: &MacroComponent) -> Description {
        Description {
            file: file.display().to_string(),
            size: component.size(),
            sha256: component.hash().to_owned(),
            macros: component
                .macros()
                .iter()
                .map(|m| MacroEntry {
                    name: m.name.clone(),
                    kind: m.kind.to_string(),
                    helper_attributes: m.helper_attributes.clone(),
                })
                .collect(),
            capabilities: capabilities(component.manifest()),
            imports: component.imports().to_vec(),
            exports: component.exports().to_vec(),
            provenance: component.manifest().and_then(|m| m.provenance.clone()),
        }
    }
}

/// The declared capabilities as strings, one per thing a reviewer approves:
/// `random-seed`, `fs-read`, and `env:NAME` for each variable `env` exposes.
pub fn capabilities(manifest: Option<&Manifest>) -> Vec<String> {
    let Some(manifest) = manifest else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for capability in &manifest.capabilities {
        match capability {
            Capability::Env if !manifest.env.is_empty() => {
                out.extend(manifest.env.iter().map(|name| format!("env:{name}")));
            }
            other => out.push(other.name().to_owned()),
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The component's name for approvals and shims: its file stem
/// (`json_derive` for `target/.../json_derive.wasm`).
pub fn component_name(file: &Path) -> anyhow::Result<String> {
    file.file_stem()
        .and_then(|stem| stem.to_str())
        .filter(|stem| !stem.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("{} has no usable file name", file.display()))
}

/// `procbox inspect`.
pub fn inspect(loader: &Loader, file: &Path, json: bool) -> anyhow::Result<ExitCode> {
    let component = loader.load(file)?;
    let description = Description::of(file, &component);
    if json {
        println!("{}", serde_json::to_string_pretty(&description)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", description.file);
    println!("  size:   {} bytes", description.size);
    println!("  sha256: {}", description.sha256);
    println!("macros:");
    if description.macros.is_empty() {
        println!("  (none)");
    }
    for m in &description.macros {
        match m.helper_attributes.as_slice() {
            [] => println!("  {:<14} {}", m.kind, m.name),
            helpers => println!(
                "  {:<14} {} (helper attributes: {})",
                m.kind,
                m.name,
                helpers.join(", ")
            ),
        }
    }
    println!("capabilities:");
    if description.capabilities.is_empty() {
        println!("  (none: it can compute on its input and nothing else)");
    }
    for capability in &description.capabilities {
        println!("  {capability}");
    }
    if let Some(p) = &description.provenance {
        println!("built from:");
        println!(
            "  {} {} from {} (sha256 {})",
            p.crate_name, p.version, p.source, p.checksum
        );
        println!(
            "  with Cargo.lock sha256 {}, {}, procbox {}",
            p.lockfile, p.rustc, p.procbox
        );
        if p.source == "crates.io" {
            println!(
                "  to check it: `procbox port {}@{}` with that procbox and toolchain gives the same sha256",
                p.crate_name, p.version
            );
        }
    }
    println!("imports:");
    for import in &description.imports {
        println!("  {import}");
    }
    println!("exports:");
    for export in &description.exports {
        println!("  {export}");
    }
    Ok(ExitCode::SUCCESS)
}
