//! [`LexError`]: text that is not valid Rust tokens.

use std::fmt;

/// The error of parsing a [`TokenStream`](crate::TokenStream) or a
/// [`Literal`](crate::Literal) from a string.
#[derive(Debug)]
pub struct LexError {
    message: String,
}

impl From<proc_macro2::LexError> for LexError {
    fn from(err: proc_macro2::LexError) -> LexError {
        LexError {
            message: err.to_string(),
        }
    }
}

impl fmt::Display for LexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for LexError {}
