//! Where procbox keeps what it caches, unless told otherwise.

use std::path::PathBuf;

/// The default cache directory: `$PROCBOX_CACHE_DIR`, else `procbox` in the
/// user's cache directory (`~/.cache/procbox` on Linux).
pub fn default_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("PROCBOX_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::cache_dir().map(|dir| dir.join("procbox")),
    }
}
