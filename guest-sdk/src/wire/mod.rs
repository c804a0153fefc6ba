//! The flat token-stream format of the WIT boundary, to and from this crate's
//! token trees ([`trees`]) and `proc_macro2` tokens ([`pm2`]).
//!
//! A stream crosses as one list of tokens in depth-first order (a group is
//! followed by its `len` contents) and one string holding all identifier and
//! literal text, so the canonical ABI copies it in a fixed number of
//! allocations.
//!
//! The macro's input stays in this format until the macro looks at it: a
//! macro that hands it straight to `syn` gets `proc_macro2` tokens built from
//! it directly, and one that returns it unchanged sends it back as it came.

mod pm2;
mod trees;

use crate::bindings::procbox::proc_macro::types as wire;
use crate::stream::Repr;
use crate::{Delimiter, Spacing, TokenStream};

pub(crate) use pm2::to_proc_macro2;
pub(crate) use trees::decode;
pub(crate) use wire::TokenStream as WireStream;

/// Flattens a [`TokenStream`] for the host.
pub(crate) fn encode(stream: TokenStream) -> WireStream {
    match stream.repr {
        // The input returned unchanged: send it back as it came.
        Repr::Wire(input) => std::rc::Rc::unwrap_or_clone(input),
        // Moved in, so a stream only the macro holds is not cloned.
        Repr::Pm2(stream) => {
            let mut encoder = Encoder::new();
            pm2::encode_into(stream, &mut encoder);
            encoder.out
        }
        repr => {
            let mut encoder = Encoder::new();
            encoder.stream(&TokenStream { repr });
            encoder.out
        }
    }
}

/// A flat stream being built; token trees and `proc_macro2` tokens can mix
/// (a group built with this crate's API around tokens from `quote!`).
pub(crate) struct Encoder {
    out: WireStream,
}

impl Encoder {
    fn new() -> Self {
        Encoder {
            out: WireStream {
                text: String::new(),
                tokens: Vec::new(),
            },
        }
    }

    fn stream(&mut self, stream: &TokenStream) {
        match &stream.repr {
            Repr::Trees(trees) => trees::encode_into(trees, self),
            Repr::Pm2(stream) => pm2::encode_into(stream.clone(), self),
            Repr::Wire(wire) => self.append(wire),
        }
    }

    /// Appends a whole flat stream, moving its text ranges.
    fn append(&mut self, stream: &WireStream) {
        let base = self.out.text.len() as u32;
        self.out.text.push_str(&stream.text);
        self.out.tokens.extend(stream.tokens.iter().map(|token| {
            let mut token = *token;
            match &mut token {
                wire::Token::Ident(t) => t.text.start += base,
                wire::Token::Literal(t) => t.text.start += base,
                wire::Token::Group(_) | wire::Token::Punct(_) => {}
            }
            token
        }));
    }

    /// Adds a group header; [`Encoder::end_group`] sets its length.
    fn start_group(&mut self, header: wire::GroupToken) -> usize {
        self.out.tokens.push(wire::Token::Group(header));
        self.out.tokens.len() - 1
    }

    fn end_group(&mut self, at: usize) {
        let len = (self.out.tokens.len() - at - 1) as u32;
        if let Some(wire::Token::Group(header)) = self.out.tokens.get_mut(at) {
            header.len = len;
        }
    }

    fn push(&mut self, token: wire::Token) {
        self.out.tokens.push(token);
    }

    /// Adds `text` to the token text.
    fn text(&mut self, text: &str) -> wire::TextRange {
        let start = self.out.text.len() as u32;
        self.out.text.push_str(text);
        wire::TextRange {
            start,
            len: text.len() as u32,
        }
    }

    /// Writes `value`'s `Display` text into the token text, without an
    /// intermediate string.
    fn display(&mut self, value: &impl std::fmt::Display) -> wire::TextRange {
        use std::fmt::Write;
        let start = self.out.text.len();
        // Writing to a `String` cannot fail.
        let _ = write!(self.out.text, "{value}");
        wire::TextRange {
            start: start as u32,
            len: (self.out.text.len() - start) as u32,
        }
    }

    /// Removes a leading `r#` from the text at `range`, returning whether
    /// there was one.
    fn strip_raw(&self, range: &mut wire::TextRange) -> bool {
        let start = range.start as usize;
        let raw = self.out.text[start..].starts_with("r#");
        if raw {
            range.start += 2;
            range.len -= 2;
        }
        raw
    }
}

/// The top-level tokens of a flat stream, each with the tokens inside it
/// (empty unless it is a group).
///
/// The host is trusted (it produced this from its own tokens), so an
/// inconsistency is a host bug and panics, which the host reports.
fn top_level(tokens: &[wire::Token]) -> impl Iterator<Item = (&wire::Token, &[wire::Token])> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let token = tokens.get(at)?;
        at += 1;
        let mut inner: &[wire::Token] = &[];
        if let wire::Token::Group(g) = token {
            let end = at + g.len as usize;
            inner = tokens
                .get(at..end)
                .expect("procbox host sent a group longer than its stream");
            at = end;
        }
        Some((token, inner))
    })
}

/// The text `range` points at.
///
/// The host is trusted (it produced this from its own tokens), so an
/// inconsistency is a host bug and panics, which the host reports.
fn slice(text: &str, range: wire::TextRange) -> &str {
    let start = range.start as usize;
    text.get(start..start + range.len as usize)
        .expect("procbox host sent a text range outside its token text")
}

fn delimiter_from_wire(delimiter: wire::Delimiter) -> Delimiter {
    match delimiter {
        wire::Delimiter::Parenthesis => Delimiter::Parenthesis,
        wire::Delimiter::Brace => Delimiter::Brace,
        wire::Delimiter::Bracket => Delimiter::Bracket,
        wire::Delimiter::None => Delimiter::None,
    }
}

fn delimiter_to_wire(delimiter: Delimiter) -> wire::Delimiter {
    match delimiter {
        Delimiter::Parenthesis => wire::Delimiter::Parenthesis,
        Delimiter::Brace => wire::Delimiter::Brace,
        Delimiter::Bracket => wire::Delimiter::Bracket,
        Delimiter::None => wire::Delimiter::None,
    }
}

fn spacing_from_wire(spacing: wire::Spacing) -> Spacing {
    match spacing {
        wire::Spacing::Alone => Spacing::Alone,
        wire::Spacing::Joint => Spacing::Joint,
    }
}

fn spacing_to_wire(spacing: Spacing) -> wire::Spacing {
    match spacing {
        Spacing::Alone => wire::Spacing::Alone,
        Spacing::Joint => wire::Spacing::Joint,
    }
}
