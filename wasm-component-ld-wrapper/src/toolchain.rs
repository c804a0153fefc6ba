//! Finding the toolchain's own `wasm-component-ld`.

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// `$PROCBOX_WASM_COMPONENT_LD`, else the one shipped with the active
/// toolchain (`$(rustc --print sysroot)/lib/rustlib/<host>/bin/wasm-component-ld`).
pub(crate) fn wasm_component_ld() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PROCBOX_WASM_COMPONENT_LD").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let output = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .context("cannot run `rustc --print sysroot` to find wasm-component-ld; set PROCBOX_WASM_COMPONENT_LD")?;
    let sysroot = PathBuf::from(String::from_utf8_lossy(&output.stdout).trim());
    let rustlib = sysroot.join("lib").join("rustlib");
    let entries = std::fs::read_dir(&rustlib)
        .with_context(|| format!("cannot list {}", rustlib.display()))?;
    for entry in entries.flatten() {
        let candidate = entry
            .path()
            .join("bin")
            .join(format!("wasm-component-ld{}", std::env::consts::EXE_SUFFIX));
        if candidate.is_file() {
            return Ok(candidate);
        }
    }
    bail!(
        "no wasm-component-ld under {}; install the target with `rustup target add wasm32-wasip2`, \
         or set PROCBOX_WASM_COMPONENT_LD",
        rustlib.display()
    )
}
