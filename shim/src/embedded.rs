//! The sandbox in rustc's own process (feature `embedded`): `procbox-host`
//! with its wasmtime engine, for builds that cannot run `procbox serve`.
//! It expands the flat invocation as the server does (the host's
//! `expand_flat`), answering the macro's span queries from the compiler's
//! spans, so the output is rebuilt exactly as the server's is.
//!
//! Running inside rustc shapes the host: no signal handlers (rustc has its
//! own for stack overflows; the guest gets explicit bounds checks), the
//! guest on rustc's thread (its 8 MiB stack is well above wasmtime's 512 KiB
//! wasm stack limit), one engine per rustc process, compiled code from the
//! per-user cache.

use std::cell::RefCell;
use std::sync::OnceLock;

use procbox_host::{Error, ExpansionCache, FlatInvocation, Host, MacroComponent, SpanOracle};
use procbox_protocol::{Expanded, Grants, SpanAnswer, SpanQuery};

use crate::expansion::Flat;
use crate::report::Failed;
use crate::tokens::SpanTable;
use crate::{Component, spans};

/// The component, loaded and given its grants on its first use in this
/// rustc process (which builds one crate: the grants resolve the same for
/// every use), or why it cannot be (the same answer for every use).
pub(crate) struct Loaded(OnceLock<Result<MacroComponent, String>>);

impl Loaded {
    pub(crate) const fn new() -> Loaded {
        Loaded(OnceLock::new())
    }
}

thread_local! {
    /// The spans of the expansion running on this thread, for
    /// [`RustcSpans`]: the compiler's spans cannot leave rustc's thread,
    /// and the host runs the guest on the thread that calls it.
    static SPANS: RefCell<Option<SpanTable>> = const { RefCell::new(None) };
}

/// Answers span queries from the expansion's [`SPANS`].
struct RustcSpans;

impl SpanOracle for RustcSpans {
    fn answer(&mut self, query: &SpanQuery) -> Result<SpanAnswer, String> {
        SPANS.with(|spans| match spans.try_borrow_mut().as_deref_mut() {
            Ok(Some(table)) => spans::answer(table, *query),
            _ => Err("a span query came from outside the expansion's thread".to_owned()),
        })
    }
}

/// The backend: expands `flat` in this process, the guest asking `spans`.
pub(crate) fn expand(
    component: &Component,
    flat: &Flat<'_>,
    spans: &mut SpanTable,
) -> Result<Expanded, Failed> {
    let loaded = component
        .loaded
        .0
        .get_or_init(|| load(component, flat.grants))
        .as_ref()
        .map_err(Clone::clone)?;
    let invocation = FlatInvocation {
        kind: flat.kind,
        name: flat.name.to_owned(),
        input: flat.input.clone(),
        args: flat.args.cloned(),
        span_count: spans.len(),
        file: proc_macro::Span::call_site()
            .local_file()
            .map(|path| path.to_string_lossy().into_owned()),
        cached: true,
    };
    // The table is the thread's while the guest runs, then comes back with
    // the spans the queries made.
    let table = std::mem::replace(spans, SpanTable::new());
    SPANS.with(|slot| *slot.borrow_mut() = Some(table));
    let result = loaded.expand_flat(invocation, Box::new(RustcSpans));
    if let Some(table) = SPANS.with(|slot| slot.borrow_mut().take()) {
        *spans = table;
    }
    let expansion = result.map_err(|e| match e {
        Error::Timeout {
            component,
            name,
            limit,
        } => Failed::past_time_limit(&format!(
            "macro `{name}` in {component} ran longer than its time limit of {limit:?}"
        )),
        e => match e.panic_message() {
            Some(panic) => Failed::Panicked(panic.to_owned()),
            None => Failed::Report(e.to_string()),
        },
    })?;
    Ok(Expanded {
        tokens: expansion.tokens,
        diagnostics: expansion.diagnostics,
        files_read: expansion.files_read,
    })
}

/// Checks the embedded bytes against the reviewed hash, loads them, applies
/// `grants` (resolved) and the shim's time limit.
fn load(component: &Component, grants: &Grants) -> Result<MacroComponent, String> {
    let actual = procbox_host::sha256_hex(component.bytes);
    if actual != component.sha256.to_ascii_lowercase() {
        return Err(format!(
            "the macro component {} is not the one this shim was generated from: its SHA-256 is \
             {actual}, the shim expects {}; if it changed on purpose, review the new version \
             (`procbox review`) and generate the shim again (`procbox shim`)",
            component.file, component.sha256
        ));
    }
    host()?
        .load_checked_bytes(component.file, component.bytes, &actual)
        .and_then(|loaded| loaded.with_grants(grants))
        .map(|granted| granted.with_timeout(component.timeout))
        .map_err(|e| e.to_string())
}

/// The one host of this rustc process.
fn host() -> Result<&'static Host, String> {
    static HOST: OnceLock<Result<Host, String>> = OnceLock::new();
    HOST.get_or_init(|| {
        // rustc's process, not ours: leave its signal handling alone.
        let mut host = Host::builder().signal_handlers(false);
        if let Some(cache) = ExpansionCache::from_environment()? {
            host = host.expansion_cache(cache);
        }
        host.build()
            .map_err(|e| format!("cannot start the sandbox: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}
