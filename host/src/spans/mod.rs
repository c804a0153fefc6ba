//! The `spans` import: the guest's span queries, answered by the
//! expansion's span backend.
//!
//! The guest only ever sees `u32` handles. Who holds the spans behind them
//! depends on who called:
//! - [`SpanTable`] (local): the host holds `proc_macro2` spans, for an
//!   embedder that passes `proc_macro2` tokens (the CLI, the embedded shim);
//! - [`RemoteSpans`]: the caller holds them and answers each query through a
//!   [`SpanOracle`], for `procbox serve`, whose client (the shim inside
//!   rustc) holds the compiler's spans.
//!
//! This module alone tells the two apart; the backends never see each other.

mod local;
mod range;
mod remote;

pub(crate) use local::SpanTable;
pub use remote::SpanOracle;
pub(crate) use remote::{OracleFailed, RemoteSpans};

use crate::bindings::procbox::proc_macro::spans::Host as SpansImport;
use crate::state::ExpansionState;

/// The most spans a guest may create with queries (`start`, `join`, ...) in
/// one expansion, on top of those of its input: enough for any real macro,
/// and it keeps a hostile one from growing the host's memory (or the
/// caller's table).
const MAX_DERIVED_SPANS: usize = 1 << 20;

/// A handle that is not in the table: forged, or kept from another expansion.
#[derive(Debug, thiserror::Error)]
#[error(
    "span handle {0} does not exist in this expansion (forged, or kept from another expansion)"
)]
pub(crate) struct InvalidSpan(pub(crate) u32);

/// The guest created more spans than [`MAX_DERIVED_SPANS`].
#[derive(Debug, thiserror::Error)]
#[error("the macro created more than {MAX_DERIVED_SPANS} spans with span queries")]
pub(crate) struct TooManySpans;

/// The spans of one expansion, wherever they are held.
pub(crate) enum Spans {
    /// Held by the host.
    Local(SpanTable),
    /// Held by the caller.
    Remote(RemoteSpans),
}

impl Spans {
    fn backend(&mut self) -> &mut dyn Backend {
        match self {
            Spans::Local(table) => table,
            Spans::Remote(remote) => remote,
        }
    }
}

/// The queries of the WIT `spans` interface, as each backend answers them.
trait Backend {
    fn source_text(&mut self, s: u32) -> wasmtime::Result<Option<String>>;
    fn start(&mut self, s: u32) -> wasmtime::Result<u32>;
    fn end(&mut self, s: u32) -> wasmtime::Result<u32>;
    fn line(&mut self, s: u32) -> wasmtime::Result<u32>;
    fn column(&mut self, s: u32) -> wasmtime::Result<u32>;
    fn file(&mut self, s: u32) -> wasmtime::Result<String>;
    fn local_file(&mut self, s: u32) -> wasmtime::Result<Option<String>>;
    fn join(&mut self, a: u32, b: u32) -> wasmtime::Result<Option<u32>>;
    fn resolved_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32>;
    fn located_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32>;
}

/// The `types` interface has no functions; the linker still wants it implemented.
impl crate::bindings::procbox::proc_macro::types::Host for ExpansionState {}

impl ExpansionState {
    /// Counts one span query, for [`ExpansionStats`](crate::ExpansionStats).
    fn query(&mut self) -> &mut dyn Backend {
        self.span_queries += 1;
        self.spans.backend()
    }
}

impl SpansImport for ExpansionState {
    fn source_text(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        self.query().source_text(s)
    }

    fn start(&mut self, s: u32) -> wasmtime::Result<u32> {
        self.query().start(s)
    }

    fn end(&mut self, s: u32) -> wasmtime::Result<u32> {
        self.query().end(s)
    }

    fn line(&mut self, s: u32) -> wasmtime::Result<u32> {
        self.query().line(s)
    }

    fn column(&mut self, s: u32) -> wasmtime::Result<u32> {
        self.query().column(s)
    }

    fn file(&mut self, s: u32) -> wasmtime::Result<String> {
        self.query().file(s)
    }

    fn local_file(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        self.query().local_file(s)
    }

    fn join(&mut self, a: u32, b: u32) -> wasmtime::Result<Option<u32>> {
        self.query().join(a, b)
    }

    fn resolved_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        self.query().resolved_at(s, other)
    }

    fn located_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        self.query().located_at(s, other)
    }
}
