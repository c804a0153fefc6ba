//! `procbox-ld`: use as the linker of a procbox macro crate,
//!
//! ```toml
//! # .cargo/config.toml
//! [target.wasm32-wasip2]
//! linker = "procbox-ld"
//! ```
//!
//! It reads the macro's manifest from `$CARGO_MANIFEST_DIR/Cargo.toml` and
//! refuses to link when it is malformed. See the `procbox_ld` library.

use std::path::PathBuf;
use std::process::ExitCode;

use procbox_ld::Manifest;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let manifest = match read_manifest() {
        Ok(manifest) => manifest,
        Err(message) => {
            eprintln!("procbox-ld: error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match procbox_ld::link(&args, &manifest) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("procbox-ld: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The manifest of the crate being linked (cargo tells the linker which one
/// through `CARGO_MANIFEST_DIR`); none outside cargo.
fn read_manifest() -> Result<Manifest, String> {
    let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return Ok(Manifest::none());
    };
    let path = PathBuf::from(dir).join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Manifest::from_cargo_toml(&text)
        .map_err(|e| format!("{}: [package.metadata.procbox]: {e}", path.display()))
}
