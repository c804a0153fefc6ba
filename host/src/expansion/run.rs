//! Running a `proc_macro2` invocation: the input flattened into the store's
//! span table, the guest called, the output decoded and checked.

use std::path::Path;

use wasmtime::Store;

use super::classify::{Site, classify, invalid_output};
use super::store::ExpansionState;
use super::{Expansion, ExpansionStats, Invocation};
use crate::bindings::{ProcMacro, wire};
use crate::codec::check::OutputError;
use crate::codec::decode::decode;
use crate::codec::flatten::flatten;
use crate::imports::spans::{SpanTable, Spans};
use crate::{Error, Limits, Result};

/// Runs `invocation` in `instance`, whose store is fresh or reset.
pub(crate) fn run(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    invocation: &Invocation<'_>,
) -> Result<Expansion> {
    let mut spans = SpanTable::new();
    spans.source_file = invocation.source_file.map(Path::to_path_buf);
    let input = flatten(invocation.input, &mut spans);
    let args = invocation.args.map(|args| flatten(args, &mut spans));
    *store.data_mut().spans = Spans::Local(spans);
    let expansion = call(
        store,
        instance,
        site,
        limits,
        invocation.name,
        &input,
        args.as_ref(),
    )?;
    let state = store.data();
    let Spans::Local(spans) = &*state.spans else {
        return Err(invalid_output(
            site,
            "internal: the span table changed hands".into(),
        ));
    };
    let output_tokens = expansion.tokens.tokens.len();
    let (tokens, diagnostics) =
        decode(expansion, spans, limits).map_err(|e| output_error(site, e))?;
    let stats = ExpansionStats {
        input_tokens: input.tokens.len() + args.as_ref().map_or(0, |a| a.tokens.len()),
        output_tokens,
        span_queries: state.span_queries,
        memory_bytes: state.limiter.size,
    };
    Ok(Expansion {
        tokens,
        diagnostics,
        stats,
    })
}

/// Calls the guest's `expand` with the flat input, whose spans the store's
/// span table holds.
pub(crate) fn call(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    name: &str,
    input: &wire::TokenStream,
    args: Option<&wire::TokenStream>,
) -> Result<wire::Expansion> {
    instance
        .procbox_proc_macro_macros()
        .call_expand(&mut *store, name, input, args)
        .map_err(|e| classify(e, store.data(), site, limits))
}

/// The error for output the host refuses.
pub(crate) fn output_error(site: &Site<'_>, error: OutputError) -> Error {
    match error {
        OutputError::TooLarge(what, limit) => Error::OutputTooLarge {
            component: site.component.to_owned(),
            name: site.name.to_owned(),
            what,
            limit,
        },
        OutputError::Invalid(reason) => invalid_output(site, reason),
    }
}
