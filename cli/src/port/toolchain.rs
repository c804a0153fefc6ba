//! The toolchain a port builds with: the one the procbox tree pins in its
//! `rust-toolchain.toml` (the SDK needs it, and a rebuild that compares
//! hashes needs the same one), unless `RUSTUP_TOOLCHAIN` names another.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

/// `cargo` and `rustc`, on one toolchain.
pub struct Toolchain {
    cargo: PathBuf,
    rustc: PathBuf,
    /// The rustup toolchain to select, if procbox selects one.
    channel: Option<String>,
}

impl Toolchain {
    /// The toolchain `tree`'s `rust-toolchain.toml` pins; `cargo` and
    /// `rustc` as `CARGO` and `RUSTC` name them (cargo sets them for the
    /// processes it runs), else from `PATH`.
    pub fn pinned_by(tree: &Path) -> Toolchain {
        let channel = std::env::var_os("RUSTUP_TOOLCHAIN")
            .is_none()
            .then(|| std::fs::read_to_string(tree.join("rust-toolchain.toml")).ok())
            .flatten()
            .and_then(|text| text.parse::<toml::Table>().ok())
            .and_then(|doc| {
                doc.get("toolchain")?
                    .get("channel")?
                    .as_str()
                    .map(str::to_owned)
            });
        let tool = |variable: &str, name: &str| {
            std::env::var_os(variable).map_or_else(|| PathBuf::from(name), PathBuf::from)
        };
        Toolchain {
            cargo: tool("CARGO", "cargo"),
            rustc: tool("RUSTC", "rustc"),
            channel,
        }
    }

    /// `cargo`, on this toolchain.
    pub fn cargo(&self) -> Command {
        let mut command = Command::new(&self.cargo);
        if let Some(channel) = &self.channel {
            command.env("RUSTUP_TOOLCHAIN", channel);
        }
        command
    }

    /// What `cargo` is, for messages.
    pub fn cargo_path(&self) -> &Path {
        &self.cargo
    }

    /// `rustc --version`, as run in `dir`.
    pub fn rustc_version(&self, dir: &Path) -> anyhow::Result<String> {
        let mut command = Command::new(&self.rustc);
        if let Some(channel) = &self.channel {
            command.env("RUSTUP_TOOLCHAIN", channel);
        }
        let output = command
            .current_dir(dir)
            .arg("--version")
            .output()
            .with_context(|| format!("cannot run {}", self.rustc.display()))?;
        if !output.status.success() {
            bail!(
                "{} --version failed: {}",
                self.rustc.display(),
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    }
}
