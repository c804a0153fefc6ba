//! [`ExpansionState`]: the data of the wasmtime `Store` of one expansion,
//! and the store made with it.

use std::ops::{Deref, DerefMut};

use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::Limits;
use crate::imports::panics::{GuestPanic, PanicReport};
use crate::imports::spans::{SpanTable, Spans, SpansView};
use crate::limits::MemoryLimiter;

/// Everything the host keeps for one expansion. A fresh one per expansion is
/// what makes expansions independent of each other.
pub(crate) struct ExpansionState {
    /// Who holds the spans behind the guest's handles (set per expansion).
    pub(crate) spans: ThreadBound<Spans>,
    pub(crate) panic: PanicReport,
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
            panic: PanicReport::default(),
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
        self.panic = PanicReport::default();
        self.span_queries = 0;
    }
}

impl ExpansionState {
    /// Adds the procbox world's imports to `linker`, answered from the
    /// state's spans and panic report.
    pub(crate) fn add_world(linker: &mut Linker<ExpansionState>) -> wasmtime::Result<()> {
        crate::imports::add_world(
            linker,
            |state| SpansView {
                spans: &mut state.spans,
                queries: &mut state.span_queries,
            },
            |state| &mut state.panic,
        )
    }

    /// The panic the guest reported, if any.
    pub(crate) fn panic(&self) -> Option<&GuestPanic> {
        self.panic.0.as_ref()
    }

    /// A store for one expansion (or one reused instance) with `limits`, the
    /// time limit's deadline set if the engine interrupts by epochs, and the
    /// WASI state of what is granted.
    pub(crate) fn store(
        engine: &Engine,
        limits: &Limits,
        epochs: bool,
        wasi: Option<WasiCtx>,
    ) -> Store<ExpansionState> {
        let mut store = Store::new(engine, ExpansionState::new(limits.memory, wasi));
        store.limiter(|state| &mut state.limiter);
        if epochs {
            store.set_epoch_deadline(limits.timeout_ticks());
        }
        store.set_hostcall_fuel(limits.hostcall_fuel());
        store
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
