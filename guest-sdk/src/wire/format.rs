//! What the flat format's conversions share: the [`Encoder`] a flat stream
//! is built in, reading one back ([`top_level`], [`slice`]), and how an
//! encoder reaches a group's contents ([`Contents`]).

use crate::TokenStream;
use crate::bindings::procbox::proc_macro::types as wire;

pub(crate) use wire::TokenStream as WireStream;

/// How the encoder reaches a group's contents, which a stream may hold in
/// any form: `crate::stream`, the one module that looks inside a stream,
/// encodes them.
pub(crate) trait Contents {
    /// Appends `stream` to `out`.
    fn encode(stream: &TokenStream, out: &mut Encoder);
}

/// A flat stream being built; token trees and `proc_macro2` tokens can mix
/// (a group built with this crate's API around tokens from `quote!`).
pub(crate) struct Encoder {
    out: WireStream,
}

impl Encoder {
    pub(crate) fn new() -> Self {
        Encoder {
            out: WireStream {
                text: String::new(),
                tokens: Vec::new(),
            },
        }
    }

    /// The flat stream built.
    pub(crate) fn finish(self) -> WireStream {
        self.out
    }

    /// Appends a whole flat stream, moving its text ranges.
    pub(crate) fn append(&mut self, stream: &WireStream) {
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
    pub(crate) fn start_group(&mut self, header: wire::GroupToken) -> usize {
        self.out.tokens.push(wire::Token::Group(header));
        self.out.tokens.len() - 1
    }

    pub(crate) fn end_group(&mut self, at: usize) {
        let len = (self.out.tokens.len() - at - 1) as u32;
        if let Some(wire::Token::Group(header)) = self.out.tokens.get_mut(at) {
            header.len = len;
        }
    }

    pub(crate) fn push(&mut self, token: wire::Token) {
        self.out.tokens.push(token);
    }

    /// Adds `text` to the token text.
    pub(crate) fn text(&mut self, text: &str) -> wire::TextRange {
        let start = self.out.text.len() as u32;
        self.out.text.push_str(text);
        wire::TextRange {
            start,
            len: text.len() as u32,
        }
    }

    /// Writes `value`'s `Display` text into the token text, without an
    /// intermediate string.
    #[cfg(feature = "proc-macro2")]
    pub(crate) fn display(&mut self, value: &impl std::fmt::Display) -> wire::TextRange {
        use std::fmt::Write;
        let start = self.out.text.len();
        // Writing to a `String` cannot fail.
        let _ = write!(self.out.text, "{value}");
        wire::TextRange {
            start: start as u32,
            len: (self.out.text.len() - start) as u32,
        }
    }

    /// The token text at `range`.
    #[cfg(feature = "proc-macro2")]
    pub(crate) fn slice(&self, range: wire::TextRange) -> &str {
        let start = range.start as usize;
        self.out
            .text
            .get(start..start + range.len as usize)
            .unwrap_or_default()
    }

    /// Removes a leading `r#` from the text at `range`, returning whether
    /// there was one.
    #[cfg(feature = "proc-macro2")]
    pub(crate) fn strip_raw(&self, range: &mut wire::TextRange) -> bool {
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
pub(crate) fn top_level(
    tokens: &[wire::Token],
) -> impl Iterator<Item = (&wire::Token, &[wire::Token])> {
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
pub(crate) fn slice(text: &str, range: wire::TextRange) -> &str {
    let start = range.start as usize;
    text.get(start..start + range.len as usize)
        .expect("procbox host sent a text range outside its token text")
}
