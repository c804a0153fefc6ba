//! [`Host`]: the shared engine, linker and settings that components are loaded into.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

use wasmtime::component::{HasSelf, Linker};
use wasmtime::wasmparser::Parser;
use wasmtime::{Config, Engine};

use crate::bindings::ProcMacro;
use crate::cache::ArtifactCache;
use crate::pool::{self, Allocation};
use crate::state::ExpansionState;
use crate::{Error, Limits, MacroComponent, Result};

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
                max_instances: pool::DEFAULT_MAX_INSTANCES,
            },
        }
    }

    /// The limits every expansion runs under.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Loads a component from a `.wasm` file; errors name the file.
    pub fn load_file(&self, path: impl AsRef<Path>) -> Result<MacroComponent> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        MacroComponent::load(self, path.display().to_string(), &bytes, None)
    }

    /// Loads a component from its bytes; `name` identifies it in errors.
    pub fn load_bytes(&self, name: impl Into<String>, bytes: &[u8]) -> Result<MacroComponent> {
        MacroComponent::load(self, name.into(), bytes, None)
    }

    /// Loads a component from bytes whose SHA-256 the caller has checked
    /// already, without hashing them again when the cache holds the
    /// component's compiled code: the hash names the cache file.
    ///
    /// For a caller that checked `bytes` against a reviewed hash before, such
    /// as the native crate `procbox shim` generates, which checks its
    /// component when it is built. Hashing is most of what a cache hit costs
    /// (about 0.6 ms for a 1 MB component, tens of ms in an unoptimized
    /// build); [`load_bytes`](Self::load_bytes) does it on every load.
    ///
    /// When the component must be compiled (no cache, or nothing usable in
    /// it), the bytes are hashed and must match `sha256`, or this fails with
    /// [`Error::HashMismatch`] and nothing is
    /// compiled or stored. So the cache only ever holds code under the hash
    /// of the bytes it was compiled from, and a load from it runs the
    /// component `sha256` names, whatever `bytes` are: pass a hash you
    /// checked. `sha256` is 64 hex digits; [`MacroComponent::hash`] returns
    /// it in lowercase.
    ///
    /// ```no_run
    /// # fn main() -> procbox_host::Result<()> {
    /// let host = procbox_host::Host::new()?;
    /// let bytes = std::fs::read("json_derive.wasm").expect("reads");
    /// // The hash a reviewer approved, checked against `bytes` earlier.
    /// let reviewed = "4d5a…";
    /// let component = host.load_checked_bytes("json_derive.wasm", &bytes, reviewed)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn load_checked_bytes(
        &self,
        name: impl Into<String>,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<MacroComponent> {
        MacroComponent::load(self, name.into(), bytes, Some(sha256))
    }

    /// Whether loading `bytes` would compile them (a second or more), so a
    /// tool can say so first: they are a component, and the cache has no
    /// compiled code for them (or there is no cache). Bytes that are no
    /// component are refused before anything is compiled.
    pub fn will_compile(&self, bytes: &[u8]) -> bool {
        Parser::is_component(bytes)
            && !self.inner.cache.as_ref().is_some_and(|cache| {
                cache.contains(&self.inner.engine, &crate::cache::sha256_hex(bytes))
            })
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
        let (engine, allocation) = pool::engine(&config, self.allocation, self.limits.memory)
            .map_err(|e| Error::Engine(e.to_string()))?;
        let mut linker = Linker::new(&engine);
        ProcMacro::add_to_linker::<_, HasSelf<ExpansionState>>(&mut linker, |state| state)
            .map_err(|e| Error::Engine(e.to_string()))?;
        let cache = match self.cache {
            CacheSetting::Default => default_cache_dir(),
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
            }),
        })
    }
}

/// The default cache directory: `$PROCBOX_CACHE_DIR`, else `procbox` in the
/// user's cache directory (`~/.cache/procbox` on Linux).
pub fn default_cache_dir() -> Option<PathBuf> {
    match std::env::var_os("PROCBOX_CACHE_DIR") {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => dirs::cache_dir().map(|dir| dir.join("procbox")),
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

/// Advances the engine's epoch every [`Limits::TICK`] until dropped.
pub(crate) struct EpochTicker {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    fn start(engine: Engine) -> std::io::Result<EpochTicker> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("procbox-epoch".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(Limits::TICK)
                {
                    engine.increment_epoch();
                }
            })?;
        Ok(EpochTicker {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
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
