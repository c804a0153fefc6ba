//! [`MacroComponent`]: a loaded, compiled, checked macro component, and
//! what can be done with it: expanding its macros in fresh instances
//! (`crate::expansion` runs them), linking it for grants ([`link`]), or
//! keeping an instance ([`instance`]). Loading is [`load`]'s.

mod expand;
pub(crate) mod instance;
mod link;
mod load;
pub(crate) mod macros;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use procbox_manifest::{Capability, Manifest};
use wasmtime::Store;
use wasmtime::component::Component;

use crate::bindings::ProcMacroPre;
use crate::engine::{Allocation, CacheOutcome, HostInner};
use crate::expansion::Invocation;
use crate::expansion::classify::{Site, classify};
use crate::expansion::store::ExpansionState;
use crate::{Error, Expansion, Grants, Limits, MacroInfo, MacroKind, Result};
use link::link;

/// A macro component, compiled and ready to expand. Cheap to clone.
///
/// Each expansion gets a fresh instance (from a pre-linked `InstancePre`), so
/// nothing one expansion does can change another's result.
#[derive(Clone)]
pub struct MacroComponent {
    pub(crate) inner: Arc<ComponentInner>,
}

#[derive(Clone)]
pub(crate) struct ComponentInner {
    pub(crate) host: Arc<HostInner>,
    /// The host's, unless [`MacroComponent::with_timeout`] changed the time.
    pub(crate) limits: Limits,
    pub(crate) name: String,
    component: Component,
    /// Linked for `grants`: the procbox world, the WASI interfaces of the
    /// declared and granted capabilities, denial for the rest.
    pub(crate) pre: ProcMacroPre<ExpansionState>,
    grants: Grants,
    hash: String,
    size: usize,
    imports: Vec<String>,
    exports: Vec<String>,
    manifest: Option<Manifest>,
    macros: Vec<MacroInfo>,
    cache: CacheOutcome,
}

impl MacroComponent {
    /// The name used in errors: the file it was loaded from, or the name given
    /// to [`Host::load_bytes`].
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The macros it exports, sorted by name.
    pub fn macros(&self) -> &[MacroInfo] {
        &self.inner.macros
    }

    /// The SHA-256 of the component's bytes, as lowercase hex.
    pub fn hash(&self) -> &str {
        &self.inner.hash
    }

    /// The size of the component in bytes.
    pub fn size(&self) -> usize {
        self.inner.size
    }

    /// The names of everything the component imports (the procbox world's
    /// interfaces and any WASI interfaces), as `wasm-tools component wit` lists them.
    pub fn imports(&self) -> &[String] {
        &self.inner.imports
    }

    /// The names of the interfaces the component exports (the procbox
    /// world's `macros`).
    pub fn exports(&self) -> &[String] {
        &self.inner.exports
    }

    /// The capabilities the component declares (its `procbox-manifest`
    /// section, written by `procbox-ld`); `None` if it has no manifest, which
    /// means it declares nothing.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.inner.manifest.as_ref()
    }

    /// The same component with `grants` applied: it links the WASI interfaces
    /// of the capabilities it declares and `grants` grants, nothing else. The
    /// linking is done here, once.
    pub fn with_grants(&self, grants: &Grants) -> Result<MacroComponent> {
        let grants =
            crate::grants::resolved(grants).map_err(|source| fs_read_error(grants, source))?;
        let inner = &self.inner;
        let pre =
            link(&inner.host, &inner.component, inner.declared(), &grants).map_err(|reason| {
                Error::BadComponent {
                    component: inner.name.clone(),
                    reason,
                }
            })?;
        let mut granted = ComponentInner::clone(inner);
        granted.pre = pre;
        granted.grants = grants;
        Ok(MacroComponent {
            inner: Arc::new(granted),
        })
    }

    /// The same component with its own time limit per expansion instead of
    /// the host's ([`Limits::timeout`]), for an embedder whose components
    /// each have one (the embedded shim: `procbox shim --timeout`). The
    /// host's epoch ticker enforces it; a host without one
    /// ([`HostBuilder::epoch_interruption`](crate::HostBuilder::epoch_interruption)) leaves
    /// time to its embedder.
    pub fn with_timeout(&self, timeout: Duration) -> MacroComponent {
        let mut inner = ComponentInner::clone(&self.inner);
        inner.limits.timeout = timeout;
        MacroComponent {
            inner: Arc::new(inner),
        }
    }

    /// What this component was granted ([`with_grants`](Self::with_grants)).
    pub fn grants(&self) -> &Grants {
        &self.inner.grants
    }

    /// Whether the compiled code came from the cache.
    pub fn cache_outcome(&self) -> &CacheOutcome {
        &self.inner.cache
    }

    /// Runs the derive macro `name` on `item` (the struct, enum or union).
    pub fn expand_derive(&self, name: &str, item: &proc_macro2::TokenStream) -> Result<Expansion> {
        self.expand(&Invocation::derive(name, item))
    }

    /// Runs the attribute macro `name`: `args` is what is inside `#[name(...)]`,
    /// `item` the item it is on.
    pub fn expand_attribute(
        &self,
        name: &str,
        args: &proc_macro2::TokenStream,
        item: &proc_macro2::TokenStream,
    ) -> Result<Expansion> {
        self.expand(&Invocation::attribute(name, args, item))
    }

    /// Runs the function-like macro `name` on what is inside `name!(...)`.
    pub fn expand_function(
        &self,
        name: &str,
        input: &proc_macro2::TokenStream,
    ) -> Result<Expansion> {
        self.expand(&Invocation::function(name, input))
    }

    pub(crate) fn site<'a>(&'a self, name: &'a str) -> Site<'a> {
        Site {
            component: &self.inner.name,
            name,
        }
    }

    /// A store for one expansion (or one reused instance) of macro `name`,
    /// with its limits and the WASI state of what is granted. A declared
    /// capability that is not granted stops here, before the guest runs.
    pub(crate) fn new_store(&self, name: &str) -> Result<Store<ExpansionState>> {
        self.check_granted(name)?;
        let inner = &self.inner;
        // Every declared capability is granted by now: WASI state is needed
        // exactly when something is declared.
        let wasi = match inner.declared().capabilities.is_empty() {
            true => None,
            false => Some(
                crate::grants::wasi_ctx(&inner.grants, inner.declared())
                    .map_err(|source| fs_read_error(&inner.grants, source))?,
            ),
        };
        Ok(new_store(&inner.host, &inner.limits, wasi))
    }

    /// Checks that every capability the component declares is granted: a
    /// macro that needs one it does not have stops before it runs (or is
    /// replayed).
    pub(crate) fn check_granted(&self, name: &str) -> Result<()> {
        let inner = &self.inner;
        for &capability in &inner.declared().capabilities {
            if !inner.grants.grants(capability) {
                return Err(Error::NotGranted {
                    component: inner.name.clone(),
                    name: name.to_owned(),
                    capability,
                    how: match capability {
                        Capability::RandomSeed => "Grants::random_seed()",
                        Capability::FsRead => "Grants::fs_read(dir)",
                        Capability::Env => "Grants::env(name, value)",
                    },
                });
            }
        }
        Ok(())
    }

    /// Checks that the component has a macro of that name and kind.
    pub(crate) fn check_macro(&self, kind: MacroKind, name: &str) -> Result<()> {
        let known = self
            .inner
            .macros
            .iter()
            .any(|m| m.name == name && m.kind == kind);
        if known {
            return Ok(());
        }
        let available = self
            .inner
            .macros
            .iter()
            .map(MacroInfo::to_string)
            .collect::<Vec<_>>();
        Err(Error::UnknownMacro {
            component: self.inner.name.clone(),
            name: name.to_owned(),
            kind,
            available: if available.is_empty() {
                "no macros".to_owned()
            } else {
                available.join(", ")
            },
        })
    }
}

/// Why an instance did not start (or, for `list_macros`, did not answer):
/// a full instance pool, or whatever [`classify`] finds.
pub(crate) fn not_started(
    error: wasmtime::Error,
    store: &Store<ExpansionState>,
    site: &Site<'_>,
    host: &HostInner,
    limits: &Limits,
) -> Error {
    let pool_full = error.chain().any(|e| {
        e.downcast_ref::<wasmtime::PoolConcurrencyLimitError>()
            .is_some()
    });
    match host.allocation {
        Allocation::Pooled { max_instances } if pool_full => Error::TooManyInstances {
            component: site.component.to_owned(),
            name: site.name.to_owned(),
            limit: max_instances,
        },
        _ => classify(error, store.data(), site, limits),
    }
}

/// A store with `limits` set.
pub(super) fn new_store(
    host: &HostInner,
    limits: &Limits,
    wasi: Option<wasmtime_wasi::WasiCtx>,
) -> Store<ExpansionState> {
    ExpansionState::store(&host.engine, limits, host.ticker.is_some(), wasi)
}

impl ComponentInner {
    /// What the component declares (nothing if it has no manifest).
    fn declared(&self) -> &Manifest {
        declared(self.manifest.as_ref())
    }
}

/// A component's declared capabilities: its manifest, or none without one.
fn declared(manifest: Option<&Manifest>) -> &Manifest {
    static NONE: Manifest = Manifest::none();
    manifest.unwrap_or(&NONE)
}

/// The error for an `fs-read` directory that cannot be granted.
fn fs_read_error(grants: &Grants, source: std::io::Error) -> Error {
    Error::Io {
        path: grants.fs_read_dir().map(Path::to_owned).unwrap_or_default(),
        source,
    }
}

impl std::fmt::Debug for MacroComponent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacroComponent")
            .field("name", &self.inner.name)
            .field("hash", &self.inner.hash)
            .field("macros", &self.inner.macros)
            .finish_non_exhaustive()
    }
}
