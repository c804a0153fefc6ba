//! The flat token-stream format of the WIT boundary, to and from [`TokenStream`].
//!
//! A stream crosses as one list of tokens in depth-first order (a group is
//! followed by its `len` contents) and one string holding all identifier and
//! literal text, so the canonical ABI copies it in a fixed number of
//! allocations.

use crate::bindings::procbox::proc_macro::types as wire;
use crate::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Builds a [`TokenStream`] from what the host sent.
///
/// The host is trusted (it produced this from its own tokens), so an
/// inconsistency is a host bug and panics, which the host reports.
pub(crate) fn decode(stream: &wire::TokenStream) -> TokenStream {
    decode_trees(&stream.text, &stream.tokens)
}

fn decode_trees(text: &str, tokens: &[wire::Token]) -> TokenStream {
    let mut trees = Vec::new();
    let mut at = 0;
    while let Some(token) = tokens.get(at) {
        at += 1;
        trees.push(match token {
            wire::Token::Group(g) => {
                let end = at + g.len as usize;
                let inner = tokens
                    .get(at..end)
                    .expect("procbox host sent a group longer than its stream");
                at = end;
                TokenTree::Group(Group {
                    delimiter: decode_delimiter(g.delimiter),
                    stream: decode_trees(text, inner),
                    span: Span(g.span),
                    span_open: Span(g.span_open),
                    span_close: Span(g.span_close),
                })
            }
            wire::Token::Ident(t) => TokenTree::Ident(Ident {
                name: slice(text, t.text).into(),
                is_raw: t.is_raw,
                span: Span(t.span),
            }),
            wire::Token::Punct(t) => TokenTree::Punct(Punct {
                ch: t.ch,
                spacing: match t.spacing {
                    wire::Spacing::Alone => Spacing::Alone,
                    wire::Spacing::Joint => Spacing::Joint,
                },
                span: Span(t.span),
            }),
            wire::Token::Literal(t) => TokenTree::Literal(Literal {
                repr: slice(text, t.text).into(),
                span: Span(t.span),
            }),
        });
    }
    TokenStream::from_trees(trees)
}

fn slice(text: &str, range: wire::TextRange) -> &str {
    let start = range.start as usize;
    text.get(start..start + range.len as usize)
        .expect("procbox host sent a text range outside its token text")
}

fn decode_delimiter(delimiter: wire::Delimiter) -> Delimiter {
    match delimiter {
        wire::Delimiter::Parenthesis => Delimiter::Parenthesis,
        wire::Delimiter::Brace => Delimiter::Brace,
        wire::Delimiter::Bracket => Delimiter::Bracket,
        wire::Delimiter::None => Delimiter::None,
    }
}

/// Flattens a [`TokenStream`] for the host.
pub(crate) fn encode(stream: &TokenStream) -> wire::TokenStream {
    let mut out = wire::TokenStream {
        text: String::new(),
        tokens: Vec::new(),
    };
    encode_into(stream, &mut out);
    out
}

fn encode_into(stream: &TokenStream, out: &mut wire::TokenStream) {
    for tree in stream.trees.iter() {
        match tree {
            TokenTree::Group(g) => {
                let at = out.tokens.len();
                out.tokens.push(wire::Token::Group(wire::GroupToken {
                    delimiter: match g.delimiter {
                        Delimiter::Parenthesis => wire::Delimiter::Parenthesis,
                        Delimiter::Brace => wire::Delimiter::Brace,
                        Delimiter::Bracket => wire::Delimiter::Bracket,
                        Delimiter::None => wire::Delimiter::None,
                    },
                    span: g.span.0,
                    span_open: g.span_open.0,
                    span_close: g.span_close.0,
                    len: 0,
                }));
                encode_into(&g.stream, out);
                let len = (out.tokens.len() - at - 1) as u32;
                if let Some(wire::Token::Group(header)) = out.tokens.get_mut(at) {
                    header.len = len;
                }
            }
            TokenTree::Ident(t) => {
                let text = push_text(&mut out.text, &t.name);
                out.tokens.push(wire::Token::Ident(wire::IdentToken {
                    text,
                    is_raw: t.is_raw,
                    span: t.span.0,
                }));
            }
            TokenTree::Punct(t) => out.tokens.push(wire::Token::Punct(wire::PunctToken {
                ch: t.ch,
                spacing: match t.spacing {
                    Spacing::Alone => wire::Spacing::Alone,
                    Spacing::Joint => wire::Spacing::Joint,
                },
                span: t.span.0,
            })),
            TokenTree::Literal(t) => {
                let text = push_text(&mut out.text, &t.repr);
                out.tokens.push(wire::Token::Literal(wire::LiteralToken {
                    text,
                    span: t.span.0,
                }));
            }
        }
    }
}

fn push_text(text: &mut String, s: &str) -> wire::TextRange {
    let start = text.len() as u32;
    text.push_str(s);
    wire::TextRange {
        start,
        len: s.len() as u32,
    }
}
