//! Granting, on the host: [`Grants`] (the one model, `procbox_protocol`'s)
//! resolved where the host runs, the `fs-read` directory made absolute and
//! checked, and the WASI context an expansion gets from them. Nothing is
//! granted by default.
//!
//! A macro gets a capability only if it declared it (its manifest) *and* the
//! embedder granted it: linking is declared ∩ granted. A capability
//! declared but not granted stops the expansion before the guest runs
//! ([`Error::NotGranted`](crate::Error::NotGranted)); one granted but not
//! declared is never linked.

use std::io;
use std::path::PathBuf;

use procbox_manifest::{Capability, Manifest};
use procbox_protocol::grants::{Dir, Value};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder};

pub use procbox_protocol::grants::{DEFAULT_SEED, Grants};

/// `grants` resolved in this process's environment, with the `fs-read`
/// directory made absolute and checked, so the guest sees a stable path.
pub(crate) fn resolved(grants: &Grants) -> io::Result<Grants> {
    let resolved = grants
        .resolve()
        .map_err(|reason| io::Error::new(io::ErrorKind::NotFound, reason))?;
    let Some(Dir::Path(dir)) = resolved.fs_read_grant() else {
        return Ok(resolved);
    };
    let dir: PathBuf = dir.canonicalize()?;
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotADirectory,
            "not a directory",
        ));
    }
    Ok(resolved.fs_read(dir))
}

/// The WASI context for one expansion of a macro declaring `manifest`: only
/// what is declared and granted (`grants` resolved).
pub(crate) fn wasi_ctx(grants: &Grants, manifest: &Manifest) -> io::Result<WasiCtx> {
    let mut builder = WasiCtxBuilder::new();
    // Everything deterministic, whether linked or not. The seed is the
    // granted one only for a macro that declared `random-seed`.
    let declared = |c| manifest.capabilities.contains(&c);
    let seed = match declared(Capability::RandomSeed) {
        true => grants.seed(),
        false => None,
    };
    builder.insecure_random_seed(seed.unwrap_or(DEFAULT_SEED));
    builder.allow_blocking_current_thread(true);
    if declared(Capability::Env) {
        for (name, value) in grants.env_vars() {
            if let Value::Given(value) = value
                && manifest.env.iter().any(|listed| listed == name)
            {
                builder.env(name, value);
            }
        }
    }
    if declared(Capability::FsRead)
        && let Some(Dir::Path(dir)) = grants.fs_read_grant()
    {
        let guest_path = dir.to_string_lossy();
        builder
            .preopened_dir(dir, guest_path, FsPerms::ReadOnly)
            .map_err(|e| io::Error::other(e.to_string()))?;
    }
    Ok(builder.build())
}
