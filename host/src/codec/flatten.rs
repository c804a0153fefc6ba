//! The host's input to the guest: a `proc_macro2` stream flattened into the
//! WIT `token-stream`, each span registered in the expansion's span table.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use crate::bindings::wire;
use crate::imports::spans::SpanTable;

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
                let mut text = push_display(&mut out.text, &i);
                let start = text.start as usize;
                let is_raw = out.text[start..].starts_with("r#");
                if is_raw {
                    text.start += 2;
                    text.len -= 2;
                }
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
                let text = push_display(&mut out.text, &l);
                out.tokens.push(wire::Token::Literal(wire::LiteralToken {
                    text,
                    span: spans.push_input(l.span()),
                }));
            }
        }
    }
}

/// Appends `value`'s text to `text` (without a temporary string per token).
fn push_display(text: &mut String, value: &impl std::fmt::Display) -> wire::TextRange {
    use std::fmt::Write;
    let start = text.len();
    // Writing to a `String` cannot fail.
    let _ = write!(text, "{value}");
    wire::TextRange {
        start: start as u32,
        len: (text.len() - start) as u32,
    }
}
