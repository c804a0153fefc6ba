//! [`ExpansionState`]: the data of the wasmtime `Store` of one expansion.

use crate::limits::MemoryLimiter;
use crate::panics::GuestPanic;
use crate::spans::SpanTable;

/// Everything the host keeps for one expansion. A fresh one per expansion is
/// what makes expansions independent of each other.
pub(crate) struct ExpansionState {
    pub(crate) spans: SpanTable,
    pub(crate) panic: Option<GuestPanic>,
    pub(crate) limiter: MemoryLimiter,
    /// Calls the guest made to the `spans` import.
    pub(crate) span_queries: u64,
}

impl ExpansionState {
    pub(crate) fn new(memory_limit: usize) -> ExpansionState {
        ExpansionState {
            spans: SpanTable::new(),
            panic: None,
            limiter: MemoryLimiter {
                max: memory_limit,
                exceeded: false,
            },
            span_queries: 0,
        }
    }

    /// Forgets the previous expansion of a reused instance (its spans and
    /// panic); the memory limit keeps counting what the instance holds.
    pub(crate) fn reset(&mut self) {
        self.spans = SpanTable::new();
        self.panic = None;
        self.span_queries = 0;
    }
}
