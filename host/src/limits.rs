//! [`Limits`] on one expansion, and the memory limiter that enforces them.

use std::time::Duration;

/// Bounds on what one expansion may use. Exceeding one is an [`Error`](crate::Error)
/// naming the limit, never a crash or a hang of the host.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// Wall-clock time for one expansion (enforced by epoch interruption, to
    /// within [`Limits::TICK`]). Default: 10 s.
    pub timeout: Duration,
    /// Linear memory of the instance, in bytes. Default: 512 MiB.
    pub memory: usize,
    /// Tokens in the output. Default: 4 million.
    pub output_tokens: usize,
    /// Bytes of identifier and literal text in the output. Default: 64 MiB.
    pub output_text: usize,
    /// Group nesting depth of the output. Default: 512.
    pub output_depth: usize,
}

impl Limits {
    /// How often the engine's epoch advances: the resolution of `timeout`.
    pub const TICK: Duration = Duration::from_millis(5);

    /// `timeout` in epoch ticks (at least one).
    pub(crate) fn timeout_ticks(&self) -> u64 {
        (self.timeout.as_nanos() / Self::TICK.as_nanos()).max(1) as u64
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(10),
            memory: 512 << 20,
            output_tokens: 4_000_000,
            output_text: 64 << 20,
            output_depth: 512,
        }
    }
}

/// Refuses memory growth past the limit and remembers that it did, so the
/// trap that follows can be reported as [`Error::MemoryLimit`](crate::Error::MemoryLimit).
pub(crate) struct MemoryLimiter {
    pub(crate) max: usize,
    pub(crate) exceeded: bool,
    /// The largest size granted so far: the size of the instance's linear
    /// memory (it has one, and memories never shrink).
    pub(crate) size: usize,
}

/// Tables only hold function references; this is far beyond what a real macro
/// needs and keeps a hostile one from growing them without bound.
pub(crate) const MAX_TABLE_ELEMENTS: usize = 1 << 20;

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.max {
            self.exceeded = true;
            return Ok(false);
        }
        self.size = self.size.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}
