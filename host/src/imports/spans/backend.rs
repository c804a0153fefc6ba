//! What a span backend is: the queries of the WIT `spans` interface it
//! answers, and the errors and bound they share.

use procbox_protocol::{SpanAnswer, SpanQuery};

/// The most spans a guest may create with queries (`start`, `join`, ...) in
/// one expansion, on top of those of its input: enough for any real macro,
/// and it keeps a hostile one from growing the host's memory (or the
/// caller's table).
pub(crate) const MAX_DERIVED_SPANS: usize = 1 << 20;

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

/// The queries of the WIT `spans` interface, as each backend answers them.
pub(crate) trait Backend {
    /// Answers `query` with the method for it: the one entry point for
    /// recording queries and asking them again on replay.
    fn ask(&mut self, query: &SpanQuery) -> wasmtime::Result<SpanAnswer> {
        Ok(match *query {
            SpanQuery::SourceText(s) => SpanAnswer::MaybeText(self.source_text(s)?),
            SpanQuery::Start(s) => SpanAnswer::Span(self.start(s)?),
            SpanQuery::End(s) => SpanAnswer::Span(self.end(s)?),
            SpanQuery::Line(s) => SpanAnswer::Number(self.line(s)?),
            SpanQuery::Column(s) => SpanAnswer::Number(self.column(s)?),
            SpanQuery::File(s) => SpanAnswer::Text(self.file(s)?),
            SpanQuery::LocalFile(s) => SpanAnswer::MaybeText(self.local_file(s)?),
            SpanQuery::Join(a, b) => SpanAnswer::MaybeSpan(self.join(a, b)?),
            SpanQuery::ResolvedAt(s, other) => SpanAnswer::Span(self.resolved_at(s, other)?),
            SpanQuery::LocatedAt(s, other) => SpanAnswer::Span(self.located_at(s, other)?),
        })
    }

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
