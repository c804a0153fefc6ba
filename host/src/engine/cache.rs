//! The precompiled-artifact cache: compiled components (`.cwasm`) stored by
//! content hash, so a component is compiled once per machine and engine.
//!
//! A file is named by the SHA-256 of the component's bytes and the engine's
//! precompile-compatibility hash. It holds wasmtime's artifact followed by a
//! trailer: magic, format version, the artifact's length and its CRC-32.
//! Deserializing an artifact is `unsafe` (it is native code), so the trailer
//! is checked first: a corrupt, truncated or foreign file fails the check and
//! is recompiled and replaced, never loaded.
//!
//! The checksum is there to catch accidents (a disk error, a copy cut short,
//! another program's file), not an attacker: someone who can write the cache
//! directory can also write a matching checksum, however strong, so the cache
//! is as trusted as the directory, which is the user's own. For accidents a
//! length and a CRC-32 are what archive and image formats (zip, gzip, PNG)
//! rely on, and it is computed twenty times faster than a SHA-256.
//!
//! A checked file is mapped, not copied (`Component::deserialize_file`): the
//! artifact stays in the page cache and only the pages an expansion touches
//! are faulted in, where copying it meant zeroing and filling a fresh mapping
//! of its whole size (4.5 of the 8 ms a shim spent loading its 7.8 MB
//! artifact, once per rustc process). A mapped file must not change while it
//! is in use, which is how the dynamic loader treats shared libraries and
//! rustc its `.rmeta` files; procbox never writes a cache file in place
//! (`store` writes a new file and renames it over the old one, which leaves a
//! mapped one intact). If the file cannot be mapped (e.g. a `noexec` mount),
//! it is read and copied instead.

use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Engine, Precompiled};

const MAGIC: &[u8; 8] = b"PBXCWASM";
/// The file's layout: 1 and 2 had a header before the artifact (1 with its
/// SHA-256, 2 with its length and CRC-32); 3 has the artifact first, so it
/// can be mapped as it is, and the same fields as 2 after it.
const FORMAT: u32 = 3;
/// Magic, format, artifact length (`u64`), artifact CRC-32 (`u32`), all
/// little-endian.
const TRAILER_LEN: usize = MAGIC.len() + 4 + 8 + 4;

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

    /// What the cache holds for the component whose SHA-256 is `wasm_hash`
    /// (64 lowercase hex digits: it becomes part of a file name).
    pub(crate) fn lookup(&self, engine: &Engine, wasm_hash: &str) -> Lookup {
        let path = self.path(engine, wasm_hash);
        let rejected = match File::open(&path) {
            Ok(file) => match load(engine, &path, file) {
                Ok(component) => return Lookup::Hit(component, path),
                Err(reason) => Some(reason),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => Some(format!("cannot read it: {e}")),
        };
        Lookup::Miss { path, rejected }
    }
}

/// What a cache holds for a component.
pub(crate) enum Lookup {
    /// Its compiled code, loaded from this file.
    Hit(Component, PathBuf),
    /// Nothing usable: it is to be compiled and stored at `path`.
    Miss {
        /// The cache file.
        path: PathBuf,
        /// Why a file there was not used (corrupt, foreign, ...).
        rejected: Option<String>,
    },
}

impl Lookup {
    /// The compiled component: the cached one, or `wasm` compiled and stored
    /// where the lookup said (a failure to store is reported, not an error).
    pub(crate) fn compiled(
        self,
        engine: &Engine,
        wasm: &[u8],
    ) -> wasmtime::Result<(Component, CacheOutcome)> {
        let (path, rejected) = match self {
            Lookup::Hit(component, path) => return Ok((component, CacheOutcome::Hit(path))),
            Lookup::Miss { path, rejected } => (path, rejected),
        };
        // Processes that miss at once (cargo's parallel rustc, each with its
        // server) compile the component once: one holds the lock, the others
        // then find its file.
        let lock = CompileLock::acquire(&path);
        if lock.waited
            && let Ok(file) = File::open(&path)
            && let Ok(component) = load(engine, &path, file)
        {
            return Ok((component, CacheOutcome::Hit(path)));
        }
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

/// An advisory lock on compiling one cache file (`<file>.lock`, beside it),
/// held while alive. Best effort: without it (an unwritable cache, or a
/// holder slower than [`CompileLock::PATIENCE`]) the component is compiled
/// anyway, which is only slower. The lock ends with its holder's process.
struct CompileLock {
    _file: Option<File>,
    /// Whether another process held it first.
    waited: bool,
}

impl CompileLock {
    /// How long to wait for another process's compile.
    const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

    fn acquire(cache_file: &Path) -> CompileLock {
        let mut name = cache_file.as_os_str().to_owned();
        name.push(".lock");
        let file = cache_file
            .parent()
            .map_or(Ok(()), fs::create_dir_all)
            .and_then(|()| {
                File::options()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&name)
            });
        let Ok(file) = file else {
            return CompileLock {
                _file: None,
                waited: false,
            };
        };
        let start = std::time::Instant::now();
        let mut waited = false;
        loop {
            match file.try_lock() {
                Ok(()) => {
                    return CompileLock {
                        _file: Some(file),
                        waited,
                    };
                }
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < Self::PATIENCE => {
                    waited = true;
                    std::thread::sleep(std::time::Duration::from_millis(10));
                }
                Err(_) => {
                    return CompileLock {
                        _file: None,
                        waited,
                    };
                }
            }
        }
    }
}

/// The engine's precompile-compatibility hash as hex: artifacts of another
/// wasmtime version or configuration get another file name.
fn engine_hash(engine: &Engine) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Checks the cache file at `path` (open as `file`) and deserializes its
/// artifact.
fn load(engine: &Engine, path: &Path, mut file: File) -> Result<Component, String> {
    let length = check(&mut file)?;
    match Engine::detect_precompiled_file(path) {
        Ok(Some(Precompiled::Component)) => {}
        _ => return Err("not a compiled component".into()),
    }
    // SAFETY: the artifact is what `store` wrote after this engine's
    // `precompile_component` (its length and CRC-32 checked above), wasmtime
    // checks its version and configuration against the engine, and procbox
    // never changes a cache file in place (see the module's documentation).
    unsafe { Component::deserialize_file(engine, path) }.or_else(|mapped| {
        // Not mappable (e.g. no execute permission on the cache's mount).
        // SAFETY: as above.
        unsafe { copy_in(engine, &mut file, length) }
            .map_err(|e| format!("{e} (mapping it: {mapped})"))
    })
}

/// Deserializes the artifact of a cache file from a copy in memory.
///
/// # Safety
///
/// `file` passed [`check`], which returned `length`.
unsafe fn copy_in(engine: &Engine, file: &mut File, length: u64) -> Result<Component, String> {
    let mut artifact = Vec::new();
    file.seek(SeekFrom::Start(0))
        .and_then(|_| file.take(length).read_to_end(&mut artifact))
        .map_err(|e| format!("cannot read it: {e}"))?;
    // SAFETY: the caller's.
    unsafe { Component::deserialize(engine, &artifact) }
        .map_err(|e| format!("wasmtime refused it: {e}"))
}

/// Checks a cache file's trailer and its artifact's CRC-32, reading it in
/// chunks; returns the artifact's length.
fn check(file: &mut File) -> Result<u64, String> {
    let read_error = |e: std::io::Error| format!("cannot read it: {e}");
    let size = file.metadata().map_err(read_error)?.len();
    let trailer_len = TRAILER_LEN as u64;
    if size < trailer_len {
        return Err("not a procbox cache file".into());
    }
    let mut trailer = [0u8; TRAILER_LEN];
    file.seek(SeekFrom::Start(size - trailer_len))
        .and_then(|_| file.read_exact(&mut trailer))
        .map_err(read_error)?;
    let (magic, rest) = trailer.split_at(MAGIC.len());
    let (format, rest) = rest.split_at(4);
    let (length, crc) = rest.split_at(8);
    if magic != MAGIC {
        // Formats 1 and 2 had the magic at the start.
        let mut start = [0u8; MAGIC.len()];
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.read_exact(&mut start))
            .map_err(read_error)?;
        return Err(if start == *MAGIC {
            "written by another version of procbox".into()
        } else {
            "not a procbox cache file (or truncated or extended)".into()
        });
    }
    if format != FORMAT.to_le_bytes() {
        return Err("written by another version of procbox".into());
    }
    let artifact_len = size - trailer_len;
    if length != artifact_len.to_le_bytes() {
        return Err("its length does not match (truncated or extended)".into());
    }
    file.seek(SeekFrom::Start(0)).map_err(read_error)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut chunk = vec![0u8; 256 * 1024];
    let mut artifact = (&mut *file).take(artifact_len);
    loop {
        match artifact.read(&mut chunk).map_err(read_error)? {
            0 => break,
            n => hasher.update(&chunk[..n]),
        }
    }
    if crc != hasher.finalize().to_le_bytes() {
        return Err("its checksum does not match (corrupt)".into());
    }
    Ok(artifact_len)
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
    let mut file = File::create(&tmp)?;
    file.write_all(artifact)?;
    file.write_all(MAGIC)?;
    file.write_all(&FORMAT.to_le_bytes())?;
    file.write_all(&(artifact.len() as u64).to_le_bytes())?;
    file.write_all(&crc32fast::hash(artifact).to_le_bytes())?;
    file.sync_all()?;
    drop(file);
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

/// The SHA-256 of `bytes` as lowercase hex, as [`MacroComponent::hash`]
/// gives it and cache files are named by.
///
/// [`MacroComponent::hash`]: crate::MacroComponent::hash
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `text` is a SHA-256 as [`sha256_hex`] writes it.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A component with nothing in it: its header alone.
    const EMPTY_COMPONENT: &[u8] = b"\0asm\x0d\x00\x01\x00";

    /// A cache file for the empty component, stored as the cache stores one.
    fn stored(dir: &Path) -> (Engine, PathBuf) {
        let engine =
            Engine::new(wasmtime::Config::new().wasm_component_model(true)).expect("engine");
        let artifact = engine
            .precompile_component(EMPTY_COMPONENT)
            .expect("precompiles");
        let path = dir.join("empty.cwasm");
        store(&path, &artifact).expect("stores");
        (engine, path)
    }

    #[test]
    fn a_checked_file_is_mapped() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (engine, path) = stored(dir.path());
        let component = load(&engine, &path, File::open(&path).expect("opens")).expect("loads");
        if cfg!(target_os = "linux") {
            let maps = fs::read_to_string("/proc/self/maps").expect("reads the mappings");
            assert!(
                maps.contains(&*path.to_string_lossy()),
                "the artifact is not mapped from {}",
                path.display()
            );
        }
        drop(component);
    }

    #[test]
    fn a_checked_file_can_be_copied_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (engine, path) = stored(dir.path());
        let mut file = File::open(&path).expect("opens");
        let length = check(&mut file).expect("passes the check");
        assert_eq!(
            length + TRAILER_LEN as u64,
            file.metadata().expect("size").len()
        );
        // SAFETY: checked just above.
        unsafe { copy_in(&engine, &mut file, length) }.expect("deserializes from a copy");
    }
}
