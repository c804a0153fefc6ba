//! The design's floor: the derive with every conversion an expansion makes,
//! and no sandbox.
//!
//! The host flattens the input and checks and rebuilds the output with its
//! own code (`procbox_host::bench`, feature `bench`); the guest SDK builds
//! `proc_macro2` tokens from the flat input and flattens `quote!`'s output
//! (`procbox::__private::expand_natively`) around the same derive; all of it
//! native, in this process. Between the two, where the canonical ABI copies
//! the flat streams into and out of the guest's memory, the tokens are
//! copied from one crate's generated types to the other's and the text is
//! moved. What this costs over the native derive is what the boundary costs
//! with wasm free: no time limit, no bounds checks, no component call.
//!
//! Host and guest share one thread's `proc_macro2` source map here, which they
//! never do in the sandbox: the guest's pool texts land in it, and every 64
//! expansions the guest clears it, after which the locations of spans lexed
//! before (the inputs') can no longer be asked for. Nothing in this benchmark
//! asks.

use proc_macro2::TokenStream;
use procbox::__private::{expand_natively, wire as guest};
use procbox_host::bench::{Spans, decode_output, flatten_input, wire as host};

/// `#[derive(ToJson)]` on `input` through the boundary's conversions.
pub fn expand(input: &TokenStream) -> TokenStream {
    let (flat, spans) = flatten_input(input);
    let output = expand_natively("ToJson", stream_to_guest(flat), None);
    decode(output, &spans)
}

fn decode(output: guest::Expansion, spans: &Spans) -> TokenStream {
    let diagnostics = output
        .diagnostics
        .into_iter()
        .map(|d| host::Diagnostic {
            level: match d.level {
                guest::Level::Error => host::Level::Error,
                guest::Level::Warning => host::Level::Warning,
                guest::Level::Note => host::Level::Note,
                guest::Level::Help => host::Level::Help,
            },
            message: d.message,
            spans: d.spans,
        })
        .collect();
    let output = host::Expansion {
        tokens: stream_to_host(output.tokens),
        diagnostics,
    };
    match decode_output(output, spans) {
        Ok((tokens, 0)) => tokens,
        Ok((_, n)) => panic!("the derive emitted {n} diagnostics"),
        Err(e) => panic!("the host refuses the derive's output: {e}"),
    }
}

/// A copy of a flat stream from one side's generated types to the other's:
/// the two are generated from the same WIT record by record.
macro_rules! copy_stream {
    ($name:ident: $from:ident -> $to:ident) => {
        fn $name(stream: $from::TokenStream) -> $to::TokenStream {
            let range = |r: $from::TextRange| $to::TextRange {
                start: r.start,
                len: r.len,
            };
            let tokens = stream
                .tokens
                .into_iter()
                .map(|token| match token {
                    $from::Token::Group(g) => $to::Token::Group($to::GroupToken {
                        delimiter: match g.delimiter {
                            $from::Delimiter::Parenthesis => $to::Delimiter::Parenthesis,
                            $from::Delimiter::Brace => $to::Delimiter::Brace,
                            $from::Delimiter::Bracket => $to::Delimiter::Bracket,
                            $from::Delimiter::None => $to::Delimiter::None,
                        },
                        span: g.span,
                        span_open: g.span_open,
                        span_close: g.span_close,
                        len: g.len,
                    }),
                    $from::Token::Ident(t) => $to::Token::Ident($to::IdentToken {
                        text: range(t.text),
                        is_raw: t.is_raw,
                        span: t.span,
                    }),
                    $from::Token::Punct(t) => $to::Token::Punct($to::PunctToken {
                        ch: t.ch,
                        spacing: match t.spacing {
                            $from::Spacing::Alone => $to::Spacing::Alone,
                            $from::Spacing::Joint => $to::Spacing::Joint,
                        },
                        span: t.span,
                    }),
                    $from::Token::Literal(t) => $to::Token::Literal($to::LiteralToken {
                        text: range(t.text),
                        span: t.span,
                    }),
                })
                .collect();
            $to::TokenStream {
                text: stream.text,
                tokens,
            }
        }
    };
}

copy_stream!(stream_to_guest: host -> guest);
copy_stream!(stream_to_host: guest -> host);
