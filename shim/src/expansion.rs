//! One expansion, wherever the sandbox runs: the invocation flattened here,
//! with the compiler's spans kept in a [`SpanTable`]; a backend expands the
//! flat invocation, asking about spans by handle; the output is rebuilt with
//! the compiler's spans (an input group passed through unchanged given back
//! as rustc's own), the macro's errors become `compile_error!`s at their
//! spans and what it read becomes dependencies cargo sees.
//!
//! The backends (`client`: `procbox serve`; `embedded`: the host in this
//! process) see flat streams and handles only, so both rebuild the output
//! the same way.

use proc_macro::TokenStream;
use procbox_protocol::{Expanded, Grants, Level, MacroKind, tree};

use crate::report::{self, Failed};
use crate::tokens::{SpanTable, flatten, unflatten};
use crate::{Component, depend};

/// One invocation, flattened.
pub(crate) struct Flat<'a> {
    pub(crate) kind: MacroKind,
    pub(crate) name: &'a str,
    pub(crate) input: &'a tree::TokenStream,
    pub(crate) args: Option<&'a tree::TokenStream>,
    /// The component's grants, resolved for this build.
    pub(crate) grants: &'a Grants,
}

/// Expands a flat invocation of the component, answering the macro's span
/// queries from the table (whose handles the invocation uses).
pub(crate) type Backend = fn(&Component, &Flat<'_>, &mut SpanTable) -> Result<Expanded, Failed>;

/// Runs one expansion with `backend`.
pub(crate) fn expand(
    component: &Component,
    backend: Backend,
    kind: MacroKind,
    name: &str,
    args: Option<TokenStream>,
    input: TokenStream,
) -> Result<TokenStream, Failed> {
    let mut spans = SpanTable::new();
    let mut flat_input = tree::TokenStream::new();
    flatten(input, &mut spans, &mut flat_input);
    let flat_args = args.map(|args| {
        let mut flat = tree::TokenStream::new();
        flatten(args, &mut spans, &mut flat);
        flat
    });
    let grants = (component.grants)().resolve()?;
    let flat = Flat {
        kind,
        name,
        input: &flat_input,
        args: flat_args.as_ref(),
        grants: &grants,
    };
    let expanded = backend(component, &flat, &mut spans)?;
    // The input stays here: unflattening compares the output with it.
    let inputs: Vec<&tree::TokenStream> = std::iter::once(&flat_input)
        .chain(flat_args.as_ref())
        .collect();
    let mut tokens = unflatten(&expanded.tokens, &spans, &inputs)?;
    for diagnostic in expanded.diagnostics {
        let span = match diagnostic.spans.first() {
            Some(&handle) => spans.get(handle)?,
            None => proc_macro::Span::call_site(),
        };
        let level = match diagnostic.level {
            Level::Error => {
                tokens.extend(report::compile_error(&diagnostic.message, span));
                continue;
            }
            Level::Warning => "warning",
            Level::Note => "note",
            Level::Help => "help",
        };
        report::print(level, &diagnostic.message, component.file);
    }
    Ok(depend::track(component, kind, &expanded.files_read, tokens))
}
