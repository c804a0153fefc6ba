//! Expanding flat token streams whose spans the caller holds: what `procbox
//! serve` does for the shim inside rustc, which keeps the compiler's spans
//! and answers the macro's span queries about them.
//!
//! The input arrives in the protocol's flat layout with the caller's span
//! handles; the output leaves in the same layout, checked as thoroughly as
//! [`MacroComponent::expand`](crate::MacroComponent::expand) checks its
//! output, with handles the caller made.

use procbox_protocol::tree::{self, Token};
use procbox_protocol::{self as protocol, MacroKind};
use wasmtime::Store;

use super::classify::Site;
use super::run::{call, output_error};
use super::store::ExpansionState;
use crate::bindings::{ProcMacro, wire};
use crate::codec::decode::decode_flat;
use crate::imports::spans::{RemoteSpans, SpanOracle, Spans};
use crate::{ExpansionStats, Limits, Result};

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
}

/// Runs `invocation` in `instance` (a fresh store), asking `oracle` about
/// spans.
pub(crate) fn run_flat(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    invocation: FlatInvocation,
    oracle: Box<dyn SpanOracle>,
) -> Result<FlatExpansion> {
    let input_tokens =
        invocation.input.tokens.len() + invocation.args.as_ref().map_or(0, |a| a.tokens.len());
    let input = to_wire(invocation.input);
    let args = invocation.args.map(to_wire);
    *store.data_mut().spans = Spans::Remote(RemoteSpans::new(oracle, invocation.span_count));
    let expansion = call(
        store,
        instance,
        site,
        limits,
        &invocation.name,
        &input,
        args.as_ref(),
    )?;
    let state = store.data();
    let known = |handle| match &*state.spans {
        Spans::Remote(remote) => remote.contains(handle),
        Spans::Local(_) => false,
    };
    let output_tokens = expansion.tokens.tokens.len();
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
        stats: ExpansionStats {
            input_tokens,
            output_tokens,
            span_queries: state.span_queries,
            memory_bytes: state.limiter.size,
        },
    })
}

/// The WIT record for a protocol stream (the same layout).
fn to_wire(stream: protocol::TokenStream) -> wire::TokenStream {
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
