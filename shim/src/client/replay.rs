//! Replaying a recorded expansion inside rustc, without the server: the
//! expansion cache's entry (written by `procbox serve`, in the format of
//! `procbox_protocol::recorded`) is read here, and used if its subject is
//! this invocation's exactly and every recorded span query, asked again of
//! rustc's spans, gets the same answer. A rebuild whose macros all replay
//! starts no server and runs no macro code.
//!
//! Only entries that read no granted file replay here (checking a file's
//! SHA-256 is the server's job); the others, and every miss, go to the
//! server, which replays or runs the macro and records it.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use procbox_protocol::grants::Dir;
use procbox_protocol::recorded::{
    Entry, Key, Subject, VARIANTS, ask_again, file_name, grants_text,
};
use procbox_protocol::{Expanded, Grants};

use crate::Component;
use crate::expansion::Flat;
use crate::spans;
use crate::tokens::SpanTable;

/// The recorded expansion of `flat`, if there is one that fits; `spans`
/// gets the spans its queries make (and loses them again on a miss).
pub(crate) fn replay(
    component: &Component,
    flat: &Flat<'_>,
    spans: &mut SpanTable,
) -> Option<Expanded> {
    let dir = expansions_dir()?;
    let hash = component.sha256.to_ascii_lowercase();
    let grants = grants_text(&canonical(flat.grants));
    let subject = Subject {
        component_hash: &hash,
        kind: flat.kind,
        name: flat.name,
        grants: &grants,
        input: flat.input,
        args: flat.args,
        span_count: spans.len(),
    };
    let key = Key::new(&subject);
    (0..VARIANTS).find_map(|variant| {
        let path = dir.join(file_name(flat.name, &key, variant));
        let expanded = replay_entry(&path, &key, &subject, spans)?;
        // Recently used entries are the last evicted; failing to say so (a
        // read-only directory) only changes which go first.
        if let Ok(file) = fs::File::options().append(true).open(&path) {
            let _ = file.set_modified(SystemTime::now());
        }
        Some(expanded)
    })
}

/// The entry at `path` replayed, if it is one for `subject` whose recorded
/// span queries get the same answers now.
fn replay_entry(
    path: &Path,
    key: &Key,
    subject: &Subject<'_>,
    spans: &mut SpanTable,
) -> Option<Expanded> {
    let entry = Entry::parse(&fs::read_to_string(path).ok()?).ok()?;
    if entry.key != *key || !entry.is_for(subject) || !entry.files.is_empty() {
        return None;
    }
    let replayed = ask_again(&entry.queries, subject.span_count, |query| {
        spans::answer(spans, *query)
    })
    .ok()
    .flatten()
    .and_then(|map| map.remap(&entry.tokens, &entry.diagnostics));
    let Some((tokens, diagnostics)) = replayed else {
        spans.truncate(subject.span_count);
        return None;
    };
    Some(Expanded {
        tokens,
        diagnostics,
        files_read: Vec::new(),
    })
}

/// The grants as the server keys them: the `fs-read` directory made
/// canonical.
fn canonical(grants: &Grants) -> Grants {
    match grants.fs_read_grant() {
        Some(Dir::Path(dir)) => match dir.canonicalize() {
            Ok(dir) => grants.clone().fs_read(dir),
            Err(_) => grants.clone(),
        },
        _ => grants.clone(),
    }
}

/// Where the server records expansions, as `procbox_host`'s
/// `ExpansionCache::from_environment` finds it: `PROCBOX_EXPANSIONS`
/// (`off`: nowhere), else `expansions` in `PROCBOX_CACHE_DIR` or the
/// user's cache directory.
fn expansions_dir() -> Option<PathBuf> {
    match std::env::var_os("PROCBOX_EXPANSIONS") {
        Some(off) if off == "off" => return None,
        Some(dir) if !dir.is_empty() => return Some(PathBuf::from(dir)),
        _ => {}
    }
    let cache = match std::env::var_os("PROCBOX_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => user_cache_dir()?.join("procbox"),
    };
    Some(cache.join("expansions"))
}

/// The user's cache directory, as the `dirs` crate finds it.
fn user_cache_dir() -> Option<PathBuf> {
    let absolute = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    if cfg!(windows) {
        absolute("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        absolute("HOME").map(|home| home.join("Library").join("Caches"))
    } else {
        absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache")))
    }
}
