//! [`Grants`]: what the embedder allows macros to use. Nothing by default.
//!
//! A macro gets a capability only if it declared it (its manifest) *and* the
//! embedder granted it here: linking is declared ∩ granted. A capability
//! declared but not granted stops the expansion before the guest runs
//! ([`Error::NotGranted`](crate::Error::NotGranted)); one granted but not
//! declared is never linked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use procbox_manifest::{Capability, Manifest};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder};

pub use procbox_protocol::DEFAULT_SEED;

/// The capabilities an embedder grants, as explicit builder calls.
///
/// ```
/// use procbox_host::Grants;
///
/// let grants = Grants::new()
///     .random_seed()
///     .env("CARGO_PKG_NAME", "my-crate");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Grants {
    seed: Option<u128>,
    fs_read: Option<FsReadDir>,
    env: BTreeMap<String, String>,
}

/// The directory granted to `fs-read`.
#[derive(Clone, Debug, PartialEq, Eq)]
enum FsReadDir {
    /// This one.
    Path(PathBuf),
    /// `CARGO_MANIFEST_DIR` when the grants are applied.
    ManifestDir,
}

impl Grants {
    /// Grants nothing.
    pub fn new() -> Grants {
        Grants::default()
    }

    /// Grants `random-seed` with the fixed [`DEFAULT_SEED`].
    pub fn random_seed(self) -> Grants {
        self.random_seed_value(DEFAULT_SEED)
    }

    /// Grants `random-seed` with the given seed.
    pub fn random_seed_value(mut self, seed: u128) -> Grants {
        self.seed = Some(seed);
        self
    }

    /// Grants `fs-read` on `dir` (read-only, nothing outside it), mounted in
    /// the guest at its own absolute path, so paths built from
    /// `CARGO_MANIFEST_DIR` work unchanged. The directory is resolved when the
    /// grants are applied ([`MacroComponent::with_grants`](crate::MacroComponent::with_grants)).
    pub fn fs_read(mut self, dir: impl Into<PathBuf>) -> Grants {
        self.fs_read = Some(FsReadDir::Path(dir.into()));
        self
    }

    /// Grants `fs-read` on the consuming crate's directory, the usual choice:
    /// `CARGO_MANIFEST_DIR` when the grants are applied (cargo sets it for
    /// the rustc that runs a proc macro, and for build scripts and tests).
    pub fn fs_read_manifest_dir(mut self) -> Grants {
        self.fs_read = Some(FsReadDir::ManifestDir);
        self
    }

    /// Grants `env` for `name` with `value`. Only the variables a macro's
    /// manifest lists are ever visible to it.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Grants {
        self.env.insert(name.into(), value.into());
        self
    }

    /// Whether `capability` is granted.
    pub fn grants(&self, capability: Capability) -> bool {
        match capability {
            Capability::RandomSeed => self.seed.is_some(),
            Capability::FsRead => self.fs_read.is_some(),
            Capability::Env => !self.env.is_empty(),
        }
    }

    /// The directory granted to `fs-read`, if any (`$CARGO_MANIFEST_DIR`
    /// until resolved, for [`fs_read_manifest_dir`](Self::fs_read_manifest_dir)).
    pub fn fs_read_dir(&self) -> Option<&Path> {
        match &self.fs_read {
            Some(FsReadDir::Path(path)) => Some(path),
            Some(FsReadDir::ManifestDir) => Some(Path::new("$CARGO_MANIFEST_DIR")),
            None => None,
        }
    }

    /// The same grants with the `fs-read` directory made absolute and
    /// checked, so the guest sees a stable path.
    pub(crate) fn resolved(&self) -> std::io::Result<Grants> {
        let mut resolved = self.clone();
        let dir = match &self.fs_read {
            None => return Ok(resolved),
            Some(FsReadDir::Path(dir)) => dir.clone(),
            Some(FsReadDir::ManifestDir) => std::env::var_os("CARGO_MANIFEST_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    std::io::Error::new(
                        std::io::ErrorKind::NotFound,
                        "CARGO_MANIFEST_DIR is not set: expand from a cargo build, \
                         or grant a directory with Grants::fs_read",
                    )
                })?,
        };
        let dir = dir.canonicalize()?;
        if !dir.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                "not a directory",
            ));
        }
        resolved.fs_read = Some(FsReadDir::Path(dir));
        Ok(resolved)
    }

    /// The WASI context for one expansion of a macro declaring `manifest`:
    /// only what is declared and granted.
    pub(crate) fn wasi_ctx(&self, manifest: &Manifest) -> std::io::Result<WasiCtx> {
        let mut builder = WasiCtxBuilder::new();
        // Everything deterministic, whether linked or not.
        builder.insecure_random_seed(self.seed.unwrap_or(DEFAULT_SEED));
        builder.allow_blocking_current_thread(true);
        let declared = |c| manifest.capabilities.contains(&c);
        if declared(Capability::Env) {
            for name in &manifest.env {
                if let Some(value) = self.env.get(name) {
                    builder.env(name, value);
                }
            }
        }
        if declared(Capability::FsRead)
            && let Some(FsReadDir::Path(dir)) = &self.fs_read
        {
            let guest_path = dir.to_string_lossy();
            builder
                .preopened_dir(dir, guest_path, FsPerms::ReadOnly)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
        }
        Ok(builder.build())
    }
}
