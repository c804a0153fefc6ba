//! The flat format to and from this crate's token trees.

use super::format::{Contents, Encoder, WireStream, slice, top_level};
use crate::bindings::procbox::proc_macro::types as wire;
use crate::{Group, Ident, Literal, Punct, Span, TokenStream, TokenTree};

/// The token trees of a flat stream.
pub(crate) fn decode(stream: &WireStream) -> Vec<TokenTree> {
    decode_trees(&stream.text, &stream.tokens)
}

fn decode_trees(text: &str, tokens: &[wire::Token]) -> Vec<TokenTree> {
    top_level(tokens)
        .map(|(token, inner)| match token {
            wire::Token::Group(g) => TokenTree::Group(Group {
                delimiter: g.delimiter.into(),
                stream: TokenStream::from_trees(decode_trees(text, inner)),
                span: Span(g.span),
                span_open: Span(g.span_open),
                span_close: Span(g.span_close),
            }),
            wire::Token::Ident(t) => TokenTree::Ident(Ident {
                name: slice(text, t.text).into(),
                is_raw: t.is_raw,
                span: Span(t.span),
            }),
            wire::Token::Punct(t) => TokenTree::Punct(Punct {
                ch: t.ch,
                spacing: t.spacing.into(),
                span: Span(t.span),
            }),
            wire::Token::Literal(t) => TokenTree::Literal(Literal {
                repr: slice(text, t.text).into(),
                span: Span(t.span),
            }),
        })
        .collect()
}

/// Appends `trees` to `out`.
pub(crate) fn encode_into<C: Contents>(trees: &[TokenTree], out: &mut Encoder) {
    for tree in trees {
        match tree {
            TokenTree::Group(g) => {
                let at = out.start_group(wire::GroupToken {
                    delimiter: g.delimiter.into(),
                    span: g.span.0,
                    span_open: g.span_open.0,
                    span_close: g.span_close.0,
                    len: 0,
                });
                C::encode(&g.stream, out);
                out.end_group(at);
            }
            TokenTree::Ident(t) => {
                let text = out.text(&t.name);
                out.push(wire::Token::Ident(wire::IdentToken {
                    text,
                    is_raw: t.is_raw,
                    span: t.span.0,
                }));
            }
            TokenTree::Punct(t) => out.push(wire::Token::Punct(wire::PunctToken {
                ch: t.ch,
                spacing: t.spacing.into(),
                span: t.span.0,
            })),
            TokenTree::Literal(t) => {
                let text = out.text(&t.repr);
                out.push(wire::Token::Literal(wire::LiteralToken {
                    text,
                    span: t.span.0,
                }));
            }
        }
    }
}
