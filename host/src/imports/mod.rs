//! What the host implements for the guest: the procbox world's own imports
//! ([`spans`], [`panics`]), the WASI interfaces of granted capabilities
//! ([`wasi`]), and a function that fails for every other import ([`deny`]).
//!
//! Each is implemented on its own part of the store's data (a view, as
//! wasmtime-wasi does), never on the store's data as a whole, so none of them
//! knows what else a store holds.

pub(crate) mod deny;
pub(crate) mod filesystem;
pub(crate) mod panics;
pub(crate) mod spans;
pub(crate) mod wasi;

use wasmtime::component::{HasData, Linker};

use crate::bindings::procbox::proc_macro;
use panics::PanicReport;
use spans::SpansView;

/// The `spans` import's part of the store.
struct SpansPart;

impl HasData for SpansPart {
    type Data<'a> = SpansView<'a>;
}

/// The `panics` import's part of the store.
struct PanicsPart;

impl HasData for PanicsPart {
    type Data<'a> = &'a mut PanicReport;
}

/// Adds the procbox world's imports to `linker`, each answered from the
/// part of the store's data `spans` and `panics` give.
pub(crate) fn add_world<T: 'static>(
    linker: &mut Linker<T>,
    spans: fn(&mut T) -> SpansView<'_>,
    panics: fn(&mut T) -> &mut PanicReport,
) -> wasmtime::Result<()> {
    proc_macro::spans::add_to_linker::<T, SpansPart>(linker, spans)?;
    proc_macro::panics::add_to_linker::<T, PanicsPart>(linker, panics)?;
    Ok(())
}
