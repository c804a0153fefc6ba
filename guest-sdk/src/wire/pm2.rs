//! The flat format to and from `proc_macro2` tokens, without going through
//! this crate's token trees: the path of a macro written with `syn` and
//! `quote`.

use proc_macro2 as pm2;

use super::format::{Encoder, WireStream, slice, top_level};
use crate::Span;
use crate::bindings::procbox::proc_macro::types as wire;
use crate::bridge::Literals;
use crate::bridge::span_pool::{self as pool, Pool};

/// `proc_macro2` tokens for a flat stream, with spans standing for its
/// handles.
pub(crate) fn to_proc_macro2(stream: &WireStream) -> pm2::TokenStream {
    let text = &stream.text;
    let mut literals = Literals::lex(stream.tokens.iter().filter_map(|token| match token {
        wire::Token::Literal(t) => Some(slice(text, t.text)),
        _ => None,
    }));
    pool::with(|pool| {
        let groups = stream
            .tokens
            .iter()
            .filter(|token| matches!(token, wire::Token::Group(_)))
            .count();
        pool.reserve(groups, stream.tokens.len() - groups);
        build(text, &stream.tokens, pool, &mut literals)
    })
}

fn build(
    text: &str,
    tokens: &[wire::Token],
    pool: &mut Pool,
    literals: &mut Literals,
) -> pm2::TokenStream {
    top_level(tokens)
        .map(|(token, inner)| match token {
            wire::Token::Group(g) => {
                let delimiter = crate::Delimiter::from(g.delimiter).into();
                let mut group = pm2::Group::new(delimiter, build(text, inner, pool, literals));
                group.set_span(pool.group(Span(g.span), Span(g.span_open), Span(g.span_close)));
                pm2::TokenTree::Group(group)
            }
            wire::Token::Ident(t) => {
                pm2::TokenTree::Ident(pool.ident(slice(text, t.text), t.is_raw, Span(t.span)))
            }
            wire::Token::Punct(t) => {
                let spacing = crate::Spacing::from(t.spacing).into();
                let mut punct = pm2::Punct::new(t.ch, spacing);
                punct.set_span(pool.leaf(Span(t.span)));
                pm2::TokenTree::Punct(punct)
            }
            wire::Token::Literal(t) => {
                let mut literal = literals.next(slice(text, t.text));
                literal.set_span(pool.leaf(Span(t.span)));
                pm2::TokenTree::Literal(literal)
            }
        })
        .collect()
}

/// Appends `stream` to `out`, mapping each span to the handle it stands for.
///
/// It takes the stream by value: iterating a `proc_macro2` stream that is
/// shared clones all of it, identifiers' text included.
pub(crate) fn encode_into(stream: pm2::TokenStream, out: &mut Encoder) {
    pool::with(|pool| encode_with(stream, pool, out));
}

fn encode_with(stream: pm2::TokenStream, pool: &Pool, out: &mut Encoder) {
    for tree in stream {
        match tree {
            pm2::TokenTree::Group(g) => {
                let [span, open, close] = pool.group_handles_of(&g);
                let at = out.start_group(wire::GroupToken {
                    delimiter: crate::Delimiter::from(g.delimiter()).into(),
                    span: span.0,
                    span_open: open.0,
                    span_close: close.0,
                    len: 0,
                });
                // `Group::stream` shares the contents with the group; with
                // the group gone they are ours alone, and iterating them
                // moves each token out instead of cloning the whole list.
                let inner = g.stream();
                drop(g);
                encode_with(inner, pool, out);
                out.end_group(at);
            }
            pm2::TokenTree::Ident(i) => {
                let span = pool.handle_of(i.span());
                let mut text = out.display(&i);
                let is_raw = out.strip_raw(&mut text);
                if !is_raw && out.slice(text) == "crate" {
                    let host = pool.ident_text("crate", span);
                    if host != "crate" {
                        text = out.text(host);
                    }
                }
                out.push(wire::Token::Ident(wire::IdentToken {
                    text,
                    is_raw,
                    span: span.0,
                }));
            }
            pm2::TokenTree::Punct(p) => out.push(wire::Token::Punct(wire::PunctToken {
                ch: p.as_char(),
                spacing: crate::Spacing::from(p.spacing()).into(),
                span: pool.handle_of(p.span()).0,
            })),
            pm2::TokenTree::Literal(l) => {
                let text = out.display(&l);
                out.push(wire::Token::Literal(wire::LiteralToken {
                    text,
                    span: pool.handle_of(l.span()).0,
                }));
            }
        }
    }
}
