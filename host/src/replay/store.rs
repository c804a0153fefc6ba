//! The directory of entries: a file per key and variant, written whole (a temporary
//! file renamed into place, so a reader never sees half an entry), read
//! back only if it parses and its checksum and key match, and kept under a
//! size limit by removing the least recently used.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use procbox_protocol::recorded::{EXTENSION, Entry, Key, file_name};

/// An entries directory and its size limit.
#[derive(Debug)]
pub(crate) struct EntryDir {
    pub(crate) path: PathBuf,
    pub(crate) max_bytes: u64,
    /// The directory's size as this process knows it: measured on the first
    /// write, then counted; `None` until then.
    size: Mutex<Option<u64>>,
}

/// Distinguishes the temporary files of one process's writers.
static TEMPORARY: AtomicU64 = AtomicU64::new(0);

impl EntryDir {
    pub(crate) fn new(path: PathBuf, max_bytes: u64) -> EntryDir {
        EntryDir {
            path,
            max_bytes,
            size: Mutex::new(None),
        }
    }

    /// The file of variant `variant` of the entry for `key`, of macro `name`.
    pub(crate) fn file(&self, key: &Key, name: &str, variant: u32) -> PathBuf {
        self.path.join(file_name(name, key, variant))
    }

    /// Variant `variant` of the entry for `key`, if there is a valid one.
    /// (Its subject is the caller's to compare.)
    pub(crate) fn peek(&self, key: &Key, name: &str, variant: u32) -> Option<Entry> {
        let text = fs::read_to_string(self.file(key, name, variant)).ok()?;
        Entry::parse(&text).ok().filter(|entry| entry.key == *key)
    }

    /// When variant `variant` of `key`'s entry was last used.
    pub(crate) fn used(&self, key: &Key, name: &str, variant: u32) -> SystemTime {
        fs::metadata(self.file(key, name, variant))
            .and_then(|m| m.modified())
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// Notes that variant `variant` of `key`'s entry was used: recently used
    /// entries are the last evicted. Failing to say so (a read-only
    /// directory) only changes which go first.
    pub(crate) fn touch(&self, key: &Key, name: &str, variant: u32) {
        if let Ok(file) = fs::File::options()
            .append(true)
            .open(self.file(key, name, variant))
        {
            let _ = file.set_modified(SystemTime::now());
        }
    }

    /// Writes `entry` as variant `variant` of its key, replacing what was
    /// there, then evicts if the directory is past its limit.
    pub(crate) fn write(&self, entry: &Entry, variant: u32) -> io::Result<()> {
        fs::create_dir_all(&self.path)?;
        let text = entry.to_text();
        let target = self.file(&entry.key, &entry.name, variant);
        let temporary = self.path.join(format!(
            ".{}-{}-{}.tmp",
            entry.key,
            std::process::id(),
            TEMPORARY.fetch_add(1, Ordering::Relaxed)
        ));
        let written = (|| {
            // No fsync: a reader sees the whole file or none (the rename),
            // and an entry a crash cut short fails its checksum.
            let mut file = fs::File::create(&temporary)?;
            file.write_all(text.as_bytes())?;
            fs::rename(&temporary, &target)
        })();
        if written.is_err() {
            let _ = fs::remove_file(&temporary);
        }
        written?;
        self.count(text.len() as u64)
    }

    /// Adds `bytes` to the known size, and evicts past the limit.
    fn count(&self, bytes: u64) -> io::Result<()> {
        let mut size = self.size.lock().unwrap_or_else(|e| e.into_inner());
        let known = match *size {
            Some(known) => known + bytes,
            None => self.files()?.iter().map(|f| f.bytes).sum(),
        };
        *size = Some(if known > self.max_bytes {
            self.evict()?
        } else {
            known
        });
        Ok(())
    }

    /// Removes the least recently used entries until the directory holds
    /// three quarters of its limit; returns its size.
    fn evict(&self) -> io::Result<u64> {
        let mut files = self.files()?;
        let mut size: u64 = files.iter().map(|f| f.bytes).sum();
        files.sort_by_key(|f| f.used);
        for file in files {
            if size <= self.max_bytes / 4 * 3 {
                break;
            }
            // Another process may have removed or replaced it: fine.
            if fs::remove_file(&file.path).is_ok() {
                size -= file.bytes;
            }
        }
        Ok(size)
    }

    /// Every entry file, with its size and when it was last used.
    pub(crate) fn files(&self) -> io::Result<Vec<EntryFile>> {
        let listing = match fs::read_dir(&self.path) {
            Ok(listing) => listing,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files = Vec::new();
        for item in listing {
            let item = item?;
            let path = item.path();
            if !is_entry(&path) {
                continue;
            }
            let Ok(metadata) = item.metadata() else {
                continue;
            };
            files.push(EntryFile {
                path,
                bytes: metadata.len(),
                used: metadata.modified().unwrap_or(SystemTime::UNIX_EPOCH),
            });
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    }
}

/// An entry's file.
#[derive(Debug)]
pub(crate) struct EntryFile {
    pub(crate) path: PathBuf,
    pub(crate) bytes: u64,
    pub(crate) used: SystemTime,
}

fn is_entry(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == EXTENSION)
        && !path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
}
