//! What a macro read through `fs-read`, as an entry records it: each path
//! with a fingerprint of what was there. A lookup takes the fingerprints
//! again; any difference is a miss.

use std::fs;
use std::path::Path;

use sha2::{Digest, Sha256};

/// A path an expansion read, and what was there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileRead {
    pub(crate) path: String,
    pub(crate) fingerprint: Fingerprint,
}

/// What was at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fingerprint {
    /// A file with this SHA-256.
    File(String),
    /// A directory whose listing (names and kinds) has this SHA-256.
    Dir(String),
    /// Nothing (the macro looked, and found nothing).
    Absent,
}

impl FileRead {
    /// `path` and what is there now.
    pub(crate) fn now(path: &str) -> FileRead {
        FileRead {
            path: path.to_owned(),
            fingerprint: fingerprint(Path::new(path)),
        }
    }

    /// Whether the path still holds what was recorded.
    pub(crate) fn unchanged(&self) -> bool {
        fingerprint(Path::new(&self.path)) == self.fingerprint
    }
}

fn fingerprint(path: &Path) -> Fingerprint {
    let Ok(metadata) = fs::metadata(path) else {
        return Fingerprint::Absent;
    };
    if metadata.is_dir() {
        let Ok(listing) = fs::read_dir(path) else {
            return Fingerprint::Absent;
        };
        let mut names: Vec<String> = listing
            .filter_map(|entry| entry.ok())
            .map(|entry| {
                let kind = match entry.file_type() {
                    Ok(t) if t.is_dir() => "dir",
                    Ok(t) if t.is_file() => "file",
                    _ => "other",
                };
                format!("{kind} {}\n", entry.file_name().to_string_lossy())
            })
            .collect();
        names.sort();
        return Fingerprint::Dir(sha256_hex(names.concat().as_bytes()));
    }
    match fs::read(path) {
        Ok(bytes) => Fingerprint::File(sha256_hex(&bytes)),
        Err(_) => Fingerprint::Absent,
    }
}

/// `bytes`' SHA-256 as lowercase hex.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `text` is a SHA-256 as [`sha256_hex`] writes it.
pub(crate) fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
