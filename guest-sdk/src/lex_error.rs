//! [`LexError`]: text that is not valid Rust tokens.

use std::fmt;

/// The error of parsing a [`TokenStream`](crate::TokenStream) or a
/// [`Literal`](crate::Literal) from a string.
///
/// It prints as `proc_macro`'s does ("cannot parse string into token
/// stream"), since a macro may put the message in its output; `{:?}` says
/// what in the text was wrong.
pub struct LexError {
    detail: String,
}

impl LexError {
    pub(crate) fn new(detail: String) -> LexError {
        LexError { detail }
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot parse string into token stream")
    }
}

impl fmt::Debug for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LexError")
            .field("detail", &self.detail)
            .finish()
    }
}

impl std::error::Error for LexError {}
