//! [`SpanTable`]: the spans of one expansion held by the host itself, as
//! `proc_macro2` spans (compiler spans inside rustc, fallback spans with
//! locations outside it), so everything the guest returns maps back to the
//! user's code.

use std::path::PathBuf;

use proc_macro2::Span;

use super::backend::{Backend, InvalidSpan, MAX_DERIVED_SPANS, TooManySpans};
use super::range::Range;

/// Handle → span, for one expansion. Handles 0 and 1 are the call site and the
/// mixed site, as the WIT world promises.
pub(crate) struct SpanTable {
    entries: Vec<Range>,
    /// Spans from the input; the rest were derived by queries.
    input_len: usize,
    /// The file every span is in, when the embedder said so
    /// ([`Invocation::in_file`](crate::Invocation::in_file)).
    pub(crate) source_file: Option<PathBuf>,
}

impl SpanTable {
    pub(crate) fn new() -> SpanTable {
        SpanTable {
            entries: vec![
                Range::whole(Span::call_site()),
                Range::whole(Span::mixed_site()),
            ],
            input_len: 2,
            source_file: None,
        }
    }

    /// How many spans it holds: the handles `0..len`.
    pub(crate) fn len(&self) -> u32 {
        self.entries.len() as u32
    }

    /// Adds a span of the input; returns its handle.
    pub(crate) fn push_input(&mut self, span: Span) -> u32 {
        self.entries.push(Range::whole(span));
        self.input_len = self.entries.len();
        (self.entries.len() - 1) as u32
    }

    fn push_derived(&mut self, entry: Range) -> wasmtime::Result<u32> {
        if self.entries.len() - self.input_len >= MAX_DERIVED_SPANS {
            return Err(wasmtime::Error::new(TooManySpans));
        }
        self.entries.push(entry);
        Ok((self.entries.len() - 1) as u32)
    }

    fn entry(&self, handle: u32) -> Result<Range, InvalidSpan> {
        self.entries
            .get(handle as usize)
            .copied()
            .ok_or(InvalidSpan(handle))
    }

    /// The span for `handle`, for tokens and diagnostics the guest returns.
    pub(crate) fn span(&self, handle: u32) -> Result<Span, InvalidSpan> {
        self.entry(handle).map(|range| range.span)
    }

    fn query(&self, handle: u32) -> wasmtime::Result<Range> {
        self.entry(handle).map_err(wasmtime::Error::new)
    }

    fn line_column(&self, handle: u32) -> wasmtime::Result<proc_macro2::LineColumn> {
        Ok(self.query(handle)?.line_column())
    }
}

impl Backend for SpanTable {
    fn source_text(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        Ok(self.query(s)?.source_text())
    }

    fn start(&mut self, s: u32) -> wasmtime::Result<u32> {
        let start = self.query(s)?.start();
        self.push_derived(start)
    }

    fn end(&mut self, s: u32) -> wasmtime::Result<u32> {
        let end = self.query(s)?.end();
        self.push_derived(end)
    }

    fn line(&mut self, s: u32) -> wasmtime::Result<u32> {
        Ok(self.line_column(s)?.line as u32)
    }

    fn column(&mut self, s: u32) -> wasmtime::Result<u32> {
        // proc_macro2 counts columns from 0, proc_macro from 1.
        Ok(self.line_column(s)?.column as u32 + 1)
    }

    fn file(&mut self, s: u32) -> wasmtime::Result<String> {
        let span = self.query(s)?.span;
        Ok(match &self.source_file {
            Some(path) => path.display().to_string(),
            None => span.file(),
        })
    }

    fn local_file(&mut self, s: u32) -> wasmtime::Result<Option<String>> {
        let span = self.query(s)?.span;
        let file = match &self.source_file {
            Some(path) => Some(path.clone()),
            None => span.local_file(),
        };
        Ok(file.map(|path| path.to_string_lossy().into_owned()))
    }

    fn join(&mut self, a: u32, b: u32) -> wasmtime::Result<Option<u32>> {
        let (a, b) = (self.query(a)?, self.query(b)?);
        match a.join(b) {
            Some(joined) => self.push_derived(joined).map(Some),
            None => Ok(None),
        }
    }

    fn resolved_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        let (s, other) = (self.query(s)?, self.query(other)?);
        // `s`'s place, `other`'s resolution.
        let range = s.resolved_as(s.span.resolved_at(other.span));
        self.push_derived(range)
    }

    fn located_at(&mut self, s: u32, other: u32) -> wasmtime::Result<u32> {
        let (s, other) = (self.query(s)?, self.query(other)?);
        // `other`'s place, `s`'s resolution.
        let range = other.resolved_as(s.span.located_at(other.span));
        self.push_derived(range)
    }
}
