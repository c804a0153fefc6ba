//! [`Punct`]: one punctuation character.

use std::fmt;

use crate::backend::imp::{self, Spacing};
use crate::{Punct, Span};

impl Punct {
    /// A new `Punct` at the call site.
    ///
    /// # Panics
    ///
    /// Panics if `ch` is not a punctuation character rustc accepts.
    pub fn new(ch: char, spacing: Spacing) -> Punct {
        Punct {
            inner: imp::Punct::new(ch, spacing),
        }
    }

    /// The punctuation character.
    pub fn as_char(&self) -> char {
        self.inner.as_char()
    }

    /// Whether the next token is punctuation of the same operator.
    pub fn spacing(&self) -> Spacing {
        self.inner.spacing()
    }

    /// The span of this character.
    pub fn span(&self) -> Span {
        self.inner.span().into()
    }

    /// Sets the span of this character.
    pub fn set_span(&mut self, span: Span) {
        self.inner.set_span(span.into());
    }
}

impl From<imp::Punct> for Punct {
    fn from(inner: imp::Punct) -> Punct {
        Punct { inner }
    }
}

impl fmt::Display for Punct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Punct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
