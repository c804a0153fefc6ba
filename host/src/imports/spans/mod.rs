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

mod backend;
mod local;
mod range;
mod remote;

pub(crate) use backend::{InvalidSpan, TooManySpans};
pub(crate) use local::SpanTable;
pub use remote::SpanOracle;
pub(crate) use remote::{OracleFailed, RemoteSpans};

use crate::bindings::procbox::proc_macro::spans::Host as SpansImport;
use backend::Backend;

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

/// What the `spans` import answers from: the expansion's spans, and the
/// count of queries it keeps for
/// [`ExpansionStats`](crate::ExpansionStats).
pub(crate) struct SpansView<'a> {
    pub(crate) spans: &'a mut Spans,
    pub(crate) queries: &'a mut u64,
}

impl SpansView<'_> {
    /// Counts one query.
    fn query(&mut self) -> &mut dyn Backend {
        *self.queries += 1;
        self.spans.backend()
    }
}

impl SpansImport for SpansView<'_> {
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
