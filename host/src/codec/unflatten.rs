//! The guest's output rebuilt as a `proc_macro2` stream, every token
//! checked on the way ([`super::check`]), without recursion: no output can
//! make the host panic or overflow its stack.

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, TokenStream, TokenTree};

use super::check::{
    DOLLAR_CRATE, OutputError, check_ident, check_punct, invalid, parse_literals, text,
};
use crate::Limits;
use crate::bindings::wire;
use crate::imports::spans::SpanTable;

/// A group being rebuilt: its header and the trees so far.
struct Frame {
    /// Index of the token after the group's last one.
    end: usize,
    header: Option<wire::GroupToken>,
    trees: Vec<TokenTree>,
}

/// Rebuilds the guest's output tokens, checking everything in them but their
/// size, which [`decode`](crate::decode::decode) checks first.
pub(crate) fn unflatten(
    stream: &wire::TokenStream,
    spans: &SpanTable,
    limits: &Limits,
) -> Result<TokenStream, OutputError> {
    let tokens = &stream.tokens;
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
                if t.is_raw {
                    TokenTree::Ident(Ident::new_raw(name, span))
                } else if name == DOLLAR_CRATE {
                    // rustc's `$crate`, one identifier, which `proc_macro2`
                    // cannot hold: `$` joined to `crate`, which prints the same.
                    let mut dollar = Punct::new('$', Spacing::Joint);
                    dollar.set_span(span);
                    if let Some(frame) = stack.last_mut() {
                        frame.trees.push(TokenTree::Punct(dollar));
                    }
                    TokenTree::Ident(Ident::new("crate", span))
                } else {
                    TokenTree::Ident(Ident::new(name, span))
                }
            }
            wire::Token::Punct(t) => {
                check_punct(t.ch)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::check::check;
    use crate::codec::flatten::flatten;

    fn limits() -> Limits {
        Limits::default()
    }

    /// A wire stream of `tokens` over `text`.
    fn stream(text: &str, tokens: Vec<wire::Token>) -> wire::TokenStream {
        wire::TokenStream {
            text: text.to_owned(),
            tokens,
        }
    }

    fn ident(start: u32, len: u32, is_raw: bool) -> wire::Token {
        wire::Token::Ident(wire::IdentToken {
            text: wire::TextRange { start, len },
            is_raw,
            span: 0,
        })
    }

    fn literal(start: u32, len: u32) -> wire::Token {
        wire::Token::Literal(wire::LiteralToken {
            text: wire::TextRange { start, len },
            span: 0,
        })
    }

    fn group(len: u32) -> wire::Token {
        wire::Token::Group(wire::GroupToken {
            delimiter: wire::Delimiter::Parenthesis,
            span: 0,
            span_open: 0,
            span_close: 0,
            len,
        })
    }

    /// Why `stream` is refused, by `unflatten` and, with the same reason, by
    /// `check` (spans: those of an empty table, the call and mixed sites).
    fn refused(stream: &wire::TokenStream) -> String {
        let unflattened = reason(unflatten(stream, &SpanTable::new(), &limits()));
        match check(stream, |h| h < 2, &limits()) {
            Err(OutputError::Invalid(checked)) => assert_eq!(checked, unflattened),
            other => panic!("check accepts what unflatten refuses ({unflattened}): {other:?}"),
        }
        unflattened
    }

    /// `stream` rebuilt by `unflatten`, which `check` accepts too.
    fn accepted(stream: &wire::TokenStream) -> TokenStream {
        let checked = check(stream, |h| h < 2, &limits());
        assert!(checked.is_ok(), "{checked:?}");
        unflatten(stream, &SpanTable::new(), &limits()).expect("valid")
    }

    fn reason(result: Result<TokenStream, OutputError>) -> String {
        match result {
            Err(OutputError::Invalid(reason)) => reason,
            other => panic!("expected invalid output, got {other:?}"),
        }
    }

    #[test]
    fn round_trip_keeps_tokens_and_spans() {
        let src = "fn r#type<'a>(x: &'a [u8]) -> i32 { -1 + \"s\".len() as i32 } // c";
        let input: TokenStream = src.parse().expect("lexes");
        let mut spans = SpanTable::new();
        let wire = flatten(&input, &mut spans);
        let output = unflatten(&wire, &spans, &limits()).expect("valid");
        assert_eq!(output.to_string(), input.to_string());
        let starts = |s: &TokenStream| -> Vec<_> {
            s.clone().into_iter().map(|t| t.span().start()).collect()
        };
        assert_eq!(starts(&output), starts(&input));
    }

    /// Where the next text lexed on this thread starts in proc_macro2's
    /// source map (its `Debug` of a span is `bytes(lo..hi)`, offsets in the
    /// whole map): it moves on whenever anything is lexed.
    fn source_map_end() -> usize {
        let probe: TokenStream = "x".parse().expect("lexes");
        let span = probe.into_iter().next().expect("one token").span();
        let debug = format!("{span:?}");
        debug
            .strip_prefix("bytes(")
            .and_then(|rest| rest.split("..").next())
            .and_then(|lo| lo.parse().ok())
            .unwrap_or_else(|| panic!("unexpected span Debug: {debug}"))
    }

    #[test]
    fn an_output_without_literals_to_lex_lexes_nothing() {
        let step = source_map_end();
        let step = source_map_end() - step;
        let lexes = |text: &str, tokens: Vec<wire::Token>| {
            let before = source_map_end();
            let out = unflatten(&stream(text, tokens), &SpanTable::new(), &limits());
            assert!(out.is_ok(), "{text}");
            source_map_end() - before > step
        };
        assert!(!lexes("ab", vec![group(1), ident(0, 2, false)]));
        // Plain strings and integers are made by constructors.
        assert!(!lexes("\"a b\"0", vec![literal(0, 5), literal(5, 1)]));
        // Anything else is lexed (the probe sees that).
        assert!(lexes("1.5", vec![literal(0, 3)]));
        assert!(lexes("\"\\0\"", vec![literal(0, 4)]));
    }

    #[test]
    fn malformed_identifiers_are_refused() {
        let cases = [
            ("a b", false),
            ("", false),
            ("1x", false),
            ("self", true),
            ("_", true),
            ("a-b", false),
            ("$crat", false),
            ("$crate", true),
        ];
        for (name, is_raw) in cases {
            let reason = refused(&stream(name, vec![ident(0, name.len() as u32, is_raw)]));
            assert!(reason.contains("identifier"), "{name:?}: {reason}");
        }
        // Keywords are identifiers.
        accepted(&stream("fn", vec![ident(0, 2, false)]));
        // So is rustc's `$crate` (from a `macro_rules!` macro's tokens):
        // `proc_macro2` prints it as `$` joined to `crate`.
        let dollar_crate = accepted(&stream("$crate", vec![ident(0, 6, false)]));
        assert_eq!(dollar_crate.to_string(), "$crate");
    }

    #[test]
    fn malformed_literals_are_refused() {
        for bad in ["1 2", "\"open", "// comment", "x", "'ab'", "1.0.0", "- 1"] {
            let reason = refused(&stream(bad, vec![literal(0, bad.len() as u32)]));
            assert!(reason.contains("not a valid literal"), "{bad:?}");
        }
        // Valid ones, negative numbers included, pass, whatever their order.
        let text = "-1\"a\"2.5f32-3i8b'x'";
        let tokens = vec![
            literal(0, 2),
            literal(2, 3),
            literal(5, 6),
            literal(11, 4),
            literal(15, 4),
        ];
        let out = accepted(&stream(text, tokens));
        assert_eq!(out.to_string(), "- 1 \"a\" 2.5f32 - 3i8 b'x'");
    }

    #[test]
    fn bad_punct_text_and_spans_are_refused() {
        let punct = wire::Token::Punct(wire::PunctToken {
            ch: 'a',
            spacing: wire::Spacing::Alone,
            span: 0,
        });
        assert!(refused(&stream("", vec![punct])).contains("punctuation"));

        let outside = refused(&stream("ab", vec![ident(1, 5, false)]));
        assert!(outside.contains("outside the token text"));
        let split = refused(&stream("é", vec![ident(1, 1, false)]));
        assert!(split.contains("splits a character"));
        let overflow = refused(&stream("a", vec![ident(u32::MAX, u32::MAX, false)]));
        assert!(overflow.contains("outside the token text"));

        let forged = wire::Token::Ident(wire::IdentToken {
            text: wire::TextRange { start: 0, len: 1 },
            is_raw: false,
            span: 999,
        });
        let out = refused(&stream("a", vec![forged]));
        assert!(out.contains("span handle 999"), "{out}");
    }

    #[test]
    fn bad_group_lengths_and_depth_are_refused() {
        let claims_too_much = stream("a", vec![group(5), ident(0, 1, false)]);
        assert!(refused(&claims_too_much).contains("more than its parent"));
        let escapes_parent = stream(
            "a",
            vec![group(1), group(2), ident(0, 1, false), ident(0, 1, false)],
        );
        assert!(refused(&escapes_parent).contains("more than its parent"));

        let depth = limits().output_depth as u32 + 10;
        let nested: Vec<_> = (0..depth).map(|i| group(depth - i - 1)).collect();
        assert!(refused(&stream("", nested)).contains("nested deeper"));

        let fine: Vec<_> = (0..100u32).map(|i| group(99 - i)).collect();
        let out = accepted(&stream("", fine));
        assert_eq!(out.to_string().matches('(').count(), 100);
    }
}
