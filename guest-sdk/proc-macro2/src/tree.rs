//! The token types' data, defined together because they are defined in
//! terms of each other (a stream holds trees, a group holds a stream); what
//! they do is in the modules named for them.

use crate::backend::{Marker, imp};

/// An abstract stream of token trees, as in `proc_macro2::TokenStream`.
/// Cloning is cheap (the trees are shared).
#[derive(Clone, Default)]
pub struct TokenStream {
    pub(crate) inner: imp::TokenStream,
    pub(crate) _marker: Marker,
}

/// A single token or a delimited sequence of token trees, as in
/// `proc_macro2::TokenTree`.
#[derive(Clone)]
pub enum TokenTree {
    /// A token stream surrounded by bracket delimiters.
    Group(Group),
    /// An identifier.
    Ident(Ident),
    /// A single punctuation character (`+`, `,`, `$`, etc.).
    Punct(Punct),
    /// A literal character (`'a'`), string (`"hello"`), number (`2.3`), etc.
    Literal(Literal),
}

/// A delimited token stream, as in `proc_macro2::Group`.
#[derive(Clone)]
pub struct Group {
    pub(crate) inner: imp::Group,
}

/// An identifier, as in `proc_macro2::Ident`: two identifiers are equal when
/// their text is (`r#` included), whatever their spans.
#[derive(Clone)]
pub struct Ident {
    pub(crate) inner: imp::Ident,
}

/// A single punctuation character, as in `proc_macro2::Punct`.
#[derive(Clone)]
pub struct Punct {
    pub(crate) inner: imp::Punct,
}

/// A literal, as in `proc_macro2::Literal`; made as rustc's `proc_macro`
/// makes it (the SDK's constructors), which is what `proc_macro2` inside
/// rustc does.
#[derive(Clone)]
pub struct Literal {
    pub(crate) inner: imp::Literal,
}
