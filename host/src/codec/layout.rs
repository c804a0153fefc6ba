//! The protocol's flat streams and the WIT records: the same layout, two
//! sets of types (the protocol's are `std`-only, for the shim; the WIT's are
//! generated for the guest boundary). Conversions both ways.

use procbox_protocol::tree::{self, Token};
use procbox_protocol::{self as protocol};

use crate::bindings::wire;

/// The WIT record for a protocol stream (the same layout).
pub(crate) fn to_wire(stream: protocol::TokenStream) -> wire::TokenStream {
    let range = |r: tree::TextRange| wire::TextRange {
        start: r.start,
        len: r.len,
    };
    let tokens = stream
        .tokens
        .iter()
        .map(|token| match *token {
            Token::Group(g) => wire::Token::Group(wire::GroupToken {
                delimiter: match g.delimiter {
                    tree::Delimiter::Parenthesis => wire::Delimiter::Parenthesis,
                    tree::Delimiter::Brace => wire::Delimiter::Brace,
                    tree::Delimiter::Bracket => wire::Delimiter::Bracket,
                    tree::Delimiter::None => wire::Delimiter::None,
                },
                span: g.span,
                span_open: g.span_open,
                span_close: g.span_close,
                len: g.len,
            }),
            Token::Ident(i) => wire::Token::Ident(wire::IdentToken {
                text: range(i.text),
                is_raw: i.is_raw,
                span: i.span,
            }),
            Token::Punct(p) => wire::Token::Punct(wire::PunctToken {
                ch: p.ch,
                spacing: match p.spacing {
                    tree::Spacing::Alone => wire::Spacing::Alone,
                    tree::Spacing::Joint => wire::Spacing::Joint,
                },
                span: p.span,
            }),
            Token::Literal(l) => wire::Token::Literal(wire::LiteralToken {
                text: range(l.text),
                span: l.span,
            }),
        })
        .collect();
    wire::TokenStream {
        text: stream.text,
        tokens,
    }
}

/// The protocol stream for a WIT record (the same layout).
pub(crate) fn from_wire(stream: wire::TokenStream) -> protocol::TokenStream {
    let range = |r: wire::TextRange| tree::TextRange {
        start: r.start,
        len: r.len,
    };
    let tokens = stream
        .tokens
        .iter()
        .map(|token| match *token {
            wire::Token::Group(g) => Token::Group(tree::GroupToken {
                delimiter: match g.delimiter {
                    wire::Delimiter::Parenthesis => tree::Delimiter::Parenthesis,
                    wire::Delimiter::Brace => tree::Delimiter::Brace,
                    wire::Delimiter::Bracket => tree::Delimiter::Bracket,
                    wire::Delimiter::None => tree::Delimiter::None,
                },
                span: g.span,
                span_open: g.span_open,
                span_close: g.span_close,
                len: g.len,
            }),
            wire::Token::Ident(i) => Token::Ident(tree::IdentToken {
                text: range(i.text),
                is_raw: i.is_raw,
                span: i.span,
            }),
            wire::Token::Punct(p) => Token::Punct(tree::PunctToken {
                ch: p.ch,
                spacing: match p.spacing {
                    wire::Spacing::Alone => tree::Spacing::Alone,
                    wire::Spacing::Joint => tree::Spacing::Joint,
                },
                span: p.span,
            }),
            wire::Token::Literal(l) => Token::Literal(tree::LiteralToken {
                text: range(l.text),
                span: l.span,
            }),
        })
        .collect();
    protocol::TokenStream {
        text: stream.text,
        tokens,
    }
}

/// A guest's diagnostic in the protocol's types.
pub(crate) fn diagnostic_from_wire(d: wire::Diagnostic) -> protocol::Diagnostic {
    protocol::Diagnostic {
        level: match d.level {
            wire::Level::Error => protocol::Level::Error,
            wire::Level::Warning => protocol::Level::Warning,
            wire::Level::Note => protocol::Level::Note,
            wire::Level::Help => protocol::Level::Help,
        },
        message: d.message,
        spans: d.spans,
    }
}

/// A protocol diagnostic as the guest's.
pub(crate) fn diagnostic_to_wire(d: protocol::Diagnostic) -> wire::Diagnostic {
    wire::Diagnostic {
        level: match d.level {
            protocol::Level::Error => wire::Level::Error,
            protocol::Level::Warning => wire::Level::Warning,
            protocol::Level::Note => wire::Level::Note,
            protocol::Level::Help => wire::Level::Help,
        },
        message: d.message,
        spans: d.spans,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_layouts_convert_both_ways_unchanged() {
        let mut stream = protocol::TokenStream::new();
        let group = stream.open_group(tree::Delimiter::None, 2, 3, 4);
        let text = stream.push_text("r#x");
        stream.tokens.push(Token::Ident(tree::IdentToken {
            text,
            is_raw: true,
            span: 5,
        }));
        stream.tokens.push(Token::Punct(tree::PunctToken {
            ch: '#',
            spacing: tree::Spacing::Joint,
            span: 6,
        }));
        let text = stream.push_text("1u8");
        stream
            .tokens
            .push(Token::Literal(tree::LiteralToken { text, span: 7 }));
        stream.close_group(group);
        assert_eq!(from_wire(to_wire(stream.clone())), stream);
    }
}
