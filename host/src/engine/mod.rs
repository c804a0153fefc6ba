//! The engine: [`Host`], the shared wasmtime engine, linker and settings
//! that components are loaded into, with what it keeps for them: the
//! instance pool and the compiled-code cache. (Loading a component into a
//! host is `crate::component`'s: `Host::load_file` and the other loading
//! methods are defined there.)

mod cache;
mod instance_pool;
mod ticker;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use wasmtime::component::Linker;
use wasmtime::{Config, Engine};

use crate::expansion::store::ExpansionState;
use crate::{Error, ExpansionCache, Limits, Result};

pub(crate) use cache::{ArtifactCache, Lookup, is_sha256_hex};
pub use cache::{CacheOutcome, sha256_hex};
pub(crate) use instance_pool::Allocation;
use ticker::EpochTicker;

/// Runs procbox macro components: one wasmtime engine and linker, built once
/// and shared by every component loaded into it. Cheap to clone.
///
/// ```no_run
/// use procbox_host::Host;
///
/// # fn main() -> Result<(), procbox_host::Error> {
/// let host = Host::new()?;
/// let component = host.load_file("json_derive.wasm")?;
/// let item: proc_macro2::TokenStream = "struct Point { x: i32, y: i32 }".parse().unwrap();
/// let expansion = component.expand_derive("ToJson", &item)?;
/// println!("{}", expansion.tokens);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Host {
    pub(crate) inner: Arc<HostInner>,
}

pub(crate) struct HostInner {
    pub(crate) engine: Engine,
    /// The procbox world's imports; each component adds its denied imports to
    /// a clone of it.
    pub(crate) linker: Linker<ExpansionState>,
    pub(crate) limits: Limits,
    pub(crate) cache: Option<ArtifactCache>,
    pub(crate) allocation: Allocation,
    /// Advances the epoch, when the host enforces the time limit itself.
    pub(crate) ticker: Option<EpochTicker>,
    /// Where expansions are replayed from and recorded, if anywhere.
    pub(crate) expansions: Option<ExpansionCache>,
}

impl Host {
    /// A host with the default limits and the default cache directory.
    pub fn new() -> Result<Host> {
        Host::builder().build()
    }

    /// Starts configuring a host.
    pub fn builder() -> HostBuilder {
        HostBuilder {
            limits: Limits::default(),
            cache: CacheSetting::Default,
            signal_handlers: true,
            epoch_interruption: true,
            allocation: Allocation::Pooled {
                max_instances: instance_pool::DEFAULT_MAX_INSTANCES,
            },
            expansions: None,
        }
    }

    /// The limits every expansion runs under.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// How many instances may be alive at once, if they come from a pool
    /// (see [`HostBuilder::max_instances`]); `None` when each gets its
    /// memory on demand.
    pub fn max_instances(&self) -> Option<u32> {
        match self.inner.allocation {
            Allocation::Pooled { max_instances } => Some(max_instances),
            Allocation::OnDemand => None,
        }
    }

    /// Where expansions are replayed from and recorded, if anywhere
    /// ([`HostBuilder::expansion_cache`]).
    pub fn expansion_cache(&self) -> Option<&ExpansionCache> {
        self.inner.expansions.as_ref()
    }

    /// The directory compiled components are cached in, if any.
    pub fn cache_dir(&self) -> Option<&Path> {
        self.inner.cache.as_ref().map(ArtifactCache::dir)
    }
}

/// Where compiled components are cached.
enum CacheSetting {
    Default,
    Dir(PathBuf),
    Disabled,
}

/// Configures a [`Host`]: explicit calls, nothing implicit.
pub struct HostBuilder {
    limits: Limits,
    cache: CacheSetting,
    signal_handlers: bool,
    epoch_interruption: bool,
    allocation: Allocation,
    expansions: Option<ExpansionCache>,
}

impl HostBuilder {
    /// The limits every expansion runs under.
    pub fn limits(mut self, limits: Limits) -> HostBuilder {
        self.limits = limits;
        self
    }

    /// Caches compiled components in `dir` (created when first needed).
    pub fn cache_dir(mut self, dir: impl Into<PathBuf>) -> HostBuilder {
        self.cache = CacheSetting::Dir(dir.into());
        self
    }

    /// Compiles components in memory every time they are loaded.
    pub fn no_cache(mut self) -> HostBuilder {
        self.cache = CacheSetting::Disabled;
        self
    }

    /// Whether wasmtime may install process-wide signal handlers to catch
    /// out-of-bounds accesses (the default, and the fastest).
    ///
    /// Turn them off when the host is embedded in a process that is not
    /// yours, such as rustc running a proc macro (rustc has its own `SIGSEGV`
    /// handler for stack overflows): the guest then gets explicit bounds
    /// checks, slower, but traps are caught without touching the process's
    /// signal handling. Compiled code differs, so it is cached separately.
    pub fn signal_handlers(mut self, enabled: bool) -> HostBuilder {
        self.signal_handlers = enabled;
        self
    }

    /// Whether the host enforces [`Limits::timeout`] itself, by epoch
    /// interruption (the default).
    ///
    /// Turning it off takes the epoch checks out of compiled code (a guest
    /// runs faster: see BENCHMARKS.md), but then nothing in the host stops a
    /// macro that loops forever. Only for an embedder that bounds time
    /// another way, as `procbox serve` does by ending its own process when an
    /// expansion runs past the limit. Compiled code differs, so it is cached
    /// separately.
    pub fn epoch_interruption(mut self, enabled: bool) -> HostBuilder {
        self.epoch_interruption = enabled;
        self
    }

    /// Takes each instance's memory from a pool of `max_instances` slots
    /// reserved when the host is built: the default, with 64 slots.
    ///
    /// What a fresh instance costs beyond the expansion itself is then less
    /// than half: a slot stays mapped, and on Linux 6.7 and later only its
    /// resident pages (those any expansion in it has written) are restored,
    /// so the next instance takes no page faults. `max_instances` must be at
    /// least 1. The price is a limit: expansions running at once plus
    /// [`MacroInstance`]s kept alive may not exceed `max_instances`; past
    /// it, starting one fails with [`Error::TooManyInstances`]. Each slot
    /// reserves address space (not memory) for a linear memory, 4 GiB or
    /// so. A system that cannot reserve the pool gets instances on demand
    /// instead ([`Host::max_instances`] tells).
    ///
    /// [`MacroInstance`]: crate::MacroInstance
    pub fn max_instances(mut self, max_instances: u32) -> HostBuilder {
        self.allocation = Allocation::Pooled { max_instances };
        self
    }

    /// Gives each instance a new linear memory from the system, and returns
    /// it afterwards: no limit on instances alive at once, and no address
    /// space reserved up front, but a fresh instance is slower.
    pub fn instances_on_demand(mut self) -> HostBuilder {
        self.allocation = Allocation::OnDemand;
        self
    }

    /// Replays expansions from `cache` and records fresh ones in it (none
    /// by default: a library runs its macros unless told otherwise; the
    /// `procbox` tools use [`ExpansionCache::from_environment`]).
    ///
    /// Only [`MacroComponent::expand`] and [`MacroComponent::expand_flat`]
    /// use it, not a [`MacroInstance`], whose expansions may depend on the
    /// ones before; [`Invocation::uncached`] skips it for one call.
    ///
    /// [`MacroComponent::expand`]: crate::MacroComponent::expand
    /// [`MacroComponent::expand_flat`]: crate::MacroComponent::expand_flat
    /// [`MacroInstance`]: crate::MacroInstance
    /// [`Invocation::uncached`]: crate::Invocation::uncached
    pub fn expansion_cache(mut self, cache: ExpansionCache) -> HostBuilder {
        self.expansions = Some(cache);
        self
    }

    /// Creates the engine and the linker.
    pub fn build(self) -> Result<Host> {
        let mut config = engine_config();
        config.signals_based_traps(self.signal_handlers);
        config.epoch_interruption(self.epoch_interruption);
        if self.allocation == (Allocation::Pooled { max_instances: 0 }) {
            return Err(Error::Engine(
                "an instance pool of 0 slots could run nothing: give HostBuilder::max_instances \
                 at least 1, or use HostBuilder::instances_on_demand"
                    .into(),
            ));
        }
        let (engine, allocation) =
            instance_pool::engine(&config, self.allocation, self.limits.memory)
                .map_err(|e| Error::Engine(e.to_string()))?;
        let mut linker = Linker::new(&engine);
        ExpansionState::add_world(&mut linker).map_err(|e| Error::Engine(e.to_string()))?;
        let cache = match self.cache {
            CacheSetting::Default => crate::cache_dir::default_cache_dir(),
            CacheSetting::Dir(dir) => Some(dir),
            CacheSetting::Disabled => None,
        };
        Ok(Host {
            inner: Arc::new(HostInner {
                // Without the ticker no timeout would ever fire: refuse to run.
                ticker: match self.epoch_interruption {
                    true => Some(EpochTicker::start(engine.clone()).map_err(|e| {
                        Error::Engine(format!("cannot start the epoch thread: {e}"))
                    })?),
                    false => None,
                },
                engine,
                linker,
                limits: self.limits,
                cache: cache.map(ArtifactCache::new),
                allocation,
                expansions: self.expansions,
            }),
        })
    }
}

/// The engine configuration: deterministic. (Whether it is interruptible,
/// for wall-clock limits, is the builder's choice: the ticker advances the
/// epoch, a store's deadline traps the guest.)
fn engine_config() -> Config {
    let mut config = Config::new();
    config.wasm_component_model(true);
    // The same expansion on every machine: no NaN bit patterns or relaxed-SIMD
    // results that depend on the CPU.
    config.cranelift_nan_canonicalization(true);
    config.relaxed_simd_deterministic(true);
    config
}

impl std::fmt::Debug for Host {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Host")
            .field("limits", &self.inner.limits)
            .field("cache", &self.inner.cache.as_ref().map(|c| c.dir()))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for HostBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HostBuilder")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
