//! [`Limits`] on one expansion, and the memory limiter that enforces them.

use std::time::Duration;

use crate::bindings::wire;

/// Bounds on what one expansion may use. Exceeding one is an [`Error`](crate::Error)
/// naming the limit, never a crash or a hang of the host.
///
/// The output limits together also bound what the host allocates to read a
/// result: wasmtime copies no more out of the guest in one call than the
/// largest output within them takes on the host (about 157 MiB with the
/// defaults); a result over that is
/// [`Error::OutputTooLarge`](crate::Error::OutputTooLarge) before it is copied.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Limits {
    /// Wall-clock time for one expansion (enforced by epoch interruption, to
    /// within [`Limits::TICK`], unless the host was built without it:
    /// [`HostBuilder::epoch_interruption`](crate::HostBuilder::epoch_interruption)).
    /// Default: 10 s.
    pub timeout: Duration,
    /// Linear memory of the instance, in bytes. Default: 512 MiB.
    pub memory: usize,
    /// Tokens in the output, and (counted apart) spans its diagnostics point
    /// at. Default: 4 million.
    pub output_tokens: usize,
    /// Bytes of identifier and literal text in the output, and of the
    /// messages of its diagnostics. Default: 64 MiB.
    pub output_text: usize,
    /// Diagnostics the macro emits (`procbox::Diagnostic::emit`). Default:
    /// 10,000. (A `compile_error!` in the output is a token, not one of these.)
    pub output_diagnostics: usize,
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

    /// The most bytes wasmtime may copy out of the guest in one call (its
    /// "hostcall fuel"): what the largest output within these limits takes
    /// on the host, and 1 MiB for the rest of the result.
    ///
    /// wasmtime copies a call's result into host values before the host can
    /// check its size, and stops, with a trap, at this bound; so the output
    /// limits also bound the memory a result makes the host allocate.
    pub(crate) fn hostcall_fuel(&self) -> usize {
        use std::mem::size_of;
        // Diagnostics' spans count against `output_tokens` (`decode`).
        let tokens = size_of::<wire::Token>() + size_of::<u32>();
        self.output_tokens
            .saturating_mul(tokens)
            .saturating_add(self.output_text)
            .saturating_add(
                self.output_diagnostics
                    .saturating_mul(size_of::<wire::Diagnostic>()),
            )
            .saturating_add(1 << 20)
    }
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(10),
            memory: 512 << 20,
            output_tokens: 4_000_000,
            output_text: 64 << 20,
            output_diagnostics: 10_000,
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
