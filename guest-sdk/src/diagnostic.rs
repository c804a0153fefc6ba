//! [`Diagnostic`]: messages a macro reports besides its output tokens.
//!
//! Mirrors the (unstable) `proc_macro::Diagnostic`. Most macros report errors
//! with `syn::Error::to_compile_error()` instead, which works unchanged; the
//! host reports both kinds to the build tool.

use std::cell::RefCell;

use crate::Span;
use crate::bindings::procbox::proc_macro::types as wire;

thread_local! {
    static EMITTED: RefCell<Vec<wire::Diagnostic>> = const { RefCell::new(Vec::new()) };
}

/// How serious a [`Diagnostic`] is.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Level {
    /// An error: compilation fails.
    Error,
    /// A warning.
    Warning,
    /// A note attached to the message before it.
    Note,
    /// A suggestion attached to the message before it.
    Help,
}

/// Types that stand for one or more spans.
pub trait MultiSpan {
    /// The spans.
    fn into_spans(self) -> Vec<Span>;
}

impl MultiSpan for Span {
    fn into_spans(self) -> Vec<Span> {
        vec![self]
    }
}

impl MultiSpan for Vec<Span> {
    fn into_spans(self) -> Vec<Span> {
        self
    }
}

impl MultiSpan for &[Span] {
    fn into_spans(self) -> Vec<Span> {
        self.to_vec()
    }
}

/// A message about the user's code, shown by the build tool.
///
/// ```no_run
/// use procbox::{Diagnostic, Level, Span};
///
/// Diagnostic::spanned(Span::call_site(), Level::Warning, "this derive is deprecated").emit();
/// ```
#[derive(Clone, Debug)]
pub struct Diagnostic {
    level: Level,
    message: String,
    spans: Vec<Span>,
    children: Vec<Diagnostic>,
}

impl Diagnostic {
    /// A diagnostic at the call site.
    pub fn new<T: Into<String>>(level: Level, message: T) -> Diagnostic {
        Diagnostic::spanned(Vec::new(), level, message)
    }

    /// A diagnostic pointing at `spans`.
    pub fn spanned<S: MultiSpan, T: Into<String>>(
        spans: S,
        level: Level,
        message: T,
    ) -> Diagnostic {
        Diagnostic {
            level,
            message: message.into(),
            spans: spans.into_spans(),
            children: Vec::new(),
        }
    }

    /// Adds a note at `spans`.
    pub fn span_note<S: MultiSpan, T: Into<String>>(mut self, spans: S, message: T) -> Diagnostic {
        self.children
            .push(Diagnostic::spanned(spans, Level::Note, message));
        self
    }

    /// Adds a note.
    pub fn note<T: Into<String>>(self, message: T) -> Diagnostic {
        self.span_note(Vec::new(), message)
    }

    /// Adds a help message at `spans`.
    pub fn span_help<S: MultiSpan, T: Into<String>>(mut self, spans: S, message: T) -> Diagnostic {
        self.children
            .push(Diagnostic::spanned(spans, Level::Help, message));
        self
    }

    /// Adds a help message.
    pub fn help<T: Into<String>>(self, message: T) -> Diagnostic {
        self.span_help(Vec::new(), message)
    }

    /// The level.
    pub fn level(&self) -> Level {
        self.level
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The spans (empty means the call site).
    pub fn spans(&self) -> Vec<Span> {
        self.spans.clone()
    }

    /// Reports this diagnostic, and its children after it, with the expansion.
    pub fn emit(self) {
        EMITTED.with(|emitted| {
            let mut emitted = emitted.borrow_mut();
            for diagnostic in std::iter::once(&self).chain(&self.children) {
                emitted.push(wire::Diagnostic {
                    level: match diagnostic.level {
                        Level::Error => wire::Level::Error,
                        Level::Warning => wire::Level::Warning,
                        Level::Note => wire::Level::Note,
                        Level::Help => wire::Level::Help,
                    },
                    message: diagnostic.message.clone(),
                    spans: diagnostic.spans.iter().map(|s| s.0).collect(),
                });
            }
        });
    }
}

/// The diagnostics emitted since the last call.
pub(crate) fn take() -> Vec<wire::Diagnostic> {
    EMITTED.with(|emitted| std::mem::take(&mut *emitted.borrow_mut()))
}
