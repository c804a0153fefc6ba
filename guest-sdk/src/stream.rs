//! [`TokenStream`]: a cheaply clonable sequence of token trees.

use std::fmt;
use std::rc::Rc;
use std::str::FromStr;

use crate::{LexError, TokenTree};

/// An abstract stream of token trees, as in `proc_macro::TokenStream`: the
/// input and output of every macro. Cloning is cheap (the trees are shared).
#[derive(Clone, Default)]
pub struct TokenStream {
    pub(crate) trees: Rc<Vec<TokenTree>>,
}

impl TokenStream {
    /// An empty stream.
    pub fn new() -> TokenStream {
        TokenStream::default()
    }

    /// Whether this stream has no token trees.
    pub fn is_empty(&self) -> bool {
        self.trees.is_empty()
    }

    pub(crate) fn from_trees(trees: Vec<TokenTree>) -> TokenStream {
        TokenStream {
            trees: Rc::new(trees),
        }
    }

    fn trees_mut(&mut self) -> &mut Vec<TokenTree> {
        Rc::make_mut(&mut self.trees)
    }
}

impl FromStr for TokenStream {
    type Err = LexError;

    /// Lexes `src` into tokens; as in `proc_macro`, every token gets the call
    /// site span.
    fn from_str(src: &str) -> Result<TokenStream, LexError> {
        let parsed = proc_macro2::TokenStream::from_str(src)?;
        Ok(crate::bridge::from_proc_macro2(parsed))
    }
}

impl fmt::Display for TokenStream {
    /// Prints the stream as source text that lexes back to the same tokens,
    /// spaced as `proc_macro` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&crate::bridge::stream_without_spans(self), f)
    }
}

impl fmt::Debug for TokenStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStream ")?;
        f.debug_list().entries(self.trees.iter()).finish()
    }
}

impl From<TokenTree> for TokenStream {
    fn from(tree: TokenTree) -> TokenStream {
        TokenStream::from_trees(vec![tree])
    }
}

impl FromIterator<TokenTree> for TokenStream {
    fn from_iter<I: IntoIterator<Item = TokenTree>>(trees: I) -> TokenStream {
        TokenStream::from_trees(trees.into_iter().collect())
    }
}

impl FromIterator<TokenStream> for TokenStream {
    fn from_iter<I: IntoIterator<Item = TokenStream>>(streams: I) -> TokenStream {
        let mut out = TokenStream::new();
        out.extend(streams);
        out
    }
}

impl Extend<TokenTree> for TokenStream {
    fn extend<I: IntoIterator<Item = TokenTree>>(&mut self, trees: I) {
        self.trees_mut().extend(trees);
    }
}

impl Extend<TokenStream> for TokenStream {
    fn extend<I: IntoIterator<Item = TokenStream>>(&mut self, streams: I) {
        let trees = self.trees_mut();
        for stream in streams {
            trees.extend(Rc::unwrap_or_clone(stream.trees));
        }
    }
}

impl IntoIterator for TokenStream {
    type Item = TokenTree;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            trees: Rc::unwrap_or_clone(self.trees).into_iter(),
        }
    }
}

/// An iterator over a [`TokenStream`]'s token trees (not into groups).
#[derive(Clone)]
pub struct IntoIter {
    trees: std::vec::IntoIter<TokenTree>,
}

impl Iterator for IntoIter {
    type Item = TokenTree;

    fn next(&mut self) -> Option<TokenTree> {
        self.trees.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.trees.size_hint()
    }
}

impl fmt::Debug for IntoIter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("IntoIter")
    }
}
