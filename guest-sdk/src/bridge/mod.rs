//! Conversions between this crate's tokens and `proc_macro2` tokens that keep
//! spans.
//!
//! A host span handle becomes a `proc_macro2` span from the span [`pool`],
//! which maps it back when the macro's output is converted. Identifiers and
//! punctuation are rebuilt with `proc_macro2`'s constructors; literals are
//! lexed, all those of one conversion together ([`Literals`]).
//!
//! Converting from `proc_macro2` is lazy: the stream is kept as it is (see
//! [`crate::stream::Repr`]) and only turned into token trees, one level at a
//! time, when the macro looks inside it with this crate's API. Sent to the
//! host, it is flattened directly.

mod literals;
pub(crate) mod pool;

use proc_macro2 as pm2;

pub(crate) use literals::Literals;

use crate::stream::Repr;
use crate::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// Starts an expansion: spans of the previous one no longer map to handles.
pub(crate) fn reset() {
    pool::reset();
}

/// Converts a stream for use with `syn`/`quote`, keeping every span.
pub(crate) fn to_proc_macro2(stream: &TokenStream) -> pm2::TokenStream {
    match &stream.repr {
        Repr::Pm2(stream) => stream.clone(),
        Repr::Wire(wire) => crate::wire::to_proc_macro2(wire),
        Repr::Trees(trees) => {
            let mut collected = Collected::default();
            collected.walk(trees);
            pool::with(|pool| pool.reserve(collected.groups, collected.leaves));
            let mut source = Placeholders {
                literals: Literals::lex(collected.literals.into_iter()),
            };
            build(trees, &mut source)
        }
    }
}

/// Converts one span for use with `syn`/`quote`.
pub(crate) fn span_to_proc_macro2(span: Span) -> pm2::Span {
    pool::with(|pool| pool.leaf(span))
}

/// Converts one span back to its host handle.
pub(crate) fn span_from_proc_macro2(span: pm2::Span) -> Span {
    pool::with(|pool| pool.handle_of(span))
}

/// A `proc_macro2` copy of `stream` with call-site spans, for `Display`.
pub(crate) fn stream_without_spans(stream: &TokenStream) -> pm2::TokenStream {
    let trees = match &stream.repr {
        Repr::Pm2(stream) => return stream.clone(),
        Repr::Wire(wire) => &crate::wire::decode(wire),
        Repr::Trees(trees) => trees.as_slice(),
    };
    let mut collected = Collected::default();
    collected.walk(trees);
    let mut source = CallSite {
        literals: Literals::lex(collected.literals.into_iter()),
    };
    build(trees, &mut source)
}

/// A `proc_macro2` copy of `group` with call-site spans, for `Display`.
pub(crate) fn group_without_spans(group: &Group) -> pm2::Group {
    pm2::Group::new(
        delimiter_to_pm2(group.delimiter),
        stream_without_spans(&group.stream),
    )
}

/// The top-level token trees of a `proc_macro2` stream, each span mapped to
/// the handle it came from; groups keep their contents as `proc_macro2`
/// tokens until they are looked at.
pub(crate) fn trees_from_proc_macro2(stream: pm2::TokenStream) -> Vec<TokenTree> {
    pool::with(|pool| {
        stream
            .into_iter()
            .map(|tree| match tree {
                pm2::TokenTree::Group(g) => {
                    let [span, span_open, span_close] = pool.group_handles_of(&g);
                    TokenTree::Group(Group {
                        delimiter: delimiter_from_pm2(g.delimiter()),
                        span,
                        span_open,
                        span_close,
                        stream: TokenStream::from(g.stream()),
                    })
                }
                pm2::TokenTree::Ident(i) => {
                    let text = i.to_string();
                    let (name, is_raw) = match text.strip_prefix("r#") {
                        Some(name) => (name.into(), true),
                        None => (text.into_boxed_str(), false),
                    };
                    TokenTree::Ident(Ident {
                        name,
                        is_raw,
                        span: pool.handle_of(i.span()),
                    })
                }
                pm2::TokenTree::Punct(p) => TokenTree::Punct(Punct {
                    ch: p.as_char(),
                    spacing: match p.spacing() {
                        pm2::Spacing::Alone => Spacing::Alone,
                        pm2::Spacing::Joint => Spacing::Joint,
                    },
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
    fn walk(&mut self, trees: &'a [TokenTree]) {
        for tree in trees {
            match tree {
                TokenTree::Literal(l) => {
                    self.leaves += 1;
                    self.literals.push(&l.repr);
                }
                TokenTree::Group(g) => {
                    self.groups += 1;
                    if let Repr::Trees(inner) = &g.stream.repr {
                        self.walk(inner);
                    }
                }
                TokenTree::Ident(_) | TokenTree::Punct(_) => self.leaves += 1,
            }
        }
    }
}

/// Where [`build`] gets each token's `proc_macro2` span.
trait SpanSource {
    /// The span for a leaf token with `span`.
    fn leaf(&mut self, span: Span) -> pm2::Span;
    /// The span for a group.
    fn group(&mut self, group: &Group) -> pm2::Span;
    /// The literal token for `lit` (its span is set by the caller).
    fn literal(&mut self, lit: &Literal) -> pm2::Literal;
    /// A group's contents held as something other than token trees.
    fn nested(&mut self, stream: &TokenStream) -> pm2::TokenStream;
}

/// Spans from the pool: every handle is kept.
struct Placeholders {
    literals: Literals,
}

impl SpanSource for Placeholders {
    fn leaf(&mut self, span: Span) -> pm2::Span {
        span_to_proc_macro2(span)
    }

    fn group(&mut self, g: &Group) -> pm2::Span {
        pool::with(|pool| pool.group(g.span, g.span_open, g.span_close))
    }

    fn literal(&mut self, lit: &Literal) -> pm2::Literal {
        self.literals.next(&lit.repr)
    }

    fn nested(&mut self, stream: &TokenStream) -> pm2::TokenStream {
        to_proc_macro2(stream)
    }
}

/// Call-site spans everywhere.
struct CallSite {
    literals: Literals,
}

impl SpanSource for CallSite {
    fn leaf(&mut self, _: Span) -> pm2::Span {
        pm2::Span::call_site()
    }

    fn group(&mut self, _: &Group) -> pm2::Span {
        pm2::Span::call_site()
    }

    fn literal(&mut self, lit: &Literal) -> pm2::Literal {
        self.literals.next(&lit.repr)
    }

    fn nested(&mut self, stream: &TokenStream) -> pm2::TokenStream {
        stream_without_spans(stream)
    }
}

/// Builds the `proc_macro2` tree for `trees`, depth-first.
fn build(trees: &[TokenTree], spans: &mut impl SpanSource) -> pm2::TokenStream {
    let mut out = Vec::with_capacity(trees.len());
    for tree in trees {
        out.push(match tree {
            TokenTree::Group(g) => {
                let span = spans.group(g);
                let inner = match &g.stream.repr {
                    Repr::Trees(inner) => build(inner, spans),
                    _ => spans.nested(&g.stream),
                };
                let mut group = pm2::Group::new(delimiter_to_pm2(g.delimiter), inner);
                group.set_span(span);
                pm2::TokenTree::Group(group)
            }
            TokenTree::Ident(i) => {
                let span = spans.leaf(i.span);
                pm2::TokenTree::Ident(if i.is_raw {
                    pm2::Ident::new_raw(&i.name, span)
                } else {
                    pm2::Ident::new(&i.name, span)
                })
            }
            TokenTree::Punct(p) => {
                let mut punct = pm2::Punct::new(p.ch, spacing_to_pm2(p.spacing));
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

pub(crate) fn delimiter_to_pm2(delimiter: Delimiter) -> pm2::Delimiter {
    match delimiter {
        Delimiter::Parenthesis => pm2::Delimiter::Parenthesis,
        Delimiter::Brace => pm2::Delimiter::Brace,
        Delimiter::Bracket => pm2::Delimiter::Bracket,
        Delimiter::None => pm2::Delimiter::None,
    }
}

pub(crate) fn delimiter_from_pm2(delimiter: pm2::Delimiter) -> Delimiter {
    match delimiter {
        pm2::Delimiter::Parenthesis => Delimiter::Parenthesis,
        pm2::Delimiter::Brace => Delimiter::Brace,
        pm2::Delimiter::Bracket => Delimiter::Bracket,
        pm2::Delimiter::None => Delimiter::None,
    }
}

pub(crate) fn spacing_to_pm2(spacing: Spacing) -> pm2::Spacing {
    match spacing {
        Spacing::Alone => pm2::Spacing::Alone,
        Spacing::Joint => pm2::Spacing::Joint,
    }
}
