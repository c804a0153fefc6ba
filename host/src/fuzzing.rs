//! Entry points for the fuzz targets in `fuzz/` (feature `fuzzing`): what the
//! host decodes from a guest, built from arbitrary data. Not a stable API.

use arbitrary::Arbitrary;

use crate::Limits;
use crate::bindings::wire;
use crate::imports::spans::SpanTable;

/// A macro's output, as arbitrary as the wire format allows.
#[derive(Debug, Arbitrary)]
pub struct Output {
    /// How many input spans the table holds (after call site and mixed site).
    pub input_spans: u8,
    /// The flat text identifiers and literals point into.
    pub text: String,
    /// The tokens.
    pub tokens: Vec<Token>,
    /// Emitted diagnostics: level (mod 4), message, span handles.
    pub diagnostics: Vec<(u8, String, Vec<u32>)>,
}

/// One flat token.
#[derive(Debug, Arbitrary)]
#[allow(missing_docs)]
pub enum Token {
    Group {
        delimiter: u8,
        span: u32,
        open: u32,
        close: u32,
        len: u32,
    },
    Ident {
        start: u32,
        len: u32,
        is_raw: bool,
        span: u32,
    },
    Punct {
        ch: char,
        joint: bool,
        span: u32,
    },
    Literal {
        start: u32,
        len: u32,
        span: u32,
    },
}

/// Decodes `output` as the host decodes a guest's, with small limits so
/// the size checks are reached too: the tokens as text and the number of
/// diagnostics, or why it was refused. Must never panic.
pub fn decode_output(output: Output) -> Result<(String, usize), String> {
    let mut spans = SpanTable::new();
    for _ in 0..output.input_spans {
        spans.push_input(proc_macro2::Span::call_site());
    }
    let limits = Limits {
        output_tokens: 4096,
        output_text: 1 << 16,
        output_diagnostics: 64,
        output_depth: 64,
        ..Limits::default()
    };
    let range = |start, len| wire::TextRange { start, len };
    let tokens = output
        .tokens
        .into_iter()
        .map(|token| match token {
            Token::Group {
                delimiter,
                span,
                open,
                close,
                len,
            } => wire::Token::Group(wire::GroupToken {
                delimiter: match delimiter % 4 {
                    0 => wire::Delimiter::Parenthesis,
                    1 => wire::Delimiter::Brace,
                    2 => wire::Delimiter::Bracket,
                    _ => wire::Delimiter::None,
                },
                span,
                span_open: open,
                span_close: close,
                len,
            }),
            Token::Ident {
                start,
                len,
                is_raw,
                span,
            } => wire::Token::Ident(wire::IdentToken {
                text: range(start, len),
                is_raw,
                span,
            }),
            Token::Punct { ch, joint, span } => wire::Token::Punct(wire::PunctToken {
                ch,
                spacing: if joint {
                    wire::Spacing::Joint
                } else {
                    wire::Spacing::Alone
                },
                span,
            }),
            Token::Literal { start, len, span } => wire::Token::Literal(wire::LiteralToken {
                text: range(start, len),
                span,
            }),
        })
        .collect();
    let diagnostics = output
        .diagnostics
        .into_iter()
        .map(|(level, message, spans)| wire::Diagnostic {
            level: match level % 4 {
                0 => wire::Level::Error,
                1 => wire::Level::Warning,
                2 => wire::Level::Note,
                _ => wire::Level::Help,
            },
            message,
            spans,
        })
        .collect();
    let expansion = wire::Expansion {
        tokens: wire::TokenStream {
            text: output.text,
            tokens,
        },
        diagnostics,
    };
    crate::codec::decode::decode(expansion, &spans, &limits)
        .map(|(tokens, diagnostics)| (tokens.to_string(), diagnostics.len()))
        .map_err(|e| format!("{e:?}"))
}
