//! Where a port's source comes from: a crate as published on crates.io,
//! which cargo downloads (and checks against the index's checksum), or a
//! local directory.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use super::toolchain::Toolchain;

/// The source of a port.
#[derive(Debug)]
pub struct Source {
    /// The crate's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its directory (cargo's unpacked copy, or the one given).
    pub dir: PathBuf,
    /// `crates.io` or `path`.
    pub kind: &'static str,
    /// SHA-256: of the `.crate` file (as the registry's index records it),
    /// or of the directory's files ([`tree_checksum`]).
    pub checksum: String,
}

/// A crate as `cargo` resolves `name = "=version"` (the newest version
/// without one): cargo downloads it through the registry and checks it.
/// `probe` is a scratch directory for the crate that depends on it.
pub fn published(
    toolchain: &Toolchain,
    name: &str,
    version: Option<&str>,
    probe: &Path,
) -> anyhow::Result<Source> {
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid_name {
        bail!("`{name}` is not a crate name: use letters, digits, `-` and `_`");
    }
    let requirement = version.map_or("*".to_owned(), |v| format!("={v}"));
    let _ = std::fs::remove_dir_all(probe);
    std::fs::create_dir_all(probe).with_context(|| format!("cannot create {}", probe.display()))?;
    let manifest = format!(
        "[package]\nname = \"procbox-port-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[lib]\npath = \"lib.rs\"\n\n[dependencies]\n{name} = {:?}\n\n[workspace]\n",
        requirement
    );
    std::fs::write(probe.join("Cargo.toml"), manifest)
        .with_context(|| format!("cannot write in {}", probe.display()))?;
    std::fs::write(probe.join("lib.rs"), "")
        .with_context(|| format!("cannot write in {}", probe.display()))?;
    let output = toolchain
        .cargo()
        .current_dir(probe)
        .args(["metadata", "--format-version", "1"])
        .output()
        .with_context(|| format!("cannot run {}", toolchain.cargo_path().display()))?;
    if !output.status.success() {
        bail!(
            "cargo cannot get {name} {}: {}",
            version.unwrap_or("(newest)"),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).context("cargo metadata printed no JSON")?;
    let package = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name && p["source"].as_str().is_some())
        .with_context(|| format!("cargo metadata does not list {name}"))?;
    let version = package["version"]
        .as_str()
        .context("cargo metadata gives no version")?
        .to_owned();
    let manifest_path = package["manifest_path"]
        .as_str()
        .context("cargo metadata gives no manifest path")?;
    let dir = Path::new(manifest_path)
        .parent()
        .context("a manifest path has a directory")?
        .to_owned();

    // The checksum cargo checked the download against, from the lockfile.
    let lock = std::fs::read_to_string(probe.join("Cargo.lock"))
        .context("cargo metadata wrote no Cargo.lock")?;
    let lock: toml::Table = lock.parse().context("Cargo.lock is not TOML")?;
    let checksum = lock
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .find(|p| {
            p.get("name").and_then(|n| n.as_str()) == Some(name)
                && p.get("version").and_then(|v| v.as_str()) == Some(version.as_str())
        })
        .and_then(|p| p.get("checksum"))
        .and_then(|c| c.as_str())
        .with_context(|| format!("Cargo.lock has no checksum for {name} {version}"))?
        .to_owned();
    let source = package["source"].as_str().unwrap_or_default();
    let kind = if source.contains("crates.io-index") {
        "crates.io"
    } else {
        "registry"
    };
    Ok(Source {
        name: name.to_owned(),
        version,
        dir,
        kind,
        checksum,
    })
}

/// A crate in a local directory.
pub fn local(dir: &Path) -> anyhow::Result<Source> {
    let manifest = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest).with_context(|| {
        format!(
            "cannot read {}: is it a crate's directory?",
            manifest.display()
        )
    })?;
    let doc: toml::Table = text
        .parse()
        .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
    let field = |key: &str| {
        doc.get("package")
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    let name = field("name").with_context(|| {
        format!(
            "{} has no [package] name (a workspace's root? give the macro crate's directory)",
            manifest.display()
        )
    })?;
    let version = field("version").unwrap_or_else(|| "0.0.0".to_owned());
    Ok(Source {
        name,
        version,
        dir: dir.to_owned(),
        kind: "path",
        checksum: tree_checksum(dir)?,
    })
}

/// Names a copy leaves out: build output and version control.
fn skipped(name: &str) -> bool {
    matches!(name, "target" | ".git" | ".cargo-ok" | "Cargo.lock")
}

/// SHA-256 over the crate's files, in path order: for each, its path
/// relative to `dir` (with `/`), a zero byte, its length and its bytes.
pub fn tree_checksum(dir: &Path) -> anyhow::Result<String> {
    let mut files = Vec::new();
    list_files(dir, Path::new(""), &mut files)?;
    files.sort();
    let mut hasher = Sha256::new();
    for relative in files {
        let bytes = std::fs::read(dir.join(&relative))
            .with_context(|| format!("cannot read {}", dir.join(&relative).display()))?;
        let name = relative
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

fn list_files(root: &Path, relative: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let dir = root.join(relative);
    for entry in
        std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))?
    {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name();
        if skipped(&name.to_string_lossy()) {
            continue;
        }
        let path = relative.join(&name);
        let kind = entry
            .file_type()
            .with_context(|| format!("cannot read {}", entry.path().display()))?;
        if kind.is_dir() {
            list_files(root, &path, out)?;
        } else if kind.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// Copies the crate in `from` to `to` (which must not exist), without build
/// output or version control.
pub fn copy(from: &Path, to: &Path) -> anyhow::Result<()> {
    let mut files = Vec::new();
    list_files(from, Path::new(""), &mut files)?;
    for relative in files {
        let target = to.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::copy(from.join(&relative), &target).with_context(|| {
            format!(
                "cannot copy {} to {}",
                from.join(&relative).display(),
                target.display()
            )
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_name_is_checked_before_cargo_sees_it() {
        let toolchain = Toolchain::pinned_by(Path::new("."));
        let probe = tempfile::tempdir().expect("tempdir");
        let err = published(&toolchain, "a = \"1\"\n[x", None, probe.path()).expect_err("bad name");
        assert!(err.to_string().contains("is not a crate name"), "{err}");
        assert!(!probe.path().join("Cargo.toml").exists());
    }

    #[test]
    fn the_tree_checksum_sees_names_and_contents_not_build_output() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("src")).expect("mkdir");
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"m\"\n").expect("write");
        std::fs::write(dir.path().join("src/lib.rs"), "fn f() {}").expect("write");
        let first = tree_checksum(dir.path()).expect("sums");
        std::fs::create_dir_all(dir.path().join("target")).expect("mkdir");
        std::fs::write(dir.path().join("target/junk"), "x").expect("write");
        assert_eq!(tree_checksum(dir.path()).expect("sums"), first);
        std::fs::write(dir.path().join("src/lib.rs"), "fn g() {}").expect("write");
        assert_ne!(tree_checksum(dir.path()).expect("sums"), first);
        let source = local(dir.path()).expect("a crate");
        assert_eq!((source.name.as_str(), source.kind), ("m", "path"));
        assert!(local(&dir.path().join("src")).is_err());
    }
}
