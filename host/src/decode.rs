//! Decoding what a macro returns: its tokens (validated by
//! [`unflatten`]), the diagnostics it emitted (each
//! span handle checked) and the `compile_error!`s in its tokens. Everything
//! here comes from untrusted code; this is what the fuzz targets exercise.

use proc_macro2::TokenStream;

use crate::Limits;
use crate::bindings::wire;
use crate::diagnostics::{Diagnostic, Level, Origin, compile_errors};
use crate::spans::{InvalidSpan, SpanTable};
use crate::tokens::{OutputError, unflatten};

/// The output tokens and every diagnostic, or why the output is refused.
pub(crate) fn decode(
    expansion: wire::Expansion,
    spans: &SpanTable,
    limits: &Limits,
) -> Result<(TokenStream, Vec<Diagnostic>), OutputError> {
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
