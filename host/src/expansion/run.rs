//! Running an expansion: the invocation flattened into the guest's input
//! and a span table ([`flatten_invocation`]), the guest called ([`call`]),
//! the output decoded and checked ([`finish`]).

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

/// An invocation as the guest gets it: flat input and arguments, whose
/// spans the table holds.
pub(crate) struct Flattened {
    pub(crate) input: wire::TokenStream,
    pub(crate) args: Option<wire::TokenStream>,
    pub(crate) spans: SpanTable,
}

impl Flattened {
    /// Tokens sent to the macro.
    pub(crate) fn token_count(&self) -> usize {
        self.input.tokens.len() + self.args.as_ref().map_or(0, |a| a.tokens.len())
    }
}

/// `invocation` flattened, its spans in a new table.
pub(crate) fn flatten_invocation(invocation: &Invocation<'_>) -> Flattened {
    let mut spans = SpanTable::new();
    spans.source_file = invocation.source_file.map(Path::to_path_buf);
    let input = flatten(invocation.input, &mut spans);
    let args = invocation.args.map(|args| flatten(args, &mut spans));
    Flattened { input, args, spans }
}

/// Runs `invocation` in `instance`, whose store is fresh or reset (a
/// [`MacroInstance`](crate::MacroInstance)'s: never cached).
pub(crate) fn run(
    store: &mut Store<ExpansionState>,
    instance: &ProcMacro,
    site: &Site<'_>,
    limits: &Limits,
    invocation: &Invocation<'_>,
) -> Result<Expansion> {
    let flat = flatten_invocation(invocation);
    let input_tokens = flat.token_count();
    *store.data_mut().spans = Spans::Local(flat.spans);
    let expansion = call(
        store,
        instance,
        site,
        limits,
        invocation.name,
        &flat.input,
        flat.args.as_ref(),
    )?;
    let state = store.data();
    let stats = ExpansionStats {
        input_tokens,
        output_tokens: expansion.tokens.tokens.len(),
        span_queries: state.span_queries.count(),
        memory_bytes: state.limiter.size,
        replayed: false,
    };
    let files_read = state.files.paths.iter().cloned().collect();
    finish(expansion, &state.spans, site, limits, stats, files_read)
}

/// The guest's `expansion` decoded with the `proc_macro2` spans of `spans`,
/// and checked.
pub(crate) fn finish(
    expansion: wire::Expansion,
    spans: &Spans,
    site: &Site<'_>,
    limits: &Limits,
    stats: ExpansionStats,
    files_read: Vec<String>,
) -> Result<Expansion> {
    let Spans::Local(spans) = spans else {
        return Err(invalid_output(
            site,
            "internal: the span table changed hands".into(),
        ));
    };
    let (tokens, diagnostics) =
        decode(expansion, spans, limits).map_err(|e| output_error(site, e))?;
    Ok(Expansion {
        tokens,
        diagnostics,
        stats,
        files_read,
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
