//! The flat token stream: the layout of the WIT `token-stream` record, used
//! wherever a token stream crosses a process or sandbox boundary.
//!
//! A stream is one list of plain records in depth-first order (a group is
//! followed by its whole subtree, whose length it records) and one string
//! holding every identifier and literal. Spans are `u32` handles into a table
//! the sender keeps; [`CALL_SITE`] and [`MIXED_SITE`] are fixed.

/// A handle to a span in the table of the side that owns the spans.
pub type Span = u32;

/// The handle of `Span::call_site()`.
pub const CALL_SITE: Span = 0;

/// The handle of `Span::mixed_site()`.
pub const MIXED_SITE: Span = 1;

/// The first handle that is not fixed: the spans of the input start here.
pub const FIRST_INPUT_SPAN: Span = 2;

/// The delimiter of a group.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Delimiter {
    /// `( ... )`
    Parenthesis,
    /// `{ ... }`
    Brace,
    /// `[ ... ]`
    Bracket,
    /// An invisible delimiter, e.g. around a `macro_rules!` fragment.
    None,
}

/// Whether a punctuation character is followed immediately by another one.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Spacing {
    /// Followed by whitespace or a token that is not punctuation.
    Alone,
    /// Followed immediately by more punctuation (`+=`).
    Joint,
}

/// A byte range in [`TokenStream::text`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct TextRange {
    /// The first byte.
    pub start: u32,
    /// The length in bytes.
    pub len: u32,
}

/// A delimited group; the `len` tokens after it are its contents (its whole
/// subtree).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct GroupToken {
    /// Its delimiter.
    pub delimiter: Delimiter,
    /// The span of the whole group.
    pub span: Span,
    /// The span of the opening delimiter.
    pub span_open: Span,
    /// The span of the closing delimiter.
    pub span_close: Span,
    /// How many tokens follow it inside it, nested groups' included.
    pub len: u32,
}

/// An identifier.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct IdentToken {
    /// Its text, without any `r#` prefix.
    pub text: TextRange,
    /// Whether it is a raw identifier (`r#type`).
    pub is_raw: bool,
    /// Its span.
    pub span: Span,
}

/// A punctuation character.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PunctToken {
    /// The character.
    pub ch: char,
    /// Whether more punctuation follows immediately.
    pub spacing: Spacing,
    /// Its span.
    pub span: Span,
}

/// A literal.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct LiteralToken {
    /// Its text exactly as written (`"a\n"`, `1u8`, `-2.5`).
    pub text: TextRange,
    /// Its span.
    pub span: Span,
}

/// One node of the depth-first list.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Token {
    /// A group; its contents follow.
    Group(GroupToken),
    /// An identifier.
    Ident(IdentToken),
    /// A punctuation character.
    Punct(PunctToken),
    /// A literal.
    Literal(LiteralToken),
}

impl Token {
    /// The token's span (for a group, the whole group's).
    pub fn span(&self) -> Span {
        match self {
            Token::Group(g) => g.span,
            Token::Ident(i) => i.span,
            Token::Punct(p) => p.span,
            Token::Literal(l) => l.span,
        }
    }
}

/// A token stream, flattened depth-first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TokenStream {
    /// The text of identifiers and literals, which they refer to by range.
    pub text: String,
    /// The tokens; a group is followed by its contents.
    pub tokens: Vec<Token>,
}

impl TokenStream {
    /// An empty stream.
    pub const fn new() -> TokenStream {
        TokenStream {
            text: String::new(),
            tokens: Vec::new(),
        }
    }

    /// The text `range` refers to, or `None` if it is outside the text or
    /// splits a character.
    pub fn text_of(&self, range: TextRange) -> Option<&str> {
        let start = range.start as usize;
        self.text.get(start..start.checked_add(range.len as usize)?)
    }

    /// Appends `text` to the stream's text and returns its range.
    ///
    /// # Panics
    ///
    /// If the text grows past 4 GiB, which no range could address.
    pub fn push_text(&mut self, text: &str) -> TextRange {
        let start = self.text.len();
        self.text.push_str(text);
        TextRange {
            start: u32::try_from(start).expect("token text under 4 GiB"),
            len: u32::try_from(text.len()).expect("token text under 4 GiB"),
        }
    }

    /// Appends a group header with no contents yet, and returns its index
    /// for [`close_group`](Self::close_group).
    pub fn open_group(
        &mut self,
        delimiter: Delimiter,
        span: Span,
        open: Span,
        close: Span,
    ) -> usize {
        self.tokens.push(Token::Group(GroupToken {
            delimiter,
            span,
            span_open: open,
            span_close: close,
            len: 0,
        }));
        self.tokens.len() - 1
    }

    /// Records that every token pushed since the group at `index` was opened
    /// is inside it.
    pub fn close_group(&mut self, index: usize) {
        let len = self.tokens.len() - index - 1;
        if let Some(Token::Group(group)) = self.tokens.get_mut(index) {
            group.len = u32::try_from(len).expect("fewer than 4 billion tokens in a group");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_record_their_subtree() {
        let mut stream = TokenStream::new();
        let outer = stream.open_group(Delimiter::Brace, 2, 3, 4);
        let inner = stream.open_group(Delimiter::Parenthesis, 5, 6, 7);
        let text = stream.push_text("x");
        stream.tokens.push(Token::Ident(IdentToken {
            text,
            is_raw: false,
            span: 8,
        }));
        stream.close_group(inner);
        stream.close_group(outer);
        let lens: Vec<u32> = stream
            .tokens
            .iter()
            .filter_map(|t| match t {
                Token::Group(g) => Some(g.len),
                _ => None,
            })
            .collect();
        assert_eq!(lens, [2, 1]);
        assert_eq!(stream.text_of(text), Some("x"));
    }

    #[test]
    fn ranges_outside_the_text_have_none() {
        let stream = TokenStream {
            text: "é".to_owned(),
            tokens: Vec::new(),
        };
        assert_eq!(stream.text_of(TextRange { start: 0, len: 2 }), Some("é"));
        assert_eq!(stream.text_of(TextRange { start: 0, len: 1 }), None);
        assert_eq!(stream.text_of(TextRange { start: 1, len: 9 }), None);
        assert_eq!(
            stream.text_of(TextRange {
                start: u32::MAX,
                len: u32::MAX
            }),
            None
        );
    }
}
