//! What a macro read through `fs-read`, as an entry records it: each path
//! with a fingerprint of what was there ([`read_now`]). A lookup takes the
//! fingerprints again ([`unchanged`]); any difference is a miss.

use std::fs;
use std::path::Path;

use procbox_protocol::recorded::{FileRead, Fingerprint};
use sha2::{Digest, Sha256};

/// `path` and what is there now.
pub(crate) fn read_now(path: &str) -> FileRead {
    FileRead {
        path: path.to_owned(),
        fingerprint: fingerprint(Path::new(path)),
    }
}

/// Whether the path still holds what was recorded.
pub(crate) fn unchanged(read: &FileRead) -> bool {
    fingerprint(Path::new(&read.path)) == read.fingerprint
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
