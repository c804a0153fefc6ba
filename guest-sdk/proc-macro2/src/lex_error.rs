//! [`LexError`]: text that is not valid Rust tokens.

use std::fmt;

use crate::Span;
use crate::backend::imp;

/// The error of parsing a [`TokenStream`](crate::TokenStream) or a
/// [`Literal`](crate::Literal) from a string.
pub struct LexError {
    pub(crate) inner: imp::LexError,
}

impl LexError {
    /// Where the error is: the call site, as inside rustc.
    pub fn span(&self) -> Span {
        Span::call_site()
    }
}

impl From<imp::LexError> for LexError {
    fn from(inner: imp::LexError) -> LexError {
        LexError { inner }
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl std::error::Error for LexError {}
