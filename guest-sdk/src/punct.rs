//! [`Punct`]: one punctuation character.

use std::fmt;

use crate::{Punct, Spacing, Span};

/// The characters rustc accepts in a `Punct`.
const LEGAL_CHARS: &[char] = &[
    '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#',
    '$', '?', '\'',
];

impl Punct {
    /// A new `Punct` with the given character and spacing, at the call site.
    ///
    /// # Panics
    ///
    /// Panics if `ch` is not a punctuation character rustc accepts.
    pub fn new(ch: char, spacing: Spacing) -> Punct {
        if !LEGAL_CHARS.contains(&ch) {
            panic!("unsupported character `{ch:?}`");
        }
        Punct {
            ch,
            spacing,
            span: Span::call_site(),
        }
    }

    /// The punctuation character.
    pub fn as_char(&self) -> char {
        self.ch
    }

    /// Whether this character is immediately followed by another `Punct`.
    pub fn spacing(&self) -> Spacing {
        self.spacing
    }

    /// The span of this character.
    pub fn span(&self) -> Span {
        self.span
    }

    /// Configures the span of this character.
    pub fn set_span(&mut self, span: Span) {
        self.span = span;
    }
}

impl PartialEq<char> for Punct {
    fn eq(&self, rhs: &char) -> bool {
        self.ch == *rhs
    }
}

impl PartialEq<Punct> for char {
    fn eq(&self, rhs: &Punct) -> bool {
        *self == rhs.ch
    }
}

impl fmt::Display for Punct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.ch, f)
    }
}

impl fmt::Debug for Punct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Punct")
            // `proc_macro` names the field `ch` (proc_macro2 says `char`).
            .field("ch", &self.ch)
            .field("spacing", &self.spacing)
            .field("span", &self.span)
            .finish()
    }
}
