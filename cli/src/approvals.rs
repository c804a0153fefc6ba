//! The approvals file: which capabilities a project approved for which macro
//! component, in the spirit of cargo-vet's audits. Kept in the consuming
//! project and reviewed like code; `procbox check` enforces it in CI.
//!
//! ```toml
//! [macros.enum_from_file]
//! capabilities = ["env:ENUM_FILE", "fs-read"]
//! sha256 = "9c1f…"   # the version approved (for the record; not enforced)
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::describe::{Description, component_name};
use crate::load::Loader;

/// The file `check` and `approve` use unless told otherwise (in the current
/// directory: run them in the consuming project).
pub const DEFAULT_FILE: &str = "procbox-approvals.toml";

/// The approvals file of the project `dir` is in: the nearest
/// [`DEFAULT_FILE`] in `dir` or a directory above it.
pub fn find_from(dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    dir.ancestors()
        .map(|d| d.join(DEFAULT_FILE))
        .find(|file| file.is_file())
}

const HEADER: &str = "\
# Capabilities approved for procbox macro components, by component name (the
# .wasm file's stem). `procbox approve COMPONENT.wasm` records one;
# `procbox check COMPONENT.wasm` fails when a component declares more.
";

/// The whole file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approvals {
    /// By component name.
    #[serde(default)]
    pub macros: BTreeMap<String, Approval>,
}

/// What was approved for one component.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Approved capabilities: `random-seed`, `fs-read`, `env:NAME`.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// The SHA-256 of the version approved last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl Approvals {
    /// Reads `path`; a missing file approves nothing.
    pub fn read(path: &Path) -> anyhow::Result<Approvals> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Approvals::default()),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        toml::from_str(&text).with_context(|| {
            format!(
                "{} is not a valid approvals file (expected `[macros.NAME]` tables \
                 with `capabilities = [..]`)",
                path.display()
            )
        })
    }

    /// Writes `path` atomically, so an interrupted write loses nothing.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = format!("{HEADER}\n{}", toml::to_string_pretty(self)?);
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let tmp = dir.join(format!(".procbox-approvals.{}.tmp", std::process::id()));
        std::fs::write(&tmp, text)
            .and_then(|()| std::fs::rename(&tmp, path))
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&tmp);
            })
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// The capabilities `description` (of component `name`) declares beyond
    /// its approval.
    pub fn unapproved(&self, name: &str, description: &Description) -> Vec<String> {
        let approved = self.macros.get(name).map(|a| a.capabilities.as_slice());
        description
            .capabilities
            .iter()
            .filter(|c| !approved.unwrap_or_default().contains(c))
            .cloned()
            .collect()
    }
}

/// Fails, naming each component and capability, if any component declares a
/// capability `approvals` does not approve for it.
pub fn require_approved(
    approvals_file: &Path,
    approvals: &Approvals,
    checked: &[(String, Description)],
) -> anyhow::Result<()> {
    let mut problems = Vec::new();
    for (name, description) in checked {
        for capability in approvals.unapproved(name, description) {
            problems.push(format!(
                "macro component `{name}` ({}) declares capability `{capability}`, \
                 which {} does not approve for it",
                description.file,
                approvals_file.display()
            ));
        }
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!(
        "{}\nreview the component (`procbox inspect`, `procbox review OLD NEW`), \
         then record the approval with `procbox approve COMPONENT.wasm`",
        problems.join("\n")
    )
}

/// `procbox check`.
pub fn check(
    loader: &Loader,
    files: &[impl AsRef<Path>],
    approvals_file: &Path,
) -> anyhow::Result<ExitCode> {
    let approvals = Approvals::read(approvals_file)?;
    let mut checked = Vec::new();
    for file in files {
        let file = file.as_ref();
        let component = loader.load(file)?;
        checked.push((component_name(file)?, Description::of(file, &component)));
    }
    require_approved(approvals_file, &approvals, &checked)?;
    for (name, description) in &checked {
        let what = match description.capabilities.as_slice() {
            [] => "no capabilities".to_owned(),
            caps => caps.join(", "),
        };
        println!("ok: {name} ({what})");
    }
    Ok(ExitCode::SUCCESS)
}

/// `procbox approve`.
pub fn approve(
    loader: &Loader,
    files: &[impl AsRef<Path>],
    approvals_file: &Path,
) -> anyhow::Result<ExitCode> {
    let mut approvals = Approvals::read(approvals_file)?;
    for file in files {
        let file = file.as_ref();
        let component = loader.load(file)?;
        let name = component_name(file)?;
        let description = Description::of(file, &component);
        let previous = approvals.macros.get(&name).cloned().unwrap_or_default();
        let added = approvals.unapproved(&name, &description);
        approvals.macros.insert(
            name.clone(),
            Approval {
                capabilities: description.capabilities.clone(),
                sha256: Some(description.sha256.clone()),
            },
        );
        let removed: Vec<&String> = previous
            .capabilities
            .iter()
            .filter(|c| !description.capabilities.contains(c))
            .collect();
        println!(
            "approved {name}: {}",
            match description.capabilities.as_slice() {
                [] => "no capabilities".to_owned(),
                caps => caps.join(", "),
            }
        );
        for capability in added {
            println!("  + {capability} (newly approved)");
        }
        for capability in removed {
            println!("  - {capability} (no longer declared)");
        }
    }
    approvals.write(approvals_file)?;
    let written = std::path::absolute(approvals_file).unwrap_or_else(|_| approvals_file.to_owned());
    println!("recorded in {}", written.display());
    Ok(ExitCode::SUCCESS)
}
