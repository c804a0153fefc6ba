//! Expanding flat token streams whose spans the caller holds: what `procbox
//! serve` does for the shim inside rustc, which keeps the compiler's spans
//! and answers the macro's span queries about them.
//!
//! The input arrives in the protocol's flat layout with the caller's span
//! handles; the output leaves in the same layout, checked as thoroughly as
//! [`MacroComponent::expand`](crate::MacroComponent::expand) checks its
//! output, with handles the caller made.

use super::classify::Site;
use super::run::output_error;
use crate::bindings::wire;
use crate::codec::decode::decode_flat;
use crate::imports::spans::Spans;
use crate::{ExpansionStats, Limits, Result};
use procbox_protocol::tree::{self, Token};
use procbox_protocol::{self as protocol, MacroKind};

/// One use of a macro, in the protocol's flat layout.
#[derive(Clone, Debug)]
pub struct FlatInvocation {
    /// The macro's kind.
    pub kind: MacroKind,
    /// The macro's name.
    pub name: String,
    /// Its input.
    pub input: protocol::TokenStream,
    /// An attribute macro's arguments.
    pub args: Option<protocol::TokenStream>,
    /// How many spans the caller holds: handles `0..span_count` (the call
    /// site, the mixed site, then those of the input and arguments).
    pub span_count: u32,
    /// Where the invocation is, for people reading the expansion cache
    /// (e.g. `src/lib.rs`), where known.
    pub file: Option<String>,
    /// Whether the host's [`ExpansionCache`](crate::ExpansionCache) may
    /// answer (and record) this expansion: true unless the caller wants
    /// the macro to run.
    pub cached: bool,
}

/// The result of a successful flat expansion.
#[derive(Clone, Debug)]
pub struct FlatExpansion {
    /// The output tokens, checked; their span handles are the caller's.
    pub tokens: protocol::TokenStream,
    /// What the macro emitted besides its tokens (`compile_error!`s are in
    /// the tokens, not here).
    pub diagnostics: Vec<protocol::Diagnostic>,
    /// What crossed the boundary.
    pub stats: ExpansionStats,
    /// The granted files and directories the macro read (absolute paths),
    /// for a build that should expand again when they change.
    pub files_read: Vec<String>,
}

/// The guest's `expansion` checked against the caller's spans in `spans`,
/// in the protocol's layout.
pub(crate) fn finish_flat(
    expansion: wire::Expansion,
    spans: &Spans,
    site: &Site<'_>,
    limits: &Limits,
    stats: ExpansionStats,
    files_read: Vec<String>,
) -> Result<FlatExpansion> {
    let known = |handle| match spans {
        Spans::Remote(remote) => remote.contains(handle),
        Spans::Local(_) => false,
    };
    let expansion = decode_flat(expansion, known, limits).map_err(|e| output_error(site, e))?;
    Ok(FlatExpansion {
        tokens: from_wire(expansion.tokens),
        diagnostics: expansion
            .diagnostics
            .into_iter()
            .map(|d| protocol::Diagnostic {
                level: match d.level {
                    wire::Level::Error => protocol::Level::Error,
                    wire::Level::Warning => protocol::Level::Warning,
                    wire::Level::Note => protocol::Level::Note,
                    wire::Level::Help => protocol::Level::Help,
                },
                message: d.message,
                spans: d.spans,
            })
            .collect(),
        stats,
        files_read,
    })
}

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
fn from_wire(stream: wire::TokenStream) -> protocol::TokenStream {
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
