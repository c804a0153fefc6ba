//! `proc_macro` tokens to the protocol's flat stream and back, with the
//! compiler's spans kept in a [`SpanTable`] on this side: the server and the
//! macro only ever see handles.

use std::fmt::Write;
use std::str::FromStr;

use proc_macro::{
    Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree, token_stream,
};
use procbox_protocol::tree::{self, CALL_SITE, MIXED_SITE, Token};

/// Handle → the compiler's span, for one expansion: the call site, the
/// mixed site, the input's spans, then those span queries made.
pub(crate) struct SpanTable {
    spans: Vec<Span>,
    /// The input's groups, by the handle of their span (ascending), with
    /// the index of their header in the flat stream they are in: an
    /// output group that is one of them unchanged is given back as it came
    /// (see [`unflatten`]).
    input_groups: Vec<(u32, usize, Group)>,
}

impl SpanTable {
    pub(crate) fn new() -> SpanTable {
        let mut spans = Vec::with_capacity(256);
        spans.insert(CALL_SITE as usize, Span::call_site());
        spans.insert(MIXED_SITE as usize, Span::mixed_site());
        SpanTable {
            spans,
            input_groups: Vec::new(),
        }
    }

    /// Adds `span`; returns its handle.
    pub(crate) fn push(&mut self, span: Span) -> u32 {
        self.spans.push(span);
        // The protocol's handles are `u32`: a stream of more spans could not
        // be sent (frames stop at 1 GiB) and is refused before that.
        (self.spans.len() - 1) as u32
    }

    /// The span of `handle`.
    pub(crate) fn get(&self, handle: u32) -> Result<Span, String> {
        self.spans
            .get(handle as usize)
            .copied()
            .ok_or_else(|| format!("the server returned span {handle}, which this shim never made"))
    }

    /// Forgets the spans after the first `len` (those a failed replay made).
    #[cfg(not(feature = "embedded"))]
    pub(crate) fn truncate(&mut self, len: u32) {
        self.spans.truncate(len as usize);
    }

    /// How many spans it holds.
    pub(crate) fn len(&self) -> u32 {
        self.spans.len() as u32
    }
}

/// Flattens `stream` depth-first into `out`, registering its spans.
pub(crate) fn flatten(stream: TokenStream, spans: &mut SpanTable, out: &mut tree::TokenStream) {
    // Iterators of the groups being walked, with each group's header index;
    // no recursion, however deeply the input nests.
    let mut stack: Vec<(token_stream::IntoIter, Option<usize>)> = vec![(stream.into_iter(), None)];
    while let Some((trees, _)) = stack.last_mut() {
        let Some(tree) = trees.next() else {
            if let Some((_, Some(header))) = stack.pop() {
                out.close_group(header);
            }
            continue;
        };
        match tree {
            TokenTree::Group(group) => {
                let span = spans.push(group.span());
                let header = out.open_group(
                    delimiter_to_wire(group.delimiter()),
                    span,
                    spans.push(group.span_open()),
                    spans.push(group.span_close()),
                );
                spans.input_groups.push((span, header, group.clone()));
                stack.push((group.stream().into_iter(), Some(header)));
            }
            TokenTree::Ident(ident) => {
                let mut text = push_display(&mut out.text, &ident);
                let is_raw = out.text_of(text).is_some_and(|t| t.starts_with("r#"));
                if is_raw {
                    text.start += 2;
                    text.len -= 2;
                }
                out.tokens.push(Token::Ident(tree::IdentToken {
                    text,
                    is_raw,
                    span: spans.push(ident.span()),
                }));
            }
            TokenTree::Punct(punct) => out.tokens.push(Token::Punct(tree::PunctToken {
                ch: punct.as_char(),
                spacing: match punct.spacing() {
                    Spacing::Alone => tree::Spacing::Alone,
                    Spacing::Joint => tree::Spacing::Joint,
                },
                span: spans.push(punct.span()),
            })),
            TokenTree::Literal(literal) => {
                let text = push_display(&mut out.text, &literal);
                out.tokens.push(Token::Literal(tree::LiteralToken {
                    text,
                    span: spans.push(literal.span()),
                }));
            }
        }
    }
}

/// Appends `value`'s text without a string per token.
fn push_display(text: &mut String, value: &impl std::fmt::Display) -> tree::TextRange {
    let start = text.len();
    // Writing to a `String` cannot fail.
    let _ = write!(text, "{value}");
    tree::TextRange {
        start: start as u32,
        len: (text.len() - start) as u32,
    }
}

/// A group being rebuilt.
struct Frame {
    /// Index of the token after its last one.
    end: usize,
    header: Option<tree::GroupToken>,
    trees: Vec<TokenTree>,
}

/// Rebuilds the server's output with the compiler's spans.
///
/// A group of the output that is a group of the input (`inputs`, flattened
/// into `spans`) unchanged, the same tokens with the same spans, is given
/// back as the compiler's own group: `proc_macro` can set only a group's
/// whole span, so a rebuilt one would lose the spans of its delimiters,
/// which a macro that re-emits an item (pin-project's attribute, for its
/// derive) passes on as natively.
///
/// The server checked the output already (it comes from the sandboxed
/// macro); this checks again what would make `proc_macro` panic, so a
/// broken server gives an error, never a panic inside rustc.
pub(crate) fn unflatten(
    stream: &tree::TokenStream,
    spans: &SpanTable,
    inputs: &[&tree::TokenStream],
) -> Result<TokenStream, String> {
    let tokens = &stream.tokens;
    let text = |range: tree::TextRange| {
        stream
            .text_of(range)
            .ok_or_else(|| "the server returned a text range outside the token text".to_owned())
    };
    let mut stack = vec![Frame {
        end: tokens.len(),
        header: None,
        trees: Vec::new(),
    }];
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        close_groups(&mut stack, at, spans)?;
        let tree = match *token {
            Token::Group(g) => {
                let end = at + 1 + g.len as usize;
                if end > stack.last().map_or(tokens.len(), |f| f.end) {
                    return Err("the server returned a group longer than its parent".into());
                }
                if let Some(group) = original_group(stream, at, spans, inputs) {
                    if let Some(frame) = stack.last_mut() {
                        frame.trees.push(TokenTree::Group(group));
                    }
                    at = end;
                    continue;
                }
                at += 1;
                stack.push(Frame {
                    end,
                    header: Some(g),
                    trees: Vec::new(),
                });
                continue;
            }
            Token::Ident(t) => {
                TokenTree::Ident(ident(text(t.text)?, t.is_raw, spans.get(t.span)?)?)
            }
            Token::Punct(t) => {
                if !is_punct(t.ch) {
                    return Err(format!("the server returned `{}` as punctuation", t.ch));
                }
                let mut punct = Punct::new(
                    t.ch,
                    match t.spacing {
                        tree::Spacing::Alone => Spacing::Alone,
                        tree::Spacing::Joint => Spacing::Joint,
                    },
                );
                punct.set_span(spans.get(t.span)?);
                TokenTree::Punct(punct)
            }
            Token::Literal(t) => {
                let mut literal = literal(text(t.text)?)?;
                literal.set_span(spans.get(t.span)?);
                TokenTree::Literal(literal)
            }
        };
        if let Some(frame) = stack.last_mut() {
            frame.trees.push(tree);
        }
        at += 1;
    }
    close_groups(&mut stack, tokens.len(), spans)?;
    let root = stack.pop().ok_or("internal: no root")?;
    Ok(root.trees.into_iter().collect())
}

/// The compiler's group for the group at `at` of `output`, if it is a group
/// of one of `inputs` with the same tokens and spans.
fn original_group(
    output: &tree::TokenStream,
    at: usize,
    spans: &SpanTable,
    inputs: &[&tree::TokenStream],
) -> Option<Group> {
    let Some(Token::Group(header)) = output.tokens.get(at) else {
        return None;
    };
    let index = spans
        .input_groups
        .binary_search_by_key(&header.span, |(handle, _, _)| *handle)
        .ok()?;
    let (_, start, group) = &spans.input_groups[index];
    let len = header.len as usize + 1;
    let ours = output.tokens.get(at..at + len)?;
    // The input stream it is in: the one with a group of that span there.
    let (input, theirs) = inputs
        .iter()
        .find_map(|input| match input.tokens.get(*start) {
            Some(Token::Group(g)) if g.span == header.span => {
                Some((*input, input.tokens.get(*start..*start + len)?))
            }
            _ => None,
        })?;
    let same = ours.iter().zip(theirs).all(|pair| match pair {
        (Token::Group(a), Token::Group(b)) => a == b,
        (Token::Ident(a), Token::Ident(b)) => {
            a.span == b.span
                && a.is_raw == b.is_raw
                && output.text_of(a.text) == input.text_of(b.text)
        }
        (Token::Punct(a), Token::Punct(b)) => a == b,
        (Token::Literal(a), Token::Literal(b)) => {
            a.span == b.span && output.text_of(a.text) == input.text_of(b.text)
        }
        _ => false,
    });
    same.then(|| group.clone())
}

/// Pops every group that ends at token `at` into its parent.
fn close_groups(stack: &mut Vec<Frame>, at: usize, spans: &SpanTable) -> Result<(), String> {
    while stack.len() > 1 && stack.last().is_some_and(|f| f.end == at) {
        let Some(Frame {
            header: Some(header),
            trees,
            ..
        }) = stack.pop()
        else {
            return Err("internal: a group without its header".into());
        };
        let delimiter = match header.delimiter {
            tree::Delimiter::Parenthesis => Delimiter::Parenthesis,
            tree::Delimiter::Brace => Delimiter::Brace,
            tree::Delimiter::Bracket => Delimiter::Bracket,
            tree::Delimiter::None => Delimiter::None,
        };
        // `proc_macro` sets a group's span as a whole.
        let mut group = Group::new(delimiter, trees.into_iter().collect());
        group.set_span(spans.get(header.span)?);
        if let Some(parent) = stack.last_mut() {
            parent.trees.push(TokenTree::Group(group));
        }
    }
    Ok(())
}

fn delimiter_to_wire(delimiter: Delimiter) -> tree::Delimiter {
    match delimiter {
        Delimiter::Parenthesis => tree::Delimiter::Parenthesis,
        Delimiter::Brace => tree::Delimiter::Brace,
        Delimiter::Bracket => tree::Delimiter::Bracket,
        Delimiter::None => tree::Delimiter::None,
    }
}

/// The characters `Punct::new` accepts.
fn is_punct(ch: char) -> bool {
    matches!(
        ch,
        '=' | '<'
            | '>'
            | '!'
            | '~'
            | '+'
            | '-'
            | '*'
            | '/'
            | '%'
            | '^'
            | '&'
            | '|'
            | '@'
            | '.'
            | ','
            | ';'
            | ':'
            | '#'
            | '$'
            | '?'
            | '\''
    )
}

/// The identifier `name`, made without a chance of `Ident::new`'s panic: an
/// ASCII identifier is checked here, any other by the compiler's lexer.
/// `$crate` (from a `macro_rules!` macro's tokens) is one too, as
/// `proc_macro`'s `Ident::new` has it.
fn ident(name: &str, is_raw: bool, span: Span) -> Result<Ident, String> {
    let invalid = || format!("the server returned `{name}` as an identifier");
    let valid = is_ascii_ident(name.as_bytes()) || (!is_raw && name == "$crate") || {
        let lexed = TokenStream::from_str(name).map_err(|_| invalid())?;
        let mut trees = lexed.into_iter();
        matches!(
            (trees.next(), trees.next()),
            (Some(TokenTree::Ident(ident)), None) if ident.to_string() == name
        )
    };
    if !valid || (is_raw && matches!(name, "_" | "crate" | "self" | "Self" | "super")) {
        return Err(invalid());
    }
    Ok(match is_raw {
        true => Ident::new_raw(name, span),
        false => Ident::new(name, span),
    })
}

// The checks below run for every token, in code that a consumer's dev
// profile builds without optimization: plain loops, no closure per byte.

/// Whether `name` is an ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`).
fn is_ascii_ident(name: &[u8]) -> bool {
    if name.is_empty() || name[0].is_ascii_digit() {
        return false;
    }
    let mut i = 0;
    while i < name.len() {
        let b = name[i];
        if !(b == b'_' || b.is_ascii_alphanumeric()) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a string literal's contents are printable ASCII without quotes
/// or backslashes: `Literal::string` writes them back unchanged.
fn is_plain(contents: &[u8]) -> bool {
    let mut i = 0;
    while i < contents.len() {
        let b = contents[i];
        if !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\' || b == b'\'' {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether `text` is a decimal integer without suffix or leading zero.
fn is_plain_integer(text: &[u8]) -> bool {
    if text == b"0" {
        return true;
    }
    if text.is_empty() || text[0] == b'0' {
        return false;
    }
    let mut i = 0;
    while i < text.len() {
        if !text[i].is_ascii_digit() {
            return false;
        }
        i += 1;
    }
    true
}

/// The literal `text` stands for: the common kinds (plain strings, unsuffixed
/// integers) made by constructors, which write exactly that text; the rest
/// lexed by the compiler.
fn literal(text: &str) -> Result<Literal, String> {
    let bytes = text.as_bytes();
    if bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"' {
        let contents = &text[1..text.len() - 1];
        if is_plain(contents.as_bytes()) {
            return Ok(Literal::string(contents));
        }
    } else if is_plain_integer(bytes)
        && let Ok(n) = text.parse::<u128>()
    {
        return Ok(Literal::u128_unsuffixed(n));
    }
    Literal::from_str(text).map_err(|_| format!("the server returned `{text}` as a literal"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_identifiers_are_told_from_the_rest() {
        for good in ["a", "_", "_a1", "Type", "r"] {
            assert!(is_ascii_ident(good.as_bytes()), "{good}");
        }
        for bad in ["", "1a", "a-b", "a b", "é", "r#a"] {
            assert!(!is_ascii_ident(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn only_text_the_constructors_write_back_unchanged_is_plain() {
        assert!(is_plain(b"a b ~ {}"));
        assert!(is_plain(b""));
        for bad in [&b"a\"b"[..], b"a\\n", b"it's", b"\n", "é".as_bytes()] {
            assert!(!is_plain(bad), "{bad:?}");
        }
        assert!(is_plain_integer(b"0") && is_plain_integer(b"1234567890"));
        for bad in ["", "01", "1u8", "-1", "1_000", "0x1"] {
            assert!(!is_plain_integer(bad.as_bytes()), "{bad}");
        }
    }
}
