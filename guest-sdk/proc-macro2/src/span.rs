//! [`Span`]: a host span handle, answered as rustc answers on stable.

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use crate::LineColumn;
use crate::backend::{Marker, imp};

/// A region of source code with its hygiene, as in `proc_macro2::Span`.
///
/// In a component it is the SDK's `procbox::Span`, a handle into the host's
/// table for the current expansion, so every query is the host's answer
/// about the user's code.
#[derive(Copy, Clone)]
pub struct Span {
    pub(crate) inner: imp::Span,
    _marker: Marker,
}

impl Span {
    pub(crate) fn new(inner: imp::Span) -> Span {
        Span {
            inner,
            _marker: Marker::default(),
        }
    }

    /// The span of the macro invocation: identifiers resolve as if written
    /// there.
    pub fn call_site() -> Span {
        Span::new(imp::Span::call_site())
    }

    /// Local variables resolve at the macro's definition, everything else at
    /// the call site (`macro_rules!` hygiene).
    pub fn mixed_site() -> Span {
        Span::new(imp::Span::mixed_site())
    }

    /// The location of `self` with the name resolution of `other`.
    pub fn resolved_at(&self, other: Span) -> Span {
        Span::new(self.inner.resolved_at(other.inner))
    }

    /// The name resolution of `self` at the location of `other`.
    pub fn located_at(&self, other: Span) -> Span {
        Span::new(self.inner.located_at(other.inner))
    }

    /// The span underneath: the SDK's in a component (in a port,
    /// `proc_macro` is the SDK), rustc's `proc_macro::Span` natively.
    pub fn unwrap(self) -> imp::Span {
        self.inner
    }

    /// Byte offsets in the source file: unknown (`0..0`), as from
    /// `proc_macro2` inside rustc on stable.
    pub fn byte_range(&self) -> Range<usize> {
        0..0
    }

    /// Where the span starts (1-based line, 0-based column).
    pub fn start(&self) -> LineColumn {
        line_column(self.inner.start())
    }

    /// Where the span ends (1-based line, 0-based column).
    pub fn end(&self) -> LineColumn {
        line_column(self.inner.end())
    }

    /// The path of the file the span is in, for display.
    pub fn file(&self) -> String {
        self.inner.file()
    }

    /// The path of the file the span is in on the local file system, if it
    /// is a real file.
    pub fn local_file(&self) -> Option<PathBuf> {
        self.inner.local_file()
    }

    /// Always `None`: joining spans is unstable in rustc, so inside rustc on
    /// stable `proc_macro2` answers `None`, and a macro's fallback (often
    /// `a.join(b).unwrap_or(a)`) must pick the same span here.
    pub fn join(&self, _other: Span) -> Option<Span> {
        None
    }

    /// The source text behind this span, when it comes straight from a file.
    pub fn source_text(&self) -> Option<String> {
        self.inner.source_text()
    }
}

fn line_column(point: imp::Span) -> LineColumn {
    LineColumn {
        line: point.line(),
        column: point.column().saturating_sub(1),
    }
}

impl From<imp::Span> for Span {
    fn from(inner: imp::Span) -> Span {
        Span::new(inner)
    }
}

impl From<Span> for imp::Span {
    fn from(span: Span) -> imp::Span {
        span.inner
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
