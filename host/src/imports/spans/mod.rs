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
mod log;
mod range;
mod remote;

pub(crate) use backend::{InvalidSpan, TooManySpans};
pub(crate) use local::SpanTable;
pub use remote::SpanOracle;
pub(crate) use remote::{OracleFailed, RemoteSpans};

use procbox_protocol::{SpanAnswer, SpanQuery};

use crate::bindings::procbox::proc_macro::spans::Host as SpansImport;
pub(crate) use backend::Backend;
pub(crate) use log::QueryLog;

/// The spans of one expansion, wherever they are held.
pub(crate) enum Spans {
    /// Held by the host.
    Local(SpanTable),
    /// Held by the caller.
    Remote(RemoteSpans),
}

impl Spans {
    /// The backend that answers queries.
    pub(crate) fn backend(&mut self) -> &mut dyn Backend {
        match self {
            Spans::Local(table) => table,
            Spans::Remote(remote) => remote,
        }
    }
}

/// What the `spans` import answers from: the expansion's spans, and the
/// log of its queries, which [`ExpansionStats`](crate::ExpansionStats)
/// counts and the expansion cache replays.
pub(crate) struct SpansView<'a> {
    pub(crate) spans: &'a mut Spans,
    pub(crate) log: &'a mut QueryLog,
}

impl SpansView<'_> {
    /// Answers `query` and logs it with its answer.
    fn ask(&mut self, query: SpanQuery) -> wasmtime::Result<SpanAnswer> {
        let answer = self.spans.backend().ask(&query)?;
        self.log.push(query, &answer);
        Ok(answer)
    }
}

/// Unpacks an answer [`Backend::ask`] gave for a query of the variant's type.
macro_rules! answer {
    ($answer:expr, $variant:ident) => {
        match $answer {
            SpanAnswer::$variant(value) => Ok(value),
            other => Err(wasmtime::Error::msg(format!(
                "internal: a span query was answered with {other:?}"
            ))),
        }
    };
}

impl SpansImport for SpansView<'_> {
    fn source_text(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        answer!(self.ask(SpanQuery::SourceText(s))?, MaybeText)
    }

    fn start(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::Start(s))?, Span)
    }

    fn end(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::End(s))?, Span)
    }

    fn line(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::Line(s))?, Number)
    }

    fn column(&mut self, s: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::Column(s))?, Number)
    }

    fn file(&mut self, s: u32) -> wasmtime::Result<String> {
        answer!(self.ask(SpanQuery::File(s))?, Text)
    }

    fn local_file(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        answer!(self.ask(SpanQuery::LocalFile(s))?, MaybeText)
    }

    fn join(&mut self, a: u32, b: u32) -> wasmtime::Result<Option<u32>> {
        answer!(self.ask(SpanQuery::Join(a, b))?, MaybeSpan)
    }

    fn resolved_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::ResolvedAt(s, other))?, Span)
    }

    fn located_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        answer!(self.ask(SpanQuery::LocatedAt(s, other))?, Span)
    }
}
