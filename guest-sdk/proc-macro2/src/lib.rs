//! procbox's `proc-macro2`: the API of crates.io's `proc_macro2`, over the
//! procbox SDK's tokens, for macro components.
//!
//! `procbox port` patches it in for crates.io's `proc-macro2`
//! (`[patch.crates-io]`), so the `syn` and `quote` of a ported macro build on
//! it and the macro's tokens are the SDK's all the way: no conversion, and no
//! placeholder spans. Its spans are host handles, and it answers as
//! `proc_macro2` does inside rustc on a stable toolchain, which crates.io's
//! `proc_macro2` cannot do outside the compiler:
//!
//! - [`Span::join`] is `None` (rustc's `join` is unstable), so a macro's
//!   `a.join(b).unwrap_or(a)` picks `a` as natively;
//! - [`Span::resolved_at`], [`Span::located_at`] and [`Span::mixed_site`]
//!   keep hygiene: rustc gets back the span the macro made, and prints the
//!   same labels and notes;
//! - text a macro lexes ([`TokenStream`]'s `FromStr`) has the call site's
//!   span, and [`Literal::subspan`] is `None`, as inside rustc.
//!
//! `Display` spaces tokens as crates.io's `proc_macro2` does outside the
//! compiler (the SDK's printer), so that a macro's `to_string()` gives the
//! same text whichever `proc_macro2` it was built with.

#![warn(missing_docs)]

mod backend;
mod group;
mod ident;
mod lex_error;
mod literal;
mod location;
mod punct;
mod span;
mod stream;
mod token_tree;
mod tree;

pub mod extra;

pub use backend::imp::{Delimiter, Spacing};
pub use lex_error::LexError;
pub use location::LineColumn;
pub use span::Span;
pub use tree::{Group, Ident, Literal, Punct, TokenStream, TokenTree};

/// Iterators over a [`TokenStream`], as in `proc_macro2::token_stream`.
pub mod token_stream {
    pub use crate::stream::IntoIter;
    pub use crate::tree::TokenStream;
}

/// `proc_macro2::fallback`'s switches, for crates that call them: there is
/// no compiler to fall back from in a component, so they change nothing.
#[doc(hidden)]
pub mod fallback {
    /// Does nothing: a component's tokens are always procbox's.
    pub fn force() {}
    /// Does nothing: a component's tokens are always procbox's.
    pub fn unforce() {}
}
