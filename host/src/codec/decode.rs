//! Decoding what a macro returns: its tokens (validated by
//! [`unflatten`]), the diagnostics it emitted (each
//! span handle checked) and the `compile_error!`s in its tokens. Everything
//! here comes from untrusted code; this is what the fuzz targets exercise.

use proc_macro2::TokenStream;

use super::check::{OutputError, check};
use super::diagnostics::{Diagnostic, Level, Origin, compile_errors};
use super::unflatten::unflatten;
use crate::Limits;
use crate::bindings::wire;
use crate::imports::spans::{InvalidSpan, SpanTable};

/// The output tokens and every diagnostic, or why the output is refused.
pub(crate) fn decode(
    expansion: wire::Expansion,
    spans: &SpanTable,
    limits: &Limits,
) -> Result<(TokenStream, Vec<Diagnostic>), OutputError> {
    check_sizes(&expansion, limits)?;
    let tokens = unflatten(&expansion.tokens, spans, limits)?;
    let mut diagnostics = Vec::with_capacity(expansion.diagnostics.len());
    for d in expansion.diagnostics {
        let spans = d
            .spans
            .iter()
            .map(|&h| spans.span(h))
            .collect::<Result<Vec<_>, InvalidSpan>>()
            .map_err(|e| OutputError::Invalid(format!("a diagnostic uses {e}")))?;
        diagnostics.push(Diagnostic {
            level: match d.level {
                wire::Level::Error => Level::Error,
                wire::Level::Warning => Level::Warning,
                wire::Level::Note => Level::Note,
                wire::Level::Help => Level::Help,
            },
            message: d.message,
            spans,
            origin: Origin::Emitted,
        });
    }
    // Every identifier's text is in the flat text: without that word there is
    // no `compile_error!` to look for.
    if expansion.tokens.text.contains("compile_error") {
        compile_errors(&tokens, &mut diagnostics);
    }
    Ok((tokens, diagnostics))
}

/// The output checked as [`decode`] checks it, for spans the caller holds
/// (`known` says whether a handle is one of them): its tokens and emitted
/// diagnostics as they came, or why the output is refused.
pub(crate) fn decode_flat(
    expansion: wire::Expansion,
    known: impl Fn(u32) -> bool,
    limits: &Limits,
) -> Result<wire::Expansion, OutputError> {
    check_sizes(&expansion, limits)?;
    check(&expansion.tokens, &known, limits)?;
    let forged = expansion
        .diagnostics
        .iter()
        .flat_map(|d| &d.spans)
        .find(|&&h| !known(h));
    if let Some(&handle) = forged {
        return Err(OutputError::Invalid(format!(
            "a diagnostic uses {}",
            InvalidSpan(handle)
        )));
    }
    Ok(expansion)
}

/// Refuses an output over the size limits before any of it is rebuilt (a
/// flood of diagnostics would otherwise be copied once more and handed to the
/// embedder, which prints each).
fn check_sizes(expansion: &wire::Expansion, limits: &Limits) -> Result<(), OutputError> {
    let diagnostics = &expansion.diagnostics;
    let sum = |start: usize, each: fn(&wire::Diagnostic) -> usize| {
        diagnostics
            .iter()
            .fold(start, |sum, d| sum.saturating_add(each(d)))
    };
    let sizes = [
        (
            expansion.tokens.tokens.len(),
            limits.output_tokens,
            "tokens",
        ),
        (diagnostics.len(), limits.output_diagnostics, "diagnostics"),
        (
            sum(0, |d| d.spans.len()),
            limits.output_tokens,
            "spans in diagnostics",
        ),
        (
            sum(expansion.tokens.text.len(), |d| d.message.len()),
            limits.output_text,
            "bytes of token text and diagnostic messages",
        ),
    ];
    match sizes.into_iter().find(|&(size, limit, _)| size > limit) {
        Some((size, limit, what)) => Err(OutputError::TooLarge(format!("{size} {what}"), limit)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An output of `idents` one-letter identifiers and a diagnostic per
    /// message, every span the call site (handle 0).
    fn output(idents: u32, messages: &[&str]) -> wire::Expansion {
        let tokens = (0..idents)
            .map(|i| {
                wire::Token::Ident(wire::IdentToken {
                    text: wire::TextRange { start: i, len: 1 },
                    is_raw: false,
                    span: 0,
                })
            })
            .collect();
        wire::Expansion {
            tokens: wire::TokenStream {
                text: "a".repeat(idents as usize),
                tokens,
            },
            diagnostics: messages
                .iter()
                .map(|m| wire::Diagnostic {
                    level: wire::Level::Warning,
                    message: (*m).to_owned(),
                    spans: Vec::new(),
                })
                .collect(),
        }
    }

    fn too_large(expansion: wire::Expansion, limits: &Limits) -> (String, usize) {
        match decode(expansion, &SpanTable::new(), limits) {
            Err(OutputError::TooLarge(what, limit)) => (what, limit),
            other => panic!("expected too large, got {other:?}"),
        }
    }

    fn small(edit: impl FnOnce(&mut Limits)) -> Limits {
        let mut limits = Limits::default();
        edit(&mut limits);
        limits
    }

    #[test]
    fn within_the_limits_decodes() {
        let limits = small(|l| {
            l.output_tokens = 2;
            l.output_text = 4;
            l.output_diagnostics = 1;
        });
        let (tokens, diagnostics) =
            decode(output(2, &["ab"]), &SpanTable::new(), &limits).expect("fits");
        assert_eq!(tokens.to_string(), "a a");
        assert_eq!(diagnostics.len(), 1);
    }

    #[test]
    fn over_the_token_limit() {
        let limits = small(|l| l.output_tokens = 1);
        assert_eq!(too_large(output(2, &[]), &limits), ("2 tokens".into(), 1));
    }

    #[test]
    fn over_the_diagnostic_limit() {
        let limits = small(|l| l.output_diagnostics = 2);
        assert_eq!(
            too_large(output(0, &["", "", ""]), &limits),
            ("3 diagnostics".into(), 2)
        );
    }

    #[test]
    fn diagnostic_spans_count_against_the_token_limit() {
        let limits = small(|l| l.output_tokens = 2);
        let mut out = output(2, &["a"]);
        out.diagnostics[0].spans = vec![0; 3];
        assert_eq!(
            too_large(out, &limits),
            ("3 spans in diagnostics".into(), 2)
        );
    }

    #[test]
    fn messages_count_as_text() {
        let limits = small(|l| l.output_text = 3);
        let what = "4 bytes of token text and diagnostic messages".to_owned();
        assert_eq!(too_large(output(2, &["ab"]), &limits), (what.clone(), 3));
        assert_eq!(too_large(output(0, &["abcd"]), &limits), (what, 3));
    }
}
