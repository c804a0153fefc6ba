//! Conversions between procbox tokens and `proc_macro2` tokens that keep spans.
//!
//! In the guest, `proc_macro2` runs in its fallback mode (there is no compiler
//! to talk to). A fallback span is a byte range in a thread-local source map,
//! and the only way to make one is to parse text. So converting a stream to
//! `proc_macro2` parses one short *placeholder text* with a token for each span
//! it needs (`#` for an identifier or punctuation, `##` for a group's
//! delimiters, a literal's own text for a literal) and records which byte range
//! of that text stands for which host span handle.
//!
//! Converting back uses only `proc_macro2`'s public API: `Span::join` is `None`
//! across source files, which tells whether a span is in one of our placeholder
//! texts, and `Span::start` says where. Each placeholder is on a line of its
//! own, so `start` (a binary search over line starts) identifies it without
//! scanning text. Spans from anything else (text the macro parsed itself,
//! `Span::call_site()`) become the call site, as they would in `proc_macro`.

use std::cell::RefCell;
use std::str::FromStr;

use proc_macro2 as pm2;

use crate::span::CALL_SITE;
use crate::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

thread_local! {
    /// The placeholder texts parsed during the current expansion.
    static TEXTS: RefCell<Vec<PlaceholderText>> = const { RefCell::new(Vec::new()) };
}

/// A position in a placeholder text: 1-based line, 0-based column in
/// characters (`proc_macro2::LineColumn`).
type Position = (usize, usize);

/// One parsed placeholder text and what its ranges stand for.
struct PlaceholderText {
    /// A span in the text: `anchor.join(s)` is `Some` exactly when `s` is too.
    anchor: pm2::Span,
    /// `(start, end, handle)` for each placeholder range, sorted by `(start, end)`.
    ranges: Vec<(Position, Position, u32)>,
}

/// Forgets every span of the previous expansion, so a reused instance starts
/// each expansion as a fresh one would (and its source map does not grow).
pub(crate) fn reset() {
    pm2::extra::invalidate_current_thread_spans();
    TEXTS.with(|texts| texts.borrow_mut().clear());
}

/// Converts a stream for use with `syn`/`quote`, keeping every span.
pub(crate) fn to_proc_macro2(stream: &TokenStream) -> pm2::TokenStream {
    let mut layout = Layout::default();
    layout.stream(stream);
    if layout.text.is_empty() {
        return pm2::TokenStream::new();
    }
    // The text is never empty here, so it lexes to at least one token (if it
    // lexes at all: it always does for tokens made through this SDK; if not,
    // call-site spans are better than no expansion).
    let parsed = parse_placeholders(&layout.text);
    let Some(anchor) = parsed.first().map(pm2::TokenTree::span) else {
        return stream_without_spans(stream);
    };
    let mut spans = Placeholders {
        parsed: parsed.into_iter(),
    };
    let out = build(stream, &mut spans);
    TEXTS.with(|texts| {
        texts.borrow_mut().push(PlaceholderText {
            anchor,
            ranges: layout.ranges,
        })
    });
    out
}

/// Converts one span for use with `syn`/`quote`.
pub(crate) fn span_to_proc_macro2(span: Span) -> pm2::Span {
    let stream = TokenStream::from(TokenTree::Punct(Punct {
        ch: '#',
        spacing: Spacing::Alone,
        span,
    }));
    to_proc_macro2(&stream)
        .into_iter()
        .next()
        .map_or_else(pm2::Span::call_site, |tree| tree.span())
}

/// A `proc_macro2` copy of `stream` with call-site spans, for `Display`.
pub(crate) fn stream_without_spans(stream: &TokenStream) -> pm2::TokenStream {
    build(stream, &mut CallSite)
}

/// A `proc_macro2` copy of `group` with call-site spans, for `Display`.
pub(crate) fn group_without_spans(group: &Group) -> pm2::Group {
    pm2::Group::new(
        delimiter_to_pm2(group.delimiter),
        stream_without_spans(&group.stream),
    )
}

/// Converts a stream a macro produced with `syn`/`quote` back, mapping each
/// span to the host handle it came from.
pub(crate) fn from_proc_macro2(stream: pm2::TokenStream) -> TokenStream {
    TEXTS.with(|texts| convert_back(stream, &texts.borrow()))
}

/// Converts one span back to its host handle.
pub(crate) fn span_from_proc_macro2(span: pm2::Span) -> Span {
    TEXTS.with(|texts| Span(handle_of(span, &texts.borrow())))
}

fn convert_back(stream: pm2::TokenStream, texts: &[PlaceholderText]) -> TokenStream {
    let trees = stream.into_iter().map(|tree| match tree {
        pm2::TokenTree::Group(g) => TokenTree::Group(Group {
            delimiter: match g.delimiter() {
                pm2::Delimiter::Parenthesis => Delimiter::Parenthesis,
                pm2::Delimiter::Brace => Delimiter::Brace,
                pm2::Delimiter::Bracket => Delimiter::Bracket,
                pm2::Delimiter::None => Delimiter::None,
            },
            span: Span(handle_of(g.span(), texts)),
            span_open: Span(handle_of(g.span_open(), texts)),
            span_close: Span(handle_of(g.span_close(), texts)),
            stream: convert_back(g.stream(), texts),
        }),
        pm2::TokenTree::Ident(i) => {
            let text = i.to_string();
            let (name, is_raw) = match text.strip_prefix("r#") {
                Some(name) => (name.into(), true),
                None => (text.into_boxed_str(), false),
            };
            TokenTree::Ident(Ident {
                name,
                is_raw,
                span: Span(handle_of(i.span(), texts)),
            })
        }
        pm2::TokenTree::Punct(p) => TokenTree::Punct(Punct {
            ch: p.as_char(),
            spacing: match p.spacing() {
                pm2::Spacing::Alone => Spacing::Alone,
                pm2::Spacing::Joint => Spacing::Joint,
            },
            span: Span(handle_of(p.span(), texts)),
        }),
        pm2::TokenTree::Literal(l) => TokenTree::Literal(Literal {
            repr: l.to_string().into_boxed_str(),
            span: Span(handle_of(l.span(), texts)),
        }),
    });
    TokenStream::from_trees(trees.collect())
}

/// The host handle `span` stands for: exact for any span we handed out, a host
/// `join` for a span `proc_macro2` joined from ours, the call site otherwise.
fn handle_of(span: pm2::Span, texts: &[PlaceholderText]) -> u32 {
    if pm2::Span::call_site().join(span).is_some() {
        return CALL_SITE;
    }
    // Newest first: a span is usually from the latest conversion.
    let Some(text) = texts
        .iter()
        .rev()
        .find(|text| text.anchor.join(span).is_some())
    else {
        return CALL_SITE;
    };
    let start = position(span.start());
    let ranges = &text.ranges;
    let first = ranges.partition_point(|&(s, _, _)| s < start);
    let same_start = ranges[first..].iter().take_while(|&&(s, _, _)| s == start);
    match same_start.clone().count() {
        // One placeholder starts here: it is this one.
        1 if ranges[first].1 == position(span.end()) => return ranges[first].2,
        // A group's whole span and its open delimiter start together.
        2.. => {
            let end = position(span.end());
            if let Some(&(_, _, handle)) = same_start.clone().find(|&&(_, e, _)| e == end) {
                return handle;
            }
        }
        _ => {}
    }
    // A span proc_macro2 joined from several of ours: ask the host to join the
    // first and last (best effort, as `Span::join` is).
    let end = position(span.end());
    let first = ranges.get(first).filter(|&&(s, _, _)| s == start);
    let last = ranges.iter().rev().find(|&&(_, e, _)| e == end);
    match (first, last) {
        (Some(&(_, _, a)), Some(&(_, _, b))) => Span(a).join(Span(b)).map_or(a, |s| s.0),
        (Some(&(_, _, a)), None) => a,
        _ => CALL_SITE,
    }
}

fn position(at: pm2::LineColumn) -> Position {
    (at.line, at.column)
}

/// The placeholder text for a stream and the handle of each of its ranges,
/// laid out depth-first (the order [`build`] consumes them in), one
/// placeholder per line.
struct Layout {
    text: String,
    /// Where the next placeholder starts.
    at: Position,
    ranges: Vec<(Position, Position, u32)>,
}

impl Default for Layout {
    fn default() -> Layout {
        Layout {
            text: String::new(),
            at: (1, 0),
            ranges: Vec::new(),
        }
    }
}

impl Layout {
    fn stream(&mut self, stream: &TokenStream) {
        for tree in stream.trees.iter() {
            match tree {
                TokenTree::Group(g) => {
                    // `##`: the group is both characters, each delimiter one,
                    // which is how proc_macro2 derives `span_open`/`span_close`.
                    let (line, _) = self.at;
                    self.ranges.push(((line, 0), (line, 1), g.span_open.0));
                    self.ranges.push(((line, 0), (line, 2), g.span.0));
                    self.ranges.push(((line, 1), (line, 2), g.span_close.0));
                    self.text.push_str("##\n");
                    self.at = (line + 1, 0);
                    self.stream(&g.stream);
                }
                TokenTree::Ident(Ident { span, .. }) | TokenTree::Punct(Punct { span, .. }) => {
                    self.placeholder("#", *span)
                }
                TokenTree::Literal(l) if lexes_as_one_literal(&l.repr) => {
                    self.placeholder(&l.repr, l.span)
                }
                TokenTree::Literal(l) => self.placeholder("#", l.span),
            }
        }
    }

    /// Adds `text` (which may span lines: a string literal) and a newline.
    fn placeholder(&mut self, text: &str, span: Span) {
        let start = self.at;
        let end = match text.rfind('\n') {
            Some(last) => (
                start.0 + text.matches('\n').count(),
                text[last + 1..].chars().count(),
            ),
            None => (start.0, start.1 + text.chars().count()),
        };
        self.ranges.push((start, end, span.0));
        self.text.push_str(text);
        self.text.push('\n');
        self.at = (end.0 + 1, 0);
    }
}

/// Whether the lexer reads `repr` back as a single literal token: a negative
/// number is `-` and a literal, so it gets a `#` placeholder instead.
fn lexes_as_one_literal(repr: &str) -> bool {
    !repr.starts_with('-')
}

/// Parses the placeholder text into its flat list of tokens (empty if it does
/// not lex).
fn parse_placeholders(text: &str) -> Vec<pm2::TokenTree> {
    pm2::TokenStream::from_str(text)
        .map_or_else(|_| Vec::new(), |stream| stream.into_iter().collect())
}

/// Where [`build`] gets each token's `proc_macro2` span.
trait SpanSource {
    /// The span for a leaf token.
    fn leaf(&mut self) -> pm2::Span;
    /// The literal token for `lit`, with its span.
    fn literal(&mut self, lit: &Literal) -> pm2::Literal;
    /// The span of a group (its delimiters are the first and last byte).
    fn group(&mut self) -> pm2::Span;
}

/// Spans from a parsed placeholder text, consumed depth-first.
struct Placeholders {
    parsed: std::vec::IntoIter<pm2::TokenTree>,
}

impl Placeholders {
    fn next_span(&mut self) -> pm2::Span {
        self.parsed
            .next()
            .map_or_else(pm2::Span::call_site, |tree| tree.span())
    }
}

impl SpanSource for Placeholders {
    fn leaf(&mut self) -> pm2::Span {
        self.next_span()
    }

    fn literal(&mut self, lit: &Literal) -> pm2::Literal {
        if lexes_as_one_literal(&lit.repr) {
            if let Some(pm2::TokenTree::Literal(parsed)) = self.parsed.next() {
                return parsed;
            }
            return literal_to_pm2(lit);
        }
        let span = self.next_span();
        let mut out = literal_to_pm2(lit);
        out.set_span(span);
        out
    }

    fn group(&mut self) -> pm2::Span {
        let open = self.next_span();
        let close = self.next_span();
        open.join(close).unwrap_or(open)
    }
}

/// Call-site spans everywhere.
struct CallSite;

impl SpanSource for CallSite {
    fn leaf(&mut self) -> pm2::Span {
        pm2::Span::call_site()
    }

    fn literal(&mut self, lit: &Literal) -> pm2::Literal {
        literal_to_pm2(lit)
    }

    fn group(&mut self) -> pm2::Span {
        pm2::Span::call_site()
    }
}

fn literal_to_pm2(lit: &Literal) -> pm2::Literal {
    // Every `Literal` is checked when it is made (constructors, `FromStr`, the
    // host's validation of its input), so this cannot fail.
    pm2::Literal::from_str(&lit.repr).expect("procbox::Literal holds a valid literal")
}

fn delimiter_to_pm2(delimiter: Delimiter) -> pm2::Delimiter {
    match delimiter {
        Delimiter::Parenthesis => pm2::Delimiter::Parenthesis,
        Delimiter::Brace => pm2::Delimiter::Brace,
        Delimiter::Bracket => pm2::Delimiter::Bracket,
        Delimiter::None => pm2::Delimiter::None,
    }
}

/// Builds the `proc_macro2` tree for `stream`, taking spans from `spans` in
/// depth-first order.
fn build(stream: &TokenStream, spans: &mut impl SpanSource) -> pm2::TokenStream {
    let mut out = Vec::with_capacity(stream.trees.len());
    for tree in stream.trees.iter() {
        out.push(match tree {
            TokenTree::Group(g) => {
                let span = spans.group();
                let mut group =
                    pm2::Group::new(delimiter_to_pm2(g.delimiter), build(&g.stream, spans));
                group.set_span(span);
                pm2::TokenTree::Group(group)
            }
            TokenTree::Ident(i) => {
                let span = spans.leaf();
                pm2::TokenTree::Ident(if i.is_raw {
                    pm2::Ident::new_raw(&i.name, span)
                } else {
                    pm2::Ident::new(&i.name, span)
                })
            }
            TokenTree::Punct(p) => {
                let span = spans.leaf();
                let spacing = match p.spacing {
                    Spacing::Alone => pm2::Spacing::Alone,
                    Spacing::Joint => pm2::Spacing::Joint,
                };
                let mut punct = pm2::Punct::new(p.ch, spacing);
                punct.set_span(span);
                pm2::TokenTree::Punct(punct)
            }
            TokenTree::Literal(l) => pm2::TokenTree::Literal(spans.literal(l)),
        });
    }
    out.into_iter().collect()
}
