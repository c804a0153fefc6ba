//! Token streams across the boundary: `proc_macro2` to the flat WIT format for
//! the input, and back, with validation, for the output.
//!
//! The output comes from untrusted code, so nothing in it is assumed: every
//! text range, identifier, punctuation character, literal, group length and
//! span handle is checked, and the tree is rebuilt without recursion, so no
//! output can make the host panic or overflow its stack.

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};

use crate::Limits;
use crate::bindings::wire;
use crate::spans::SpanTable;

/// The characters rustc accepts in a `Punct`.
const PUNCT_CHARS: &[char] = &[
    '=', '<', '>', '!', '~', '+', '-', '*', '/', '%', '^', '&', '|', '@', '.', ',', ';', ':', '#',
    '$', '?', '\'',
];

/// Flattens `stream` for the guest, registering each span in `spans`.
pub(crate) fn flatten(stream: &TokenStream, spans: &mut SpanTable) -> wire::TokenStream {
    let mut out = wire::TokenStream {
        text: String::new(),
        tokens: Vec::new(),
    };
    flatten_into(stream, spans, &mut out);
    out
}

fn flatten_into(stream: &TokenStream, spans: &mut SpanTable, out: &mut wire::TokenStream) {
    for tree in stream.clone() {
        match tree {
            TokenTree::Group(g) => {
                let at = out.tokens.len();
                out.tokens.push(wire::Token::Group(wire::GroupToken {
                    delimiter: match g.delimiter() {
                        Delimiter::Parenthesis => wire::Delimiter::Parenthesis,
                        Delimiter::Brace => wire::Delimiter::Brace,
                        Delimiter::Bracket => wire::Delimiter::Bracket,
                        Delimiter::None => wire::Delimiter::None,
                    },
                    span: spans.push_input(g.span()),
                    span_open: spans.push_input(g.span_open()),
                    span_close: spans.push_input(g.span_close()),
                    len: 0,
                }));
                flatten_into(&g.stream(), spans, out);
                let len = (out.tokens.len() - at - 1) as u32;
                if let Some(wire::Token::Group(header)) = out.tokens.get_mut(at) {
                    header.len = len;
                }
            }
            TokenTree::Ident(i) => {
                let name = i.to_string();
                let (name, is_raw) = match name.strip_prefix("r#") {
                    Some(unraw) => (unraw, true),
                    None => (name.as_str(), false),
                };
                let text = push_text(&mut out.text, name);
                out.tokens.push(wire::Token::Ident(wire::IdentToken {
                    text,
                    is_raw,
                    span: spans.push_input(i.span()),
                }));
            }
            TokenTree::Punct(p) => out.tokens.push(wire::Token::Punct(wire::PunctToken {
                ch: p.as_char(),
                spacing: match p.spacing() {
                    Spacing::Alone => wire::Spacing::Alone,
                    Spacing::Joint => wire::Spacing::Joint,
                },
                span: spans.push_input(p.span()),
            })),
            TokenTree::Literal(l) => {
                let text = push_text(&mut out.text, &l.to_string());
                out.tokens.push(wire::Token::Literal(wire::LiteralToken {
                    text,
                    span: spans.push_input(l.span()),
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

/// Why the guest's output was refused.
#[derive(Debug)]
pub(crate) enum OutputError {
    /// Over a size limit: what, and the limit.
    TooLarge(String, usize),
    /// Not a valid token stream.
    Invalid(String),
}

fn invalid(reason: impl Into<String>) -> OutputError {
    OutputError::Invalid(reason.into())
}

/// A group being rebuilt: its header and the trees so far.
struct Frame {
    /// Index of the token after the group's last one.
    end: usize,
    header: Option<wire::GroupToken>,
    trees: Vec<TokenTree>,
}

/// Rebuilds the guest's output, checking everything in it.
pub(crate) fn unflatten(
    stream: &wire::TokenStream,
    spans: &SpanTable,
    limits: &Limits,
) -> Result<TokenStream, OutputError> {
    let tokens = &stream.tokens;
    if tokens.len() > limits.output_tokens {
        let what = format!("{} tokens", tokens.len());
        return Err(OutputError::TooLarge(what, limits.output_tokens));
    }
    if stream.text.len() > limits.output_text {
        let what = format!("{} bytes of token text", stream.text.len());
        return Err(OutputError::TooLarge(what, limits.output_text));
    }
    let mut literals = parse_literals(stream)?.into_iter();
    let span = |handle: u32| spans.span(handle).map_err(|e| invalid(e.to_string()));

    let mut stack = vec![Frame {
        end: tokens.len(),
        header: None,
        trees: Vec::new(),
    }];
    for (at, token) in tokens.iter().enumerate() {
        close_groups(&mut stack, at, &span)?;
        let tree = match token {
            wire::Token::Group(g) => {
                let end = at + 1 + g.len as usize;
                let parent_end = stack.last().map_or(tokens.len(), |f| f.end);
                if end > parent_end {
                    return Err(invalid(format!(
                        "the group at token {at} claims {} tokens, more than its parent holds",
                        g.len
                    )));
                }
                if stack.len() > limits.output_depth {
                    return Err(invalid(format!(
                        "groups are nested deeper than {} levels",
                        limits.output_depth
                    )));
                }
                stack.push(Frame {
                    end,
                    header: Some(*g),
                    trees: Vec::new(),
                });
                continue;
            }
            wire::Token::Ident(t) => {
                let name = text(stream, t.text)?;
                check_ident(name, t.is_raw)?;
                let span = span(t.span)?;
                TokenTree::Ident(if t.is_raw {
                    Ident::new_raw(name, span)
                } else {
                    Ident::new(name, span)
                })
            }
            wire::Token::Punct(t) => {
                if !PUNCT_CHARS.contains(&t.ch) {
                    return Err(invalid(format!("`{}` is not a punctuation character", t.ch.escape_debug())));
                }
                let spacing = match t.spacing {
                    wire::Spacing::Alone => Spacing::Alone,
                    wire::Spacing::Joint => Spacing::Joint,
                };
                let mut punct = Punct::new(t.ch, spacing);
                punct.set_span(span(t.span)?);
                TokenTree::Punct(punct)
            }
            wire::Token::Literal(t) => {
                let mut literal = literals
                    .next()
                    .ok_or_else(|| invalid("internal: literal count changed"))?;
                literal.set_span(span(t.span)?);
                TokenTree::Literal(literal)
            }
        };
        if let Some(frame) = stack.last_mut() {
            frame.trees.push(tree);
        }
    }
    close_groups(&mut stack, tokens.len(), &span)?;
    let root = stack.pop().ok_or_else(|| invalid("internal: no root"))?;
    Ok(root.trees.into_iter().collect())
}

/// Pops every group that ends at token `at` into its parent.
fn close_groups(
    stack: &mut Vec<Frame>,
    at: usize,
    span: &impl Fn(u32) -> Result<proc_macro2::Span, OutputError>,
) -> Result<(), OutputError> {
    while stack.len() > 1 && stack.last().is_some_and(|f| f.end == at) {
        let Some(Frame {
            header: Some(header),
            trees,
            ..
        }) = stack.pop()
        else {
            return Err(invalid("internal: group frame without a header"));
        };
        let delimiter = match header.delimiter {
            wire::Delimiter::Parenthesis => Delimiter::Parenthesis,
            wire::Delimiter::Brace => Delimiter::Brace,
            wire::Delimiter::Bracket => Delimiter::Bracket,
            wire::Delimiter::None => Delimiter::None,
        };
        // proc_macro2 sets a group's span as a whole; the open and close
        // handles are still checked, so a forged one is refused.
        span(header.span_open)?;
        span(header.span_close)?;
        let mut group = Group::new(delimiter, trees.into_iter().collect());
        group.set_span(span(header.span)?);
        if let Some(parent) = stack.last_mut() {
            parent.trees.push(TokenTree::Group(group));
        }
    }
    Ok(())
}

fn text(stream: &wire::TokenStream, range: wire::TextRange) -> Result<&str, OutputError> {
    let start = range.start as usize;
    start
        .checked_add(range.len as usize)
        .and_then(|end| stream.text.get(start..end))
        .ok_or_else(|| {
            invalid(format!(
                "text range {}+{} is outside the token text or splits a character",
                range.start, range.len
            ))
        })
}

/// Whether `name` is an identifier (keywords included), as rustc decides.
pub(crate) fn is_ident(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => {
            (first == '_' || unicode_ident::is_xid_start(first))
                && chars.all(unicode_ident::is_xid_continue)
        }
        None => false,
    }
}

/// Checks an identifier as rustc does, so `Ident::new` cannot panic on it.
fn check_ident(name: &str, is_raw: bool) -> Result<(), OutputError> {
    if !is_ident(name) {
        return Err(invalid(format!("`{}` is not a valid identifier", name.escape_debug())));
    }
    if is_raw && matches!(name, "_" | "crate" | "self" | "Self" | "super") {
        return Err(invalid(format!("`r#{name}` cannot be a raw identifier")));
    }
    Ok(())
}

/// Parses every literal of the output, in order, with proc_macro2's lexer.
///
/// They are lexed together, in one pass (outside rustc each lexer run adds a
/// file to proc_macro2's source map, so one per literal would grow it fast);
/// only if that fails is each one lexed alone, to name the bad one. A negative
/// number (`-1`) is two tokens to the lexer, so those are lexed alone.
fn parse_literals(stream: &wire::TokenStream) -> Result<Vec<Literal>, OutputError> {
    let mut reprs = Vec::new();
    for token in &stream.tokens {
        if let wire::Token::Literal(t) = token {
            reprs.push(text(stream, t.text)?);
        }
    }
    let mut batch = String::new();
    for repr in reprs.iter().filter(|r| !r.starts_with('-')) {
        batch.push_str(repr);
        batch.push(' ');
    }
    let mut lexed = TokenStream::from_str(&batch)
        .map(|s| s.into_iter().collect::<Vec<_>>().into_iter())
        .ok();
    let mut out = Vec::with_capacity(reprs.len());
    for repr in reprs {
        let from_batch = match &mut lexed {
            Some(trees) if !repr.starts_with('-') => match trees.next() {
                Some(TokenTree::Literal(lit)) if lit.to_string() == repr => Some(lit),
                _ => {
                    lexed = None;
                    None
                }
            },
            _ => None,
        };
        out.push(match from_batch {
            Some(lit) => lit,
            None => parse_literal(repr)?,
        });
    }
    Ok(out)
}

fn parse_literal(repr: &str) -> Result<Literal, OutputError> {
    match Literal::from_str(repr) {
        Ok(lit) if lit.to_string() == repr => Ok(lit),
        _ => Err(invalid(format!("`{}` is not a valid literal", repr.escape_debug()))),
    }
}
