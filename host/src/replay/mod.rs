//! The expansion cache: a macro's expansions recorded and replayed.
//!
//! A procbox macro is deterministic: the same component, input and grants
//! give the same output, except for what the macro learned from outside its
//! input: the answers to its span queries and the granted files it read.
//! So an entry (`procbox_protocol::recorded`, whose format the shim reads
//! too) keeps the output with those: its subject (component, macro, grants,
//! input tokens) must match exactly; the recorded queries are asked again
//! about the new input and the files fingerprinted again ([`files`]); only
//! if everything answers as recorded is the output replayed, its spans
//! mapped to the new input's, so errors point where a fresh run's would.
//! Entries live in a directory ([`store`]), with their input and output
//! pretty-printed for people ([`render`]).

mod files;
mod render;
mod store;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use procbox_protocol::MacroKind;

use procbox_protocol::recorded::{Entry, Key, Subject, VARIANTS, ask_again};
use procbox_protocol::{SpanAnswer, SpanQuery};

use crate::bindings::wire;
use crate::codec::layout::{diagnostic_from_wire, diagnostic_to_wire, from_wire, to_wire};
use crate::imports::filesystem::FileLog;
use crate::imports::spans::{Backend, QueryLog};
use store::EntryDir;

/// The size limit of a cache directory unless one is chosen: 512 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 512 << 20;

/// Where expansions are recorded and replayed from, and how.
///
/// ```no_run
/// use procbox_host::{ExpansionCache, Host};
///
/// # fn main() -> procbox_host::Result<()> {
/// // Entries committed with the project, reviewed in pull requests.
/// let cache = ExpansionCache::new("expansions").max_bytes(64 << 20);
/// let host = Host::builder().expansion_cache(cache).build()?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ExpansionCache {
    dir: Arc<EntryDir>,
    offline: bool,
}

impl ExpansionCache {
    /// Entries in `dir` (created when first needed), at most
    /// [`DEFAULT_MAX_BYTES`] of them.
    pub fn new(dir: impl Into<PathBuf>) -> ExpansionCache {
        ExpansionCache {
            dir: Arc::new(EntryDir::new(dir.into(), DEFAULT_MAX_BYTES)),
            offline: false,
        }
    }

    /// Keeps the directory under `max_bytes`, removing the least recently
    /// used entries past it.
    pub fn max_bytes(self, max_bytes: u64) -> ExpansionCache {
        ExpansionCache {
            dir: Arc::new(EntryDir::new(self.dir.path.clone(), max_bytes)),
            ..self
        }
    }

    /// Never runs a macro: an expansion not in the cache is
    /// [`Error::Offline`](crate::Error::Offline).
    pub fn offline(self, offline: bool) -> ExpansionCache {
        ExpansionCache { offline, ..self }
    }

    /// The cache the environment asks for, as the `procbox` tools use it:
    /// `PROCBOX_EXPANSIONS=DIR` (`off` for none; by default `expansions` in
    /// the [default cache directory](crate::default_cache_dir)), offline if
    /// `PROCBOX_OFFLINE=1`. An error says which setting is wrong.
    pub fn from_environment() -> Result<Option<ExpansionCache>, String> {
        let offline = match std::env::var("PROCBOX_OFFLINE").as_deref() {
            Ok("1") => true,
            Ok("0") | Ok("") | Err(_) => false,
            Ok(other) => {
                return Err(format!(
                    "PROCBOX_OFFLINE={other:?}: set it to 1 (never run macros) or 0"
                ));
            }
        };
        let dir = match std::env::var_os("PROCBOX_EXPANSIONS") {
            Some(off) if off == "off" => None,
            Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
            _ => crate::cache_dir::default_cache_dir().map(|dir| dir.join("expansions")),
        };
        match (dir, offline) {
            (Some(dir), offline) => Ok(Some(ExpansionCache::new(dir).offline(offline))),
            (None, false) => Ok(None),
            (None, true) => Err("PROCBOX_OFFLINE=1 replays expansions from a cache, but \
                 PROCBOX_EXPANSIONS=off (or no cache directory is known): set \
                 PROCBOX_EXPANSIONS to the directory of recorded expansions"
                .into()),
        }
    }

    /// The entries' directory.
    pub fn dir(&self) -> &Path {
        &self.dir.path
    }

    /// Whether it never runs macros ([`offline`](Self::offline)).
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// Every entry in the directory, sorted by file name; an entry that
    /// cannot be used says why ([`CachedExpansion::problem`]).
    pub fn entries(&self) -> io::Result<Vec<CachedExpansion>> {
        self.dir
            .files()?
            .into_iter()
            .map(|file| {
                let parsed = std::fs::read_to_string(&file.path)
                    .map_err(|e| e.to_string())
                    .and_then(|text| Entry::parse(&text).map(|entry| (entry, text)));
                Ok(match parsed {
                    Ok((entry, text)) => CachedExpansion {
                        path: file.path,
                        bytes: file.bytes,
                        macro_name: entry.name,
                        kind: Some(entry.kind),
                        component_hash: entry.component_hash,
                        expanded_at: entry.expanded_at,
                        text,
                        problem: None,
                    },
                    Err(problem) => CachedExpansion {
                        path: file.path,
                        bytes: file.bytes,
                        macro_name: String::new(),
                        kind: None,
                        component_hash: String::new(),
                        expanded_at: None,
                        text: String::new(),
                        problem: Some(problem),
                    },
                })
            })
            .collect()
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&self) -> io::Result<usize> {
        let files = self.dir.files()?;
        for file in &files {
            match std::fs::remove_file(&file.path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
        Ok(files.len())
    }

    /// The recorded output for `subject`, replayed against `spans`: `None`
    /// if there is no valid entry or anything it recorded has changed.
    pub(crate) fn find(
        &self,
        subject: &Subject<'_>,
        spans: &mut dyn Backend,
    ) -> wasmtime::Result<Option<Replayed>> {
        let key = Key::new(subject);
        for variant in 0..VARIANTS {
            let Some(entry) = self.dir.peek(&key, subject.name, variant) else {
                continue;
            };
            if let Some(replayed) = replay(entry, subject, spans)? {
                self.dir.touch(&key, subject.name, variant);
                return Ok(Some(replayed));
            }
        }
        Ok(None)
    }

    /// The variant slot a new entry for `subject` with `queries` takes: a
    /// free one (or one holding no valid entry), else the one whose
    /// recorded queries and answers are the same (it is out of date: a file
    /// it read changed), else the least recently used.
    fn slot_for(
        &self,
        key: &Key,
        subject: &Subject<'_>,
        queries: &[(SpanQuery, SpanAnswer)],
    ) -> u32 {
        let mut oldest = (0, SystemTime::now());
        for variant in 0..VARIANTS {
            let Some(entry) = self.dir.peek(key, subject.name, variant) else {
                return variant;
            };
            if !entry.is_for(subject) || entry.queries == queries {
                return variant;
            }
            let used = self.dir.used(key, subject.name, variant);
            if used < oldest.1 {
                oldest = (variant, used);
            }
        }
        oldest.0
    }

    /// Records a fresh expansion. Failing to is not an error of the
    /// expansion: the next one runs the macro again.
    pub(crate) fn record(&self, fresh: Fresh<'_>) {
        // A macro that asked more than the log keeps cannot be replayed.
        let Some(queries) = fresh.queries.complete() else {
            return;
        };
        let subject = &fresh.subject;
        let tokens = from_wire(fresh.expansion.tokens.clone());
        let entry = Entry {
            key: Key::new(subject),
            kind: subject.kind,
            name: subject.name.to_owned(),
            component: fresh.component.to_owned(),
            component_hash: subject.component_hash.to_owned(),
            expanded_at: fresh.expanded_at,
            grants: subject.grants.to_owned(),
            queries: queries.to_vec(),
            files: fresh
                .files
                .paths
                .iter()
                .map(|p| files::read_now(p))
                .collect(),
            input_text: render::render(subject.input),
            output_text: render::render(&tokens),
            input: subject.input.clone(),
            args: subject.args.cloned(),
            span_count: subject.span_count,
            tokens,
            diagnostics: fresh
                .expansion
                .diagnostics
                .iter()
                .cloned()
                .map(diagnostic_from_wire)
                .collect(),
        };
        let variant = self.slot_for(&entry.key, subject, &entry.queries);
        let _ = self.dir.write(&entry, variant);
    }
}

/// `entry`'s output for `subject`, its spans mapped to the new input's, if
/// it is an entry for `subject` and everything it recorded is as it was.
fn replay(
    entry: Entry,
    subject: &Subject<'_>,
    spans: &mut dyn Backend,
) -> wasmtime::Result<Option<Replayed>> {
    if !entry.is_for(subject) || !entry.files.iter().all(files::unchanged) {
        return Ok(None);
    }
    let Some(map) = ask_again(&entry.queries, subject.span_count, |q| spans.ask(q))? else {
        return Ok(None);
    };
    let Some((tokens, diagnostics)) = map.remap(&entry.tokens, &entry.diagnostics) else {
        return Ok(None);
    };
    Ok(Some(Replayed {
        expansion: wire::Expansion {
            tokens: to_wire(tokens),
            diagnostics: diagnostics.into_iter().map(diagnostic_to_wire).collect(),
        },
        span_queries: entry.queries.len() as u64,
        files_read: entry.files.into_iter().map(|f| f.path).collect(),
    }))
}

/// An expansion replayed from the cache.
pub(crate) struct Replayed {
    /// The output, with the new input's span handles.
    pub(crate) expansion: wire::Expansion,
    /// How many span queries were asked again.
    pub(crate) span_queries: u64,
    /// The files the recorded expansion read.
    pub(crate) files_read: Vec<String>,
}

/// A fresh expansion, for [`ExpansionCache::record`].
pub(crate) struct Fresh<'a> {
    pub(crate) subject: Subject<'a>,
    pub(crate) component: &'a str,
    pub(crate) expanded_at: Option<String>,
    pub(crate) queries: &'a QueryLog,
    pub(crate) files: &'a FileLog,
    pub(crate) expansion: &'a wire::Expansion,
}

/// One entry of an [`ExpansionCache`], as `procbox cache list` shows it.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CachedExpansion {
    /// Its file.
    pub path: PathBuf,
    /// The file's size.
    pub bytes: u64,
    /// The macro's name (empty if the entry cannot be read).
    pub macro_name: String,
    /// The macro's kind (`None` if the entry cannot be read).
    pub kind: Option<MacroKind>,
    /// The component's SHA-256.
    pub component_hash: String,
    /// Where it was first expanded, where known.
    pub expanded_at: Option<String>,
    /// The entry's text.
    pub text: String,
    /// Why the entry cannot be used (it is ignored), if it cannot.
    pub problem: Option<String>,
}

/// Where an invocation is, `file:line`, as far as its spans say: the first
/// input token's line (asked of the backend outside the macro's log).
pub(crate) fn expanded_at(
    spans: &mut dyn Backend,
    span_count: u32,
    file: Option<String>,
) -> Option<String> {
    // Handles 0 and 1 are the call site and mixed site; 2 is the first
    // token's.
    let first = (span_count > 2).then_some(2);
    let line = first.and_then(|s| spans.line(s).ok());
    let file = file.or_else(|| first.and_then(|s| spans.file(s).ok()));
    match (file, line) {
        (Some(file), Some(line)) => Some(format!("{file}:{line}")),
        (Some(file), None) => Some(file),
        (None, Some(line)) => Some(format!("line {line}")),
        (None, None) => None,
    }
}

/// The start of an invocation's input, to name it in an error.
pub(crate) fn summary(input: &procbox_protocol::TokenStream) -> String {
    let text = render::tokens_text(input);
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}
