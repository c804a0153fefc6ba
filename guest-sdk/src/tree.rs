//! The token types' data: [`TokenStream`] and its representation,
//! [`TokenTree`] and its variants, [`Delimiter`] and [`Spacing`].
//!
//! They are defined together because they are defined in terms of each
//! other (a stream holds trees, a group holds a stream). What they do is in
//! the modules named for them; `crate::stream` alone looks inside a
//! stream's representation. The conversions of the small enums to and from
//! `proc_macro2`'s and the WIT world's are here, written once.

use std::rc::Rc;

use crate::Span;
use crate::bindings::procbox::proc_macro::types as wire;

/// An abstract stream of token trees, as in `proc_macro::TokenStream`: the
/// input and output of every macro. Cloning is cheap (the trees are shared).
#[derive(Clone)]
pub struct TokenStream {
    pub(crate) repr: Repr,
}

/// How a stream is held: as whatever it was made from, until something needs
/// another form. A derive written with `syn` and `quote` takes its input as
/// the host sent it ([`Repr::Wire`]) straight to `proc_macro2`, and its output
/// from `proc_macro2` ([`Repr::Pm2`]) straight back, never building this
/// crate's token trees.
#[derive(Clone)]
pub(crate) enum Repr {
    /// Token trees made with this crate's API.
    Trees(Rc<Vec<TokenTree>>),
    /// The macro's input, as the host sent it.
    Wire(Rc<wire::TokenStream>),
    /// Tokens from `syn`/`quote`, spans from the span pool.
    #[cfg(feature = "proc-macro2")]
    Pm2(proc_macro2::TokenStream),
}

/// A single token or a delimited sequence of token trees, as in `proc_macro::TokenTree`.
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

/// A delimited token stream, as in `proc_macro::Group`.
#[derive(Clone)]
pub struct Group {
    pub(crate) delimiter: Delimiter,
    pub(crate) stream: TokenStream,
    pub(crate) span: Span,
    pub(crate) span_open: Span,
    pub(crate) span_close: Span,
}

/// An identifier (`ident`), as in `proc_macro::Ident`.
#[derive(Clone)]
pub struct Ident {
    /// The identifier without any `r#` prefix.
    pub(crate) name: Box<str>,
    pub(crate) is_raw: bool,
    pub(crate) span: Span,
}

/// A single punctuation character, as in `proc_macro::Punct`. Multi-character
/// operators such as `+=` are several `Punct`s, all but the last `Joint`.
#[derive(Clone)]
pub struct Punct {
    pub(crate) ch: char,
    pub(crate) spacing: Spacing,
    pub(crate) span: Span,
}

/// A literal (`1u8`, `2.5`, `'a'`, `"text"`, `b"bytes"`, `c"c"`), as in
/// `proc_macro::Literal`.
#[derive(Clone)]
pub struct Literal {
    /// The literal as written in source, e.g. `"a\n"` or `-1i32`.
    pub(crate) repr: Box<str>,
    pub(crate) span: Span,
}

/// How a [`Group`] is delimited.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Delimiter {
    /// `( ... )`
    Parenthesis,
    /// `{ ... }`
    Brace,
    /// `[ ... ]`
    Bracket,
    /// An invisible delimiter, as around a `macro_rules!` fragment `$e:expr`;
    /// it keeps operator precedence when the fragment is substituted.
    None,
}

/// Whether a [`Punct`] is followed immediately by another `Punct` (`Joint`, as
/// the first `+` of `+=`) or by something else (`Alone`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Spacing {
    /// Followed by another punctuation character as part of one operator.
    Joint,
    /// Followed by whitespace, a non-punctuation token, or nothing.
    Alone,
}

#[cfg(feature = "proc-macro2")]
impl From<Delimiter> for proc_macro2::Delimiter {
    fn from(delimiter: Delimiter) -> proc_macro2::Delimiter {
        match delimiter {
            Delimiter::Parenthesis => proc_macro2::Delimiter::Parenthesis,
            Delimiter::Brace => proc_macro2::Delimiter::Brace,
            Delimiter::Bracket => proc_macro2::Delimiter::Bracket,
            Delimiter::None => proc_macro2::Delimiter::None,
        }
    }
}

#[cfg(feature = "proc-macro2")]
impl From<proc_macro2::Delimiter> for Delimiter {
    fn from(delimiter: proc_macro2::Delimiter) -> Delimiter {
        match delimiter {
            proc_macro2::Delimiter::Parenthesis => Delimiter::Parenthesis,
            proc_macro2::Delimiter::Brace => Delimiter::Brace,
            proc_macro2::Delimiter::Bracket => Delimiter::Bracket,
            proc_macro2::Delimiter::None => Delimiter::None,
        }
    }
}

impl From<Delimiter> for wire::Delimiter {
    fn from(delimiter: Delimiter) -> wire::Delimiter {
        match delimiter {
            Delimiter::Parenthesis => wire::Delimiter::Parenthesis,
            Delimiter::Brace => wire::Delimiter::Brace,
            Delimiter::Bracket => wire::Delimiter::Bracket,
            Delimiter::None => wire::Delimiter::None,
        }
    }
}

impl From<wire::Delimiter> for Delimiter {
    fn from(delimiter: wire::Delimiter) -> Delimiter {
        match delimiter {
            wire::Delimiter::Parenthesis => Delimiter::Parenthesis,
            wire::Delimiter::Brace => Delimiter::Brace,
            wire::Delimiter::Bracket => Delimiter::Bracket,
            wire::Delimiter::None => Delimiter::None,
        }
    }
}

#[cfg(feature = "proc-macro2")]
impl From<Spacing> for proc_macro2::Spacing {
    fn from(spacing: Spacing) -> proc_macro2::Spacing {
        match spacing {
            Spacing::Alone => proc_macro2::Spacing::Alone,
            Spacing::Joint => proc_macro2::Spacing::Joint,
        }
    }
}

#[cfg(feature = "proc-macro2")]
impl From<proc_macro2::Spacing> for Spacing {
    fn from(spacing: proc_macro2::Spacing) -> Spacing {
        match spacing {
            proc_macro2::Spacing::Alone => Spacing::Alone,
            proc_macro2::Spacing::Joint => Spacing::Joint,
        }
    }
}

impl From<Spacing> for wire::Spacing {
    fn from(spacing: Spacing) -> wire::Spacing {
        match spacing {
            Spacing::Alone => wire::Spacing::Alone,
            Spacing::Joint => wire::Spacing::Joint,
        }
    }
}

impl From<wire::Spacing> for Spacing {
    fn from(spacing: wire::Spacing) -> Spacing {
        match spacing {
            wire::Spacing::Alone => Spacing::Alone,
            wire::Spacing::Joint => Spacing::Joint,
        }
    }
}
