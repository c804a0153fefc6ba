//! [`Span`]: a copyable handle to a region of the user's source, answered by the host.

use std::fmt;
use std::path::PathBuf;

use crate::bindings::procbox::proc_macro::spans;

/// The handle the host reserves for [`Span::call_site`].
pub(crate) const CALL_SITE: u32 = 0;
/// The handle the host reserves for [`Span::mixed_site`].
pub(crate) const MIXED_SITE: u32 = 1;

/// A region of source code, along with macro expansion information.
///
/// Mirrors `proc_macro::Span`. A span is a `u32` handle into a table the host
/// keeps for the current expansion: copying it is free and nothing needs to be
/// dropped. Queries about it ([`line`](Self::line), [`source_text`](Self::source_text), ...)
/// are answered by the host, so they only work in a component the host runs;
/// compiled natively (in a unit test, say, where
/// [`is_available`](crate::is_available) is false) they panic.
///
/// `syn` and `quote` see these spans as `proc_macro2::Span`s, which stand for
/// them only to be mapped back: ask a `procbox::Span` (convert with
/// `Span::from`) about its location, not the `proc_macro2::Span`, whose own
/// `start`, `file` and `source_text` describe a placeholder, not the user's
/// code.
#[derive(Copy, Clone)]
pub struct Span(pub(crate) u32);

impl Span {
    /// The span of the macro invocation; identifiers created with it resolve as
    /// if written at the call site (unhygienic).
    pub fn call_site() -> Span {
        Span(CALL_SITE)
    }

    /// A span that resolves local variables at the macro definition site and
    /// everything else at the call site (`macro_rules!`-style hygiene).
    pub fn mixed_site() -> Span {
        Span(MIXED_SITE)
    }

    /// A span with the location of `self` and the name resolution of `other`.
    pub fn resolved_at(&self, other: Span) -> Span {
        Span(spans::resolved_at(self.0, other.0))
    }

    /// A span with the name resolution of `self` and the location of `other`.
    pub fn located_at(&self, other: Span) -> Span {
        Span(spans::located_at(self.0, other.0))
    }

    /// The source text behind this span, when it comes straight from a file.
    pub fn source_text(&self) -> Option<String> {
        spans::source_text(self.0)
    }

    /// An empty span pointing at the start of `self`.
    pub fn start(&self) -> Span {
        Span(spans::start(self.0))
    }

    /// An empty span pointing at the end of `self`.
    pub fn end(&self) -> Span {
        Span(spans::end(self.0))
    }

    /// The 1-based line of the source file where this span starts.
    pub fn line(&self) -> usize {
        spans::line(self.0) as usize
    }

    /// The 1-based column (in characters) where this span starts.
    pub fn column(&self) -> usize {
        spans::column(self.0) as usize
    }

    /// The path of the source file this span is in, for display.
    pub fn file(&self) -> String {
        spans::file(self.0)
    }

    /// The path of the source file this span is in on the local file system,
    /// or `None` when it is not a real file.
    pub fn local_file(&self) -> Option<PathBuf> {
        spans::local_file(self.0).map(PathBuf::from)
    }

    /// A span covering both `self` and `other`, or `None` when they are in
    /// different files (best effort, as in `proc_macro`).
    pub fn join(&self, other: Span) -> Option<Span> {
        spans::join(self.0, other.0).map(Span)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}
