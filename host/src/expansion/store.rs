//! [`ExpansionState`]: the data of the wasmtime `Store` of one expansion,
//! and the store made with it.

use std::ops::{Deref, DerefMut};

use wasmtime::component::{Linker, ResourceTable};
use wasmtime::{Engine, Store};
use wasmtime_wasi::filesystem::WasiFilesystemCtxView;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::Limits;
use crate::imports::filesystem::{FileLog, Recorded};
use crate::imports::panics::{GuestPanic, PanicReport};
use crate::imports::spans::{QueryLog, SpanTable, Spans, SpansView};
use crate::imports::wasi::RecordsFiles;
use crate::limits::MemoryLimiter;

/// Everything the host keeps for one expansion. A fresh one per expansion is
/// what makes expansions independent of each other.
pub(crate) struct ExpansionState {
    /// Who holds the spans behind the guest's handles (set per expansion).
    pub(crate) spans: ThreadBound<Spans>,
    pub(crate) panic: PanicReport,
    pub(crate) limiter: MemoryLimiter,
    /// The calls the guest made to the `spans` import, with their answers.
    pub(crate) span_queries: QueryLog,
    /// The granted files and directories the guest read.
    pub(crate) files: FileLog,
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
            span_queries: QueryLog::default(),
            files: FileLog::default(),
            wasi,
            table: ResourceTable::new(),
        }
    }

    /// Forgets the previous expansion of a reused instance (its spans and
    /// panic); the memory limit keeps counting what the instance holds.
    pub(crate) fn reset(&mut self) {
        self.spans = ThreadBound(Spans::Local(SpanTable::new()));
        self.panic = PanicReport::default();
        self.span_queries = QueryLog::default();
        self.files = FileLog::default();
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
                log: &mut state.span_queries,
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
            ctx: wasi(&mut self.wasi),
            table: &mut self.table,
        }
    }
}

/// The WASI state. Only reached through a linked WASI function, which
/// exists only when something was granted and the state was built for it;
/// an empty, deterministic context otherwise.
fn wasi(state: &mut Option<WasiCtx>) -> &mut WasiCtx {
    state.get_or_insert_with(|| {
        let mut builder = WasiCtx::builder();
        builder.insecure_random_seed(crate::grants::DEFAULT_SEED);
        builder.build()
    })
}

impl RecordsFiles for ExpansionState {
    fn recorded_filesystem(&mut self) -> Recorded<'_> {
        Recorded {
            fs: WasiFilesystemCtxView {
                ctx: wasi(&mut self.wasi).filesystem(),
                table: &mut self.table,
            },
            log: &mut self.files,
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
