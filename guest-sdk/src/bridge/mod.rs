//! Conversions between this crate's tokens and `proc_macro2` tokens that keep
//! spans.
//!
//! A host span handle becomes a `proc_macro2` span from the [`span_pool`],
//! which maps it back when the macro's output is converted. Identifiers and
//! punctuation are rebuilt with `proc_macro2`'s constructors; literals are
//! lexed, all those of one conversion together ([`Literals`]).
//!
//! This module works on token trees and `proc_macro2` tokens; a group's
//! contents, which a stream may hold in any form, it reaches through
//! [`Contents`], which `crate::stream` implements.

mod literals;
pub(crate) mod span_pool;

use proc_macro2 as pm2;

pub(crate) use literals::Literals;

use crate::{Group, Ident, Literal, Punct, Span, TokenStream, TokenTree};

/// What this module needs to know about a group's contents, which a stream
/// may hold in any form: `crate::stream`, the one module that looks inside a
/// stream, answers.
pub(crate) trait Contents {
    /// The contents as token trees, if that is how they are held.
    fn trees(stream: &TokenStream) -> Option<&[TokenTree]>;
    /// Contents held in another form, converted with their spans.
    fn convert(stream: &TokenStream) -> pm2::TokenStream;
}

/// Starts an expansion: spans of the previous one no longer map to handles.
pub(crate) fn reset() {
    span_pool::reset();
}

/// Converts token trees for use with `syn`/`quote`, keeping every span.
pub(crate) fn trees_to_proc_macro2<C: Contents>(trees: &[TokenTree]) -> pm2::TokenStream {
    let mut collected = Collected::default();
    collected.walk::<C>(trees);
    span_pool::with(|pool| pool.reserve(collected.groups, collected.leaves));
    let mut source = Placeholders {
        literals: Literals::lex(collected.literals.into_iter()),
    };
    build::<C>(trees, &mut source)
}

/// Converts one span for use with `syn`/`quote`.
pub(crate) fn span_to_proc_macro2(span: Span) -> pm2::Span {
    span_pool::with(|pool| pool.leaf(span))
}

/// Converts one span back to its host handle.
pub(crate) fn span_from_proc_macro2(span: pm2::Span) -> Span {
    span_pool::with(|pool| pool.handle_of(span))
}

/// The top-level token trees of a `proc_macro2` stream, each span mapped to
/// the handle it came from; groups keep their contents as `proc_macro2`
/// tokens until they are looked at.
pub(crate) fn trees_from_proc_macro2(stream: pm2::TokenStream) -> Vec<TokenTree> {
    span_pool::with(|pool| {
        stream
            .into_iter()
            .map(|tree| match tree {
                pm2::TokenTree::Group(g) => {
                    let [span, span_open, span_close] = pool.group_handles_of(&g);
                    TokenTree::Group(Group {
                        delimiter: g.delimiter().into(),
                        span,
                        span_open,
                        span_close,
                        stream: TokenStream::from(g.stream()),
                    })
                }
                pm2::TokenTree::Ident(i) => {
                    let text = i.to_string();
                    let span = pool.handle_of(i.span());
                    let (name, is_raw) = match text.strip_prefix("r#") {
                        Some(name) => (name.into(), true),
                        None => (pool.ident_text(&text, span).into(), false),
                    };
                    TokenTree::Ident(Ident { name, is_raw, span })
                }
                pm2::TokenTree::Punct(p) => TokenTree::Punct(Punct {
                    ch: p.as_char(),
                    spacing: p.spacing().into(),
                    span: pool.handle_of(p.span()),
                }),
                pm2::TokenTree::Literal(l) => TokenTree::Literal(Literal {
                    repr: l.to_string().into_boxed_str(),
                    span: pool.handle_of(l.span()),
                }),
            })
            .collect()
    })
}

/// What a conversion of token trees needs up front: how many groups and other
/// tokens it has, and its literals in the order [`build`] visits them (it
/// descends into the same groups: those held as token trees).
#[derive(Default)]
struct Collected<'a> {
    groups: usize,
    leaves: usize,
    literals: Vec<&'a str>,
}

impl<'a> Collected<'a> {
    fn walk<C: Contents>(&mut self, trees: &'a [TokenTree]) {
        for tree in trees {
            match tree {
                TokenTree::Literal(l) => {
                    self.leaves += 1;
                    self.literals.push(&l.repr);
                }
                TokenTree::Group(g) => {
                    self.groups += 1;
                    if let Some(inner) = C::trees(&g.stream) {
                        self.walk::<C>(inner);
                    }
                }
                TokenTree::Ident(_) | TokenTree::Punct(_) => self.leaves += 1,
            }
        }
    }
}

/// Spans from the pool (every handle is kept) and the lexed literals.
struct Placeholders {
    literals: Literals,
}

impl Placeholders {
    fn leaf(&mut self, span: Span) -> pm2::Span {
        span_to_proc_macro2(span)
    }

    fn ident(&mut self, ident: &Ident) -> pm2::Ident {
        span_pool::with(|pool| pool.ident(&ident.name, ident.is_raw, ident.span))
    }

    fn group(&mut self, g: &Group) -> pm2::Span {
        span_pool::with(|pool| pool.group(g.span, g.span_open, g.span_close))
    }

    fn literal(&mut self, lit: &Literal) -> pm2::Literal {
        self.literals.next(&lit.repr)
    }
}

/// Builds the `proc_macro2` tree for `trees`, depth-first.
fn build<C: Contents>(trees: &[TokenTree], spans: &mut Placeholders) -> pm2::TokenStream {
    let mut out = Vec::with_capacity(trees.len());
    for tree in trees {
        out.push(match tree {
            TokenTree::Group(g) => {
                let span = spans.group(g);
                let inner = match C::trees(&g.stream) {
                    Some(inner) => build::<C>(inner, spans),
                    None => C::convert(&g.stream),
                };
                let mut group = pm2::Group::new(g.delimiter.into(), inner);
                group.set_span(span);
                pm2::TokenTree::Group(group)
            }
            TokenTree::Ident(i) => pm2::TokenTree::Ident(spans.ident(i)),
            TokenTree::Punct(p) => {
                let mut punct = pm2::Punct::new(p.ch, p.spacing.into());
                punct.set_span(spans.leaf(p.span));
                pm2::TokenTree::Punct(punct)
            }
            TokenTree::Literal(l) => {
                let mut literal = spans.literal(l);
                literal.set_span(spans.leaf(l.span));
                pm2::TokenTree::Literal(literal)
            }
        });
    }
    out.into_iter().collect()
}
