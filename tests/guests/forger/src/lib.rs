//! A hostile macro component that bypasses the SDK: it implements the
//! `procbox:proc-macro` world with wit-bindgen directly, so it can return
//! what the SDK would never produce. Each function-like macro returns one
//! kind of malformed output (or, `diagnostic_flood`, far too much of it);
//! `good` returns a well-formed identifier.

use std::sync::atomic::{AtomicU32, Ordering};

use exports::procbox::proc_macro::macros::Guest;
use procbox::proc_macro::types::{
    Delimiter, Diagnostic, Expansion, GroupToken, IdentToken, Level, LiteralToken, MacroInfo,
    MacroKind, PunctToken, Spacing, TextRange, Token, TokenStream,
};

wit_bindgen::generate!({
    world: "proc-macro",
    path: "../../../wit",
});

struct Forger;

// Only a component has these exports; a native build of the workspace (its
// symbol names cannot be exported from a native library) leaves them out.
#[cfg(target_family = "wasm")]
export!(Forger);

/// The largest span handle seen in any input so far: reused in a later
/// expansion, it is stale.
static LARGEST_SEEN: AtomicU32 = AtomicU32::new(0);

const MACROS: &[&str] = &[
    "good",
    "forged_span",
    "stale_span",
    "bad_ident",
    "keyword_raw_ident",
    "bad_literal",
    "two_literals",
    "bad_punct",
    "text_out_of_range",
    "text_not_char_boundary",
    "group_len_overruns",
    "too_deep",
    "forged_diagnostic_span",
    "diagnostic_flood",
];

fn ident(text: &str, span: u32) -> TokenStream {
    TokenStream {
        text: text.to_owned(),
        tokens: vec![Token::Ident(IdentToken {
            text: TextRange {
                start: 0,
                len: text.len() as u32,
            },
            is_raw: false,
            span,
        })],
    }
}

fn literal(text: &str) -> TokenStream {
    TokenStream {
        text: text.to_owned(),
        tokens: vec![Token::Literal(LiteralToken {
            text: TextRange {
                start: 0,
                len: text.len() as u32,
            },
            span: 0,
        })],
    }
}

fn largest_span(input: &TokenStream) -> u32 {
    input
        .tokens
        .iter()
        .map(|t| match t {
            Token::Group(g) => g.span.max(g.span_open).max(g.span_close),
            Token::Ident(i) => i.span,
            Token::Punct(p) => p.span,
            Token::Literal(l) => l.span,
        })
        .max()
        .unwrap_or(0)
}

impl Guest for Forger {
    fn list_macros() -> Vec<MacroInfo> {
        MACROS
            .iter()
            .map(|name| MacroInfo {
                name: (*name).to_owned(),
                kind: MacroKind::Function,
                helper_attributes: Vec::new(),
            })
            .collect()
    }

    fn expand(name: String, input: TokenStream, _args: Option<TokenStream>) -> Expansion {
        let previous = LARGEST_SEEN.fetch_max(largest_span(&input), Ordering::Relaxed);
        let tokens = match name.as_str() {
            "good" => ident("fine", 0),
            "forged_span" => ident("x", u32::MAX - 7),
            "stale_span" => ident("x", previous),
            "bad_ident" => ident("not an ident", 0),
            "keyword_raw_ident" => TokenStream {
                text: "self".to_owned(),
                tokens: vec![Token::Ident(IdentToken {
                    text: TextRange { start: 0, len: 4 },
                    is_raw: true,
                    span: 0,
                })],
            },
            "bad_literal" => literal("1 + 1"),
            "two_literals" => literal("\"a\" \"b\""),
            "bad_punct" => TokenStream {
                text: String::new(),
                tokens: vec![Token::Punct(PunctToken {
                    ch: 'a',
                    spacing: Spacing::Alone,
                    span: 0,
                })],
            },
            "text_out_of_range" => TokenStream {
                text: "abc".to_owned(),
                tokens: vec![Token::Ident(IdentToken {
                    text: TextRange {
                        start: 2,
                        len: u32::MAX,
                    },
                    is_raw: false,
                    span: 0,
                })],
            },
            "text_not_char_boundary" => TokenStream {
                text: "é".to_owned(),
                tokens: vec![Token::Ident(IdentToken {
                    text: TextRange { start: 0, len: 1 },
                    is_raw: false,
                    span: 0,
                })],
            },
            "group_len_overruns" => TokenStream {
                text: String::new(),
                tokens: vec![Token::Group(GroupToken {
                    delimiter: Delimiter::Parenthesis,
                    span: 0,
                    span_open: 0,
                    span_close: 0,
                    len: 1000,
                })],
            },
            "too_deep" => TokenStream {
                text: String::new(),
                tokens: (0..100_000)
                    .map(|depth| {
                        Token::Group(GroupToken {
                            delimiter: Delimiter::Bracket,
                            span: 0,
                            span_open: 0,
                            span_close: 0,
                            len: 99_999 - depth,
                        })
                    })
                    .collect(),
            },
            "forged_diagnostic_span" => {
                return Expansion {
                    tokens: TokenStream {
                        text: String::new(),
                        tokens: Vec::new(),
                    },
                    diagnostics: vec![Diagnostic {
                        level: Level::Error,
                        message: "pointing nowhere".to_owned(),
                        spans: vec![u32::MAX],
                    }],
                };
            }
            "diagnostic_flood" => {
                return Expansion {
                    tokens: TokenStream {
                        text: String::new(),
                        tokens: Vec::new(),
                    },
                    // As many as the input's integer literal says, each as
                    // small as the world allows: what costs the host most
                    // memory per byte of the guest's.
                    diagnostics: vec![
                        Diagnostic {
                            level: Level::Warning,
                            message: String::new(),
                            spans: Vec::new(),
                        };
                        input.text.parse().unwrap_or(0)
                    ],
                };
            }
            _ => TokenStream {
                text: String::new(),
                tokens: Vec::new(),
            },
        };
        Expansion {
            tokens,
            diagnostics: Vec::new(),
        }
    }
}
