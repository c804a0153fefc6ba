//! `proc_macro2` literals for a whole stream, lexed together.
//!
//! A fallback `proc_macro2::Literal` can only be made from arbitrary text by
//! lexing it, and each lexed text becomes a file in the source map. Lexing all
//! the literals of a conversion as one text costs one file instead of one per
//! literal.

use std::str::FromStr;

use proc_macro2 as pm2;

/// The lexed literals of one conversion, handed out in order.
pub(crate) struct Literals {
    lexed: std::vec::IntoIter<pm2::TokenTree>,
}

impl Literals {
    /// Lexes `reprs` (valid literals, in the order [`Literals::next`] will be
    /// asked for them).
    pub(crate) fn lex<'a>(reprs: impl Iterator<Item = &'a str>) -> Literals {
        let mut text = String::new();
        let mut count = 0;
        for repr in reprs.filter(|repr| lexes_as_one(repr)) {
            text.push_str(repr);
            text.push(' ');
            count += 1;
        }
        let lexed: Vec<pm2::TokenTree> = if count == 0 {
            Vec::new()
        } else {
            pm2::TokenStream::from_str(&text)
                .map_or_else(|_| Vec::new(), |s| s.into_iter().collect())
        };
        // Every repr is one literal token, so this always holds; if it did
        // not, lexing each literal alone is still right.
        let matches = lexed.len() == count
            && lexed
                .iter()
                .all(|tree| matches!(tree, pm2::TokenTree::Literal(_)));
        Literals {
            lexed: if matches { lexed } else { Vec::new() }.into_iter(),
        }
    }

    /// The literal for `repr`, the next one given to [`Literals::lex`].
    pub(crate) fn next(&mut self, repr: &str) -> pm2::Literal {
        if lexes_as_one(repr)
            && let Some(pm2::TokenTree::Literal(literal)) = self.lexed.next()
        {
            return literal;
        }
        lex_one(repr)
    }
}

/// Whether the lexer reads `repr` back as a single literal token: a negative
/// number is `-` and a literal, so it is lexed alone (as one literal by
/// `Literal::from_str`).
fn lexes_as_one(repr: &str) -> bool {
    !repr.starts_with('-')
}

/// Lexes one literal.
pub(crate) fn lex_one(repr: &str) -> pm2::Literal {
    // Every literal is checked when it is made (constructors, `FromStr`, the
    // host's validation of its input), so this cannot fail.
    pm2::Literal::from_str(repr).expect("procbox literals are valid literals")
}
