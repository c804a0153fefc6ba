//! The component's exports: listing the macros and running one.

use std::cell::Cell;

use crate::bindings::exports::procbox::proc_macro::macros::Guest;
use crate::bindings::procbox::proc_macro::types as wire;
use crate::registry::{self, Entry};
use crate::{Diagnostic, Level, TokenStream, diagnostic, panic_hook, stream};

thread_local! {
    static EXPANDING: Cell<bool> = const { Cell::new(false) };
}

/// Whether this code runs inside an expansion, where spans can be queried.
///
/// Mirrors `proc_macro::is_available`.
pub fn is_available() -> bool {
    EXPANDING.with(Cell::get)
}

struct Component;

impl Guest for Component {
    fn list_macros() -> Vec<wire::MacroInfo> {
        registry::macros()
            .into_iter()
            .map(|def| wire::MacroInfo {
                name: def.name.to_owned(),
                kind: match def.entry {
                    Entry::Derive(_) => wire::MacroKind::Derive,
                    Entry::Attribute(_) => wire::MacroKind::Attribute,
                    Entry::Function(_) => wire::MacroKind::Function,
                },
                helper_attributes: def
                    .helper_attributes
                    .iter()
                    .map(|&h| h.to_owned())
                    .collect(),
            })
            .collect()
    }

    fn expand(
        name: String,
        input: wire::TokenStream,
        attribute_args: Option<wire::TokenStream>,
    ) -> wire::Expansion {
        panic_hook::install();
        expand(&name, input, attribute_args)
    }
}

/// Runs macro `name` on flat tokens: the export, less its panic hook (which
/// reports through a host import, so a native build must not install it).
pub(crate) fn expand(
    name: &str,
    input: wire::TokenStream,
    attribute_args: Option<wire::TokenStream>,
) -> wire::Expansion {
    #[cfg(feature = "proc-macro2")]
    crate::bridge::reset();
    EXPANDING.with(|e| e.set(true));
    let output = match registry::find(name) {
        Some(def) => {
            let input = TokenStream::from_wire(input);
            match def.entry {
                Entry::Derive(f) | Entry::Function(f) => f(input),
                Entry::Attribute(f) => {
                    let args = attribute_args
                        .map(TokenStream::from_wire)
                        .unwrap_or_default();
                    f(args, input)
                }
            }
        }
        None => {
            Diagnostic::new(
                Level::Error,
                format!("this component has no macro named `{name}`"),
            )
            .emit();
            TokenStream::new()
        }
    };
    EXPANDING.with(|e| e.set(false));
    wire::Expansion {
        tokens: stream::encode(output),
        diagnostics: diagnostic::take(),
    }
}

// Only a component has these exports; a native build (tests, benchmarks of a
// macro's logic) has none, and native linkers reject their `:` names.
#[cfg(target_family = "wasm")]
crate::bindings::export!(Component with_types_in crate::bindings);
