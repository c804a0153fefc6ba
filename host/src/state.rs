//! [`ExpansionState`]: the data of the wasmtime `Store` of one expansion.

use std::ops::{Deref, DerefMut};

use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::limits::MemoryLimiter;
use crate::panics::GuestPanic;
use crate::spans::{SpanTable, Spans};

/// Everything the host keeps for one expansion. A fresh one per expansion is
/// what makes expansions independent of each other.
pub(crate) struct ExpansionState {
    /// Who holds the spans behind the guest's handles (set per expansion).
    pub(crate) spans: ThreadBound<Spans>,
    pub(crate) panic: Option<GuestPanic>,
    pub(crate) limiter: MemoryLimiter,
    /// Calls the guest made to the `spans` import.
    pub(crate) span_queries: u64,
    /// The granted capabilities' WASI state; `None` when nothing is granted
    /// (then no WASI function is linked, and none can reach it).
    wasi: Option<WasiCtx>,
    table: ResourceTable,
}

impl ExpansionState {
    pub(crate) fn new(memory_limit: usize, wasi: Option<WasiCtx>) -> ExpansionState {
        ExpansionState {
            spans: ThreadBound(Spans::Local(SpanTable::new())),
            panic: None,
            limiter: MemoryLimiter {
                max: memory_limit,
                exceeded: false,
                size: 0,
            },
            span_queries: 0,
            wasi,
            table: ResourceTable::new(),
        }
    }

    /// Forgets the previous expansion of a reused instance (its spans and
    /// panic); the memory limit keeps counting what the instance holds.
    pub(crate) fn reset(&mut self) {
        self.spans = ThreadBound(Spans::Local(SpanTable::new()));
        self.panic = None;
        self.span_queries = 0;
    }
}

impl WasiView for ExpansionState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            // Only reached through a linked WASI function, which exists only
            // when something was granted and `wasi` was built for it; an
            // empty, deterministic context otherwise.
            ctx: self.wasi.get_or_insert_with(|| {
                let mut builder = WasiCtx::builder();
                builder.insecure_random_seed(crate::grants::DEFAULT_SEED);
                builder.build()
            }),
            table: &mut self.table,
        }
    }
}

/// A value kept on the thread that created it.
///
/// The span table holds `proc_macro2::Span`s, which are `!Send`: inside rustc
/// they belong to the proc macro's thread, and outside it they index a
/// thread-local source map. wasmtime-wasi asks for `Send` store data even for
/// synchronous use, but an `ExpansionState` never changes thread: the store of
/// `MacroComponent::expand` is created and dropped inside the call, and
/// `MacroInstance`, which keeps one, is `!Send`.
pub(crate) struct ThreadBound<T>(T);

// SAFETY: see the type's documentation: the value is only ever used on the
// thread that created it.
unsafe impl<T> Send for ThreadBound<T> {}

impl<T> Deref for ThreadBound<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> DerefMut for ThreadBound<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}
