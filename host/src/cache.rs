//! The precompiled-artifact cache: compiled components (`.cwasm`) stored by
//! content hash, so a component is compiled once per machine and engine.
//!
//! A file is named by the SHA-256 of the component's bytes and the engine's
//! precompile-compatibility hash. Deserializing an artifact is `unsafe` (it is
//! native code), so before that the file's own header is checked: magic,
//! format version, the artifact's length and its CRC-32. A corrupt, truncated
//! or foreign file fails the check and is recompiled and replaced, never
//! loaded.
//!
//! The checksum is there to catch accidents (a disk error, a copy cut short,
//! another program's file), not an attacker: someone who can write the cache
//! directory can also write a matching checksum, however strong, so the cache
//! is as trusted as the directory, which is the user's own. For accidents a
//! length and a CRC-32 are what archive and image formats (zip, gzip, PNG)
//! rely on, and the CRC is computed twenty times faster than the SHA-256 it
//! replaced: the check is paid on every load, in every rustc process that
//! runs a shim, and the artifact of a component compiled without signal
//! handlers (the shim's) is about 8 MB.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Engine, Precompiled};

const MAGIC: &[u8; 8] = b"PBXCWASM";
/// The header's layout: 1 had a SHA-256 of the artifact where 2 has its
/// length and CRC-32.
const FORMAT: u32 = 2;
/// Magic, format, artifact length (`u64`), artifact CRC-32 (`u32`), all
/// little-endian.
const HEADER_LEN: usize = MAGIC.len() + 4 + 8 + 4;

/// How a component's compiled code was obtained.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CacheOutcome {
    /// The host has no cache directory: compiled in memory.
    Disabled,
    /// Loaded from this cache file without compiling.
    Hit(PathBuf),
    /// Compiled, then stored at `path`.
    Compiled {
        /// The cache file.
        path: PathBuf,
        /// Why an existing file there was not used (corrupt, foreign, ...).
        rejected: Option<String>,
        /// Why storing failed, if it did (the component still works).
        store_error: Option<String>,
    },
}

/// A cache directory.
pub(crate) struct ArtifactCache {
    dir: PathBuf,
}

impl ArtifactCache {
    pub(crate) fn new(dir: PathBuf) -> ArtifactCache {
        ArtifactCache { dir }
    }

    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// The compiled component for `wasm` (whose SHA-256 is `wasm_hash`), from
    /// the cache or freshly compiled and stored.
    /// The cache file for a component whose SHA-256 is `wasm_hash`.
    fn path(&self, engine: &Engine, wasm_hash: &str) -> PathBuf {
        self.dir
            .join(format!("{wasm_hash}-{}.cwasm", engine_hash(engine)))
    }

    /// Whether a cache file exists for the component (not whether it is
    /// valid: that is checked when it is loaded).
    pub(crate) fn contains(&self, engine: &Engine, wasm_hash: &str) -> bool {
        self.path(engine, wasm_hash).is_file()
    }

    pub(crate) fn load_or_compile(
        &self,
        engine: &Engine,
        wasm: &[u8],
        wasm_hash: &str,
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let path = self.path(engine, wasm_hash);
        let rejected = match fs::read(&path) {
            Ok(file) => match load(engine, &file) {
                Ok(component) => return Ok((component, CacheOutcome::Hit(path))),
                Err(reason) => Some(reason),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(format!("cannot read it: {e}")),
        };
        let artifact = engine.precompile_component(wasm)?;
        // SAFETY: the bytes were produced by this engine just above.
        let component = unsafe { Component::deserialize(engine, &artifact)? };
        let store_error = store(&path, &artifact).err().map(|e| e.to_string());
        let outcome = CacheOutcome::Compiled {
            path,
            rejected,
            store_error,
        };
        Ok((component, outcome))
    }
}

/// The engine's precompile-compatibility hash as hex: artifacts of another
/// wasmtime version or configuration get another file name.
fn engine_hash(engine: &Engine) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Checks a cache file and deserializes its artifact.
fn load(engine: &Engine, file: &[u8]) -> Result<Component, String> {
    if file.len() < HEADER_LEN || &file[..MAGIC.len()] != MAGIC {
        return Err("not a procbox cache file".into());
    }
    let (header, artifact) = file.split_at(HEADER_LEN);
    let (format, rest) = header[MAGIC.len()..].split_at(4);
    let (length, crc) = rest.split_at(8);
    if format != FORMAT.to_le_bytes() {
        return Err("written by another version of procbox".into());
    }
    if length != (artifact.len() as u64).to_le_bytes() {
        return Err("its length does not match (truncated or extended)".into());
    }
    if crc != crc32fast::hash(artifact).to_le_bytes() {
        return Err("its checksum does not match (corrupt)".into());
    }
    if Engine::detect_precompiled(artifact) != Some(Precompiled::Component) {
        return Err("not a compiled component".into());
    }
    // SAFETY: the artifact is what `store` wrote after this engine's
    // `precompile_component` (its length and CRC-32 checked above), and
    // wasmtime checks its version and configuration against the engine.
    unsafe { Component::deserialize(engine, artifact) }
        .map_err(|e| format!("wasmtime refused it: {e}"))
}

/// Writes a cache file atomically: a reader sees the old file or the whole
/// new one, never a partial one.
fn store(path: &Path, artifact: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("artifact"),
        std::process::id()
    ));
    let mut file = fs::File::create(&tmp)?;
    file.write_all(MAGIC)?;
    file.write_all(&FORMAT.to_le_bytes())?;
    file.write_all(&(artifact.len() as u64).to_le_bytes())?;
    file.write_all(&crc32fast::hash(artifact).to_le_bytes())?;
    file.write_all(artifact)?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// The SHA-256 of `bytes` as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
