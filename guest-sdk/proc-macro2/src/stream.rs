//! [`TokenStream`]'s behaviour: the stream underneath (the SDK's in a
//! component), with `proc_macro2`'s API.

use std::fmt;
use std::str::FromStr;

use crate::backend::{Marker, imp};
use crate::{Group, Ident, LexError, Literal, Punct, TokenStream, TokenTree};

impl TokenStream {
    /// An empty stream.
    pub fn new() -> TokenStream {
        TokenStream::default()
    }

    /// Whether this stream has no token trees.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

impl From<imp::TokenStream> for TokenStream {
    /// The stream underneath (in a component, the SDK's: a macro's input) for
    /// `syn` and `quote`: the same tokens, no conversion.
    fn from(inner: imp::TokenStream) -> TokenStream {
        TokenStream {
            inner,
            _marker: Marker::default(),
        }
    }
}

impl From<TokenStream> for imp::TokenStream {
    /// The stream underneath (in a component, the SDK's: a macro's output).
    fn from(stream: TokenStream) -> imp::TokenStream {
        stream.inner
    }
}

impl FromStr for TokenStream {
    type Err = LexError;

    /// Lexes `src`; every token gets the call site's span, as inside rustc.
    fn from_str(src: &str) -> Result<TokenStream, LexError> {
        Ok(imp::TokenStream::from_str(src)?.into())
    }
}

impl fmt::Display for TokenStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for TokenStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStream ")?;
        f.debug_list().entries(self.clone()).finish()
    }
}

impl From<TokenTree> for TokenStream {
    fn from(tree: TokenTree) -> TokenStream {
        imp::TokenStream::from(imp::TokenTree::from(tree)).into()
    }
}

impl Extend<TokenTree> for TokenStream {
    fn extend<I: IntoIterator<Item = TokenTree>>(&mut self, trees: I) {
        self.inner
            .extend(trees.into_iter().map(imp::TokenTree::from));
    }
}

impl Extend<TokenStream> for TokenStream {
    fn extend<I: IntoIterator<Item = TokenStream>>(&mut self, streams: I) {
        self.inner
            .extend(streams.into_iter().map(|stream| stream.inner));
    }
}

/// `Extend<Group>`, `Extend<Ident>`, `Extend<Punct>` and `Extend<Literal>`,
/// as `proc_macro2` has them: each item is appended as a tree.
macro_rules! extend_with_trees {
    ($($item:ident)*) => {
        $(
            impl Extend<$item> for TokenStream {
                fn extend<I: IntoIterator<Item = $item>>(&mut self, items: I) {
                    self.extend(items.into_iter().map(TokenTree::$item));
                }
            }
        )*
    };
}

extend_with_trees!(Group Ident Punct Literal);

impl FromIterator<TokenTree> for TokenStream {
    fn from_iter<I: IntoIterator<Item = TokenTree>>(trees: I) -> TokenStream {
        trees
            .into_iter()
            .map(imp::TokenTree::from)
            .collect::<imp::TokenStream>()
            .into()
    }
}

impl FromIterator<TokenStream> for TokenStream {
    fn from_iter<I: IntoIterator<Item = TokenStream>>(streams: I) -> TokenStream {
        streams
            .into_iter()
            .map(|stream| stream.inner)
            .collect::<imp::TokenStream>()
            .into()
    }
}

impl IntoIterator for TokenStream {
    type Item = TokenTree;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            inner: self.inner.into_iter(),
            _marker: Marker::default(),
        }
    }
}

/// An iterator over a [`TokenStream`]'s token trees (not into groups).
#[derive(Clone)]
pub struct IntoIter {
    inner: imp::token_stream::IntoIter,
    _marker: Marker,
}

impl Iterator for IntoIter {
    type Item = TokenTree;

    fn next(&mut self) -> Option<TokenTree> {
        self.inner.next().map(TokenTree::from)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl fmt::Debug for IntoIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStream ")?;
        f.debug_list().entries(self.clone()).finish()
    }
}

#[cfg(all(feature = "proc-macro", target_family = "wasm"))]
mod compiler {
    //! rustc's `proc_macro::TokenStream`, which a component never sees (it
    //! never runs inside rustc): these exist so that crates naming them
    //! build, and go through text as `proc_macro2` would have to.

    use std::str::FromStr;

    extern crate proc_macro;

    use crate::TokenStream;

    impl From<proc_macro::TokenStream> for TokenStream {
        fn from(stream: proc_macro::TokenStream) -> TokenStream {
            TokenStream::from_str(&stream.to_string()).unwrap_or_default()
        }
    }

    impl From<TokenStream> for proc_macro::TokenStream {
        fn from(stream: TokenStream) -> proc_macro::TokenStream {
            proc_macro::TokenStream::from_str(&stream.to_string()).unwrap_or_default()
        }
    }
}
