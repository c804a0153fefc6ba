//! [`TokenStream`]'s behaviour, and the one place that looks inside a
//! stream's representation ([`Repr`]): a stream is kept in whatever form it
//! was made in (this crate's token trees, the host's flat input, or
//! `proc_macro2` tokens from `syn` and `quote`) until something needs
//! another, and this module chooses the conversion. The backends
//! (`crate::wire` for the flat format, `crate::bridge` for `proc_macro2`)
//! work on one form each and reach a group's contents through the
//! [`Dispatch`] this module gives them.

use std::fmt;
use std::rc::Rc;
use std::str::FromStr;

use crate::tree::Repr;
use crate::wire::{Encoder, WireStream};
use crate::{LexError, TokenStream, TokenTree, wire};

/// How the backends reach a group's contents, whatever form they are in.
pub(crate) struct Dispatch;

#[cfg(feature = "proc-macro2")]
impl crate::bridge::Contents for Dispatch {
    fn trees(stream: &TokenStream) -> Option<&[TokenTree]> {
        match &stream.repr {
            Repr::Trees(trees) => Some(trees),
            _ => None,
        }
    }

    fn convert(stream: &TokenStream) -> proc_macro2::TokenStream {
        to_proc_macro2(stream)
    }
}

impl wire::Contents for Dispatch {
    fn encode(stream: &TokenStream, out: &mut Encoder) {
        match &stream.repr {
            Repr::Trees(trees) => wire::encode_trees::<Dispatch>(trees, out),
            #[cfg(feature = "proc-macro2")]
            Repr::Pm2(stream) => wire::encode_proc_macro2(stream.clone(), out),
            Repr::Wire(flat) => out.append(flat),
        }
    }
}

/// Converts a stream for use with `syn`/`quote`, keeping every span.
#[cfg(feature = "proc-macro2")]
pub(crate) fn to_proc_macro2(stream: &TokenStream) -> proc_macro2::TokenStream {
    match &stream.repr {
        Repr::Pm2(stream) => stream.clone(),
        Repr::Wire(flat) => wire::to_proc_macro2(flat),
        Repr::Trees(trees) => crate::bridge::trees_to_proc_macro2::<Dispatch>(trees),
    }
}

/// Flattens a stream for the host.
pub(crate) fn encode(stream: TokenStream) -> WireStream {
    match stream.repr {
        // The input returned unchanged: send it back as it came.
        Repr::Wire(input) => Rc::unwrap_or_clone(input),
        // Moved in, so a stream only the macro holds is not cloned.
        #[cfg(feature = "proc-macro2")]
        Repr::Pm2(stream) => {
            let mut out = Encoder::new();
            wire::encode_proc_macro2(stream, &mut out);
            out.finish()
        }
        Repr::Trees(trees) => {
            let mut out = Encoder::new();
            wire::encode_trees::<Dispatch>(&trees, &mut out);
            out.finish()
        }
    }
}

impl Default for TokenStream {
    fn default() -> TokenStream {
        TokenStream::from_trees(Vec::new())
    }
}

impl TokenStream {
    /// An empty stream.
    pub fn new() -> TokenStream {
        TokenStream::default()
    }

    /// Whether this stream has no token trees.
    pub fn is_empty(&self) -> bool {
        match &self.repr {
            Repr::Trees(trees) => trees.is_empty(),
            Repr::Wire(wire) => wire.tokens.is_empty(),
            #[cfg(feature = "proc-macro2")]
            Repr::Pm2(stream) => stream.is_empty(),
        }
    }

    pub(crate) fn from_trees(trees: Vec<TokenTree>) -> TokenStream {
        TokenStream {
            repr: Repr::Trees(Rc::new(trees)),
        }
    }

    /// The macro's input as the host sent it.
    pub(crate) fn from_wire(stream: WireStream) -> TokenStream {
        TokenStream {
            repr: Repr::Wire(Rc::new(stream)),
        }
    }

    /// The top-level trees, shared when the stream already holds them.
    pub(crate) fn trees(&self) -> Rc<Vec<TokenTree>> {
        match &self.repr {
            Repr::Trees(trees) => Rc::clone(trees),
            Repr::Wire(flat) => Rc::new(wire::decode(flat)),
            #[cfg(feature = "proc-macro2")]
            Repr::Pm2(stream) => Rc::new(crate::bridge::trees_from_proc_macro2(stream.clone())),
        }
    }

    fn trees_mut(&mut self) -> &mut Vec<TokenTree> {
        if !matches!(self.repr, Repr::Trees(_)) {
            self.repr = Repr::Trees(self.trees());
        }
        match &mut self.repr {
            Repr::Trees(trees) => Rc::make_mut(trees),
            // Just made trees.
            _ => unreachable!("the stream holds token trees"),
        }
    }
}

#[cfg(feature = "proc-macro2")]
impl From<proc_macro2::TokenStream> for TokenStream {
    /// Converts a stream built with `syn`/`quote` back, keeping the spans that
    /// came from the macro's input; other spans become the call site.
    ///
    /// Nothing is converted yet: the stream is flattened for the host as it
    /// is, or turned into token trees if the macro iterates over it.
    fn from(stream: proc_macro2::TokenStream) -> TokenStream {
        TokenStream {
            repr: Repr::Pm2(stream),
        }
    }
}

impl FromStr for TokenStream {
    type Err = LexError;

    /// Lexes `src` into tokens; as in `proc_macro`, every token gets the call
    /// site span.
    fn from_str(src: &str) -> Result<TokenStream, LexError> {
        crate::lex::lex(src).map(TokenStream::from_trees)
    }
}

impl fmt::Display for TokenStream {
    /// Prints the stream as source text that lexes back to the same tokens,
    /// spaced as `proc_macro` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        crate::print::stream(self, f)
    }
}

impl fmt::Debug for TokenStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenStream ")?;
        f.debug_list().entries(self.trees().iter()).finish()
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
            match stream.repr {
                Repr::Trees(more) => trees.extend(Rc::unwrap_or_clone(more)),
                _ => trees.extend(Rc::unwrap_or_clone(stream.trees())),
            }
        }
    }
}

/// `Extend<Group>`, `Extend<Ident>`, `Extend<Punct>` and `Extend<Literal>`, as
/// `proc_macro` has them since Rust 1.92: each item is appended as a tree.
macro_rules! extend_with_trees {
    ($($item:ident)*) => {
        $(
            impl Extend<crate::$item> for TokenStream {
                fn extend<I: IntoIterator<Item = crate::$item>>(&mut self, items: I) {
                    self.extend(items.into_iter().map(TokenTree::$item));
                }
            }
        )*
    };
}

extend_with_trees!(Group Ident Punct Literal);

impl IntoIterator for TokenStream {
    type Item = TokenTree;
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            trees: match self.repr {
                Repr::Trees(trees) => Rc::unwrap_or_clone(trees),
                _ => Rc::unwrap_or_clone(self.trees()),
            }
            .into_iter(),
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
