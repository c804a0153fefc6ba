//! [`TokenTree`]: one token or a delimited group.

use std::fmt;

use crate::backend::imp;
use crate::{Group, Ident, Literal, Punct, Span, TokenTree};

impl TokenTree {
    /// The span of this tree (a group's whole span).
    pub fn span(&self) -> Span {
        match self {
            TokenTree::Group(t) => t.span(),
            TokenTree::Ident(t) => t.span(),
            TokenTree::Punct(t) => t.span(),
            TokenTree::Literal(t) => t.span(),
        }
    }

    /// Sets the span of this tree (a group's whole span, delimiters too).
    pub fn set_span(&mut self, span: Span) {
        match self {
            TokenTree::Group(t) => t.set_span(span),
            TokenTree::Ident(t) => t.set_span(span),
            TokenTree::Punct(t) => t.set_span(span),
            TokenTree::Literal(t) => t.set_span(span),
        }
    }
}

impl From<imp::TokenTree> for TokenTree {
    fn from(tree: imp::TokenTree) -> TokenTree {
        match tree {
            imp::TokenTree::Group(t) => TokenTree::Group(Group::from(t)),
            imp::TokenTree::Ident(t) => TokenTree::Ident(Ident::from(t)),
            imp::TokenTree::Punct(t) => TokenTree::Punct(Punct::from(t)),
            imp::TokenTree::Literal(t) => TokenTree::Literal(Literal::from(t)),
        }
    }
}

impl From<TokenTree> for imp::TokenTree {
    fn from(tree: TokenTree) -> imp::TokenTree {
        match tree {
            TokenTree::Group(t) => imp::TokenTree::Group(t.inner),
            TokenTree::Ident(t) => imp::TokenTree::Ident(t.inner),
            TokenTree::Punct(t) => imp::TokenTree::Punct(t.inner),
            TokenTree::Literal(t) => imp::TokenTree::Literal(t.inner),
        }
    }
}

macro_rules! from_each {
    ($($item:ident)*) => {
        $(
            impl From<$item> for TokenTree {
                fn from(item: $item) -> TokenTree {
                    TokenTree::$item(item)
                }
            }
        )*
    };
}

from_each!(Group Ident Punct Literal);

impl fmt::Display for TokenTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenTree::Group(t) => fmt::Display::fmt(t, f),
            TokenTree::Ident(t) => fmt::Display::fmt(t, f),
            TokenTree::Punct(t) => fmt::Display::fmt(t, f),
            TokenTree::Literal(t) => fmt::Display::fmt(t, f),
        }
    }
}

impl fmt::Debug for TokenTree {
    /// Each kind names itself, so no extra layer (as in `proc_macro2`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenTree::Group(t) => fmt::Debug::fmt(t, f),
            TokenTree::Ident(t) => fmt::Debug::fmt(t, f),
            TokenTree::Punct(t) => fmt::Debug::fmt(t, f),
            TokenTree::Literal(t) => fmt::Debug::fmt(t, f),
        }
    }
}
