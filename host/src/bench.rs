//! Entry points for the boundary-floor case of `tests/benches/ratios/floor.rs`
//! (feature `bench`): the host's two conversions of an expansion, flattening
//! the input and decoding the output, without wasmtime. Not a stable API.

use proc_macro2::TokenStream;

use crate::Limits;
use crate::codec::flatten::flatten;
use crate::imports::spans::SpanTable;

/// The flat token format of the WIT boundary, as the host's bindings
/// generate it.
pub use crate::bindings::procbox::proc_macro::types as wire;

/// The span handles of one expansion's input.
pub struct Spans(SpanTable);

/// Flattens `input` as an expansion does, registering each of its spans.
pub fn flatten_input(input: &TokenStream) -> (wire::TokenStream, Spans) {
    let mut spans = SpanTable::new();
    let flat = flatten(input, &mut spans);
    (flat, Spans(spans))
}

/// Checks and rebuilds a macro's result as an expansion does, with the
/// default limits: the output tokens and how many diagnostics came with
/// them, or why the output is refused.
pub fn decode_output(
    output: wire::Expansion,
    spans: &Spans,
) -> Result<(TokenStream, usize), String> {
    crate::codec::decode::decode(output, &spans.0, &Limits::default())
        .map(|(tokens, diagnostics)| (tokens, diagnostics.len()))
        .map_err(|e| format!("{e:?}"))
}
