//! [`MacroComponent`]: a loaded, compiled, checked macro component.

use std::sync::Arc;

use std::path::Path;

use procbox_manifest::{Capability, Manifest};
use procbox_protocol::world;
use wasmtime::Store;
use wasmtime::component::Component;
use wasmtime::wasmparser::{Chunk, Parser, Payload};

use crate::bindings::ProcMacroPre;
use crate::cache::{CacheOutcome, Lookup, is_sha256_hex, sha256_hex};
use crate::flat::run_flat;
use crate::host::HostInner;
use crate::invoke::{Invocation, Site, classify, run};
use crate::pool::Allocation;
use crate::state::ExpansionState;
use crate::{
    Error, Expansion, FlatExpansion, FlatInvocation, Grants, Host, MacroInfo, MacroInstance,
    MacroKind, Result, SpanOracle,
};

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
    /// Loads `bytes`. With `checked_sha256` (see [`Host::load_checked_bytes`])
    /// the bytes are hashed only if there is no compiled code for that hash.
    pub(crate) fn load(
        host: &Host,
        name: String,
        bytes: &[u8],
        checked_sha256: Option<&str>,
    ) -> Result<MacroComponent> {
        let bad = |reason: String| Error::BadComponent {
            component: name.clone(),
            reason,
        };
        if Parser::is_core_wasm(bytes) {
            return Err(bad(
                "it is a core WebAssembly module, not a component; build the macro \
                 crate with `cargo build --release --target wasm32-wasip2`"
                    .into(),
            ));
        }
        if !Parser::is_component(bytes) {
            return Err(bad(
                "it is not a WebAssembly component (wrong magic number or version); \
                 build the macro crate with `cargo build --release --target wasm32-wasip2`"
                    .into(),
            ));
        }
        let inner = &host.inner;
        let (hash, lookup) = look_up(inner, &name, bytes, checked_sha256)?;
        let (component, cache) = match lookup {
            Some(lookup) => lookup.compiled(&inner.engine, bytes),
            None => Component::new(&inner.engine, bytes).map(|c| (c, CacheOutcome::Disabled)),
        }
        .map_err(|e| bad(format!("wasmtime cannot compile it: {}", chain(&e))))?;

        let imports: Vec<String> = component
            .component_type()
            .imports(&inner.engine)
            .map(|(name, _)| name.to_owned())
            .collect();
        let exports: Vec<String> = component
            .component_type()
            .exports(&inner.engine)
            .map(|(name, _)| name.to_owned())
            .collect();
        let manifest = read_manifest(bytes).map_err(bad)?;
        check_world(&imports, &exports).map_err(bad)?;
        check_imports(&imports, manifest.as_ref()).map_err(bad)?;
        let grants = Grants::new();
        let pre = link(inner, &component, declared(manifest.as_ref()), &grants).map_err(bad)?;
        let macros = list_macros(inner, &name, &pre)?;
        Ok(MacroComponent {
            inner: Arc::new(ComponentInner {
                host: Arc::clone(inner),
                name,
                component,
                pre,
                grants,
                hash,
                size: bytes.len(),
                imports,
                exports,
                manifest,
                macros,
                cache,
            }),
        })
    }

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
        let grants = grants
            .resolved()
            .map_err(|source| fs_read_error(grants, source))?;
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

    /// What this component was granted ([`with_grants`](Self::with_grants)).
    pub fn grants(&self) -> &Grants {
        &self.inner.grants
    }

    /// Whether the compiled code came from the cache.
    pub fn cache_outcome(&self) -> &CacheOutcome {
        &self.inner.cache
    }

    /// Runs a macro in a fresh instance.
    pub fn expand(&self, invocation: &Invocation<'_>) -> Result<Expansion> {
        let site = self.site(invocation.name);
        self.check_macro(invocation.kind, invocation.name)?;
        let inner = &self.inner;
        let mut store = self.new_store(invocation.name)?;
        let instance = match inner.pre.instantiate(&mut store) {
            Ok(instance) => instance,
            Err(e) => return Err(not_started(e, &store, &site, &inner.host)),
        };
        run(&mut store, &instance, &site, &inner.host.limits, invocation)
    }

    /// Runs a macro on a flat token stream whose spans the caller holds, in
    /// a fresh instance: `oracle` answers the macro's span queries (see
    /// [`SpanOracle`]). The output is checked as [`expand`](Self::expand)
    /// checks it, and its span handles are the caller's.
    ///
    /// This is how `procbox serve` expands for the shim inside rustc, which
    /// holds the compiler's spans.
    pub fn expand_flat(
        &self,
        invocation: FlatInvocation,
        oracle: Box<dyn SpanOracle>,
    ) -> Result<FlatExpansion> {
        let name = invocation.name.clone();
        let site = self.site(&name);
        self.check_macro(invocation.kind, &name)?;
        let inner = &self.inner;
        let mut store = self.new_store(&name)?;
        let instance = match inner.pre.instantiate(&mut store) {
            Ok(instance) => instance,
            Err(e) => return Err(not_started(e, &store, &site, &inner.host)),
        };
        run_flat(
            &mut store,
            &instance,
            &site,
            &inner.host.limits,
            invocation,
            oracle,
        )
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

    /// An instance to run several expansions in, one after another.
    ///
    /// Faster than [`expand`](Self::expand) (no instantiation per expansion),
    /// but the macro's global state carries over from one expansion to the
    /// next, so results may depend on order; and after an error the instance
    /// is unusable. Prefer `expand` unless you measured a need.
    pub fn instantiate(&self) -> Result<MacroInstance> {
        let inner = &self.inner;
        let site = Site {
            component: &inner.name,
            name: "<instantiation>",
        };
        let mut store = self.new_store(site.name)?;
        match inner.pre.instantiate(&mut store) {
            Ok(instance) => Ok(MacroInstance {
                component: self.clone(),
                store,
                instance,
                _not_send: std::marker::PhantomData,
            }),
            Err(e) => Err(not_started(e, &store, &site, &inner.host)),
        }
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
        // Every declared capability is granted by now: WASI state is needed
        // exactly when something is declared.
        let wasi = match inner.declared().capabilities.is_empty() {
            true => None,
            false => Some(
                inner
                    .grants
                    .wasi_ctx(inner.declared())
                    .map_err(|source| fs_read_error(&inner.grants, source))?,
            ),
        };
        Ok(new_store(&inner.host, wasi))
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

/// The component's SHA-256 and what the cache (if any) holds for it.
///
/// A `checked` hash ([`Host::load_checked_bytes`]) is taken on trust for a
/// cache hit; otherwise the bytes are hashed and must match it, so code is
/// only ever compiled (and stored) under the hash of its own bytes.
fn look_up(
    inner: &HostInner,
    name: &str,
    bytes: &[u8],
    checked: Option<&str>,
) -> Result<(String, Option<Lookup>)> {
    let lookup = |hash: &str| {
        inner
            .cache
            .as_ref()
            .map(|cache| cache.lookup(&inner.engine, hash))
    };
    let Some(expected) = checked else {
        let hash = sha256_hex(bytes);
        let lookup = lookup(&hash);
        return Ok((hash, lookup));
    };
    let expected = expected.to_ascii_lowercase();
    // Only a well-formed hash names a cache file; any other is refused
    // below, as the bytes' own hash cannot equal it.
    let found = is_sha256_hex(&expected)
        .then(|| lookup(&expected))
        .flatten();
    if !matches!(found, Some(Lookup::Hit(..))) {
        let actual = sha256_hex(bytes);
        if actual != expected {
            return Err(Error::HashMismatch {
                component: name.to_owned(),
                expected,
                actual,
            });
        }
    }
    Ok((expected, found))
}

/// Why an instance did not start (or, for `list_macros`, did not answer):
/// a full instance pool, or whatever [`classify`] finds.
fn not_started(
    error: wasmtime::Error,
    store: &Store<ExpansionState>,
    site: &Site<'_>,
    host: &HostInner,
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
        _ => classify(error, store.data(), site, &host.limits),
    }
}

/// A store with the host's limits set.
fn new_store(host: &HostInner, wasi: Option<wasmtime_wasi::WasiCtx>) -> Store<ExpansionState> {
    let mut store = Store::new(&host.engine, ExpansionState::new(host.limits.memory, wasi));
    store.limiter(|state| &mut state.limiter);
    if host.ticker.is_some() {
        store.set_epoch_deadline(host.limits.timeout_ticks());
    }
    store.set_hostcall_fuel(host.limits.hostcall_fuel());
    store
}

/// Asks the component for its macros, and checks the answer.
fn list_macros(
    host: &HostInner,
    component: &str,
    pre: &ProcMacroPre<ExpansionState>,
) -> Result<Vec<MacroInfo>> {
    let site = Site {
        component,
        name: "<list-macros>",
    };
    let mut store = new_store(host, None);
    let listed = pre
        .instantiate(&mut store)
        .and_then(|instance| {
            instance
                .procbox_proc_macro_macros()
                .call_list_macros(&mut store)
        })
        .map_err(|e| not_started(e, &store, &site, host))?;
    crate::macros::checked(listed).map_err(|reason| Error::BadComponent {
        component: component.to_owned(),
        reason,
    })
}

/// Links `component` for `grants`: the procbox world, the WASI interfaces of
/// the capabilities both declared and granted, and denial for the rest.
fn link(
    host: &HostInner,
    component: &Component,
    declared: &Manifest,
    grants: &Grants,
) -> Result<ProcMacroPre<ExpansionState>, String> {
    let mut linker = host.linker.clone();
    let linked: Vec<Capability> = declared
        .capabilities
        .iter()
        .copied()
        .filter(|&c| grants.grants(c))
        .collect();
    for &capability in &linked {
        crate::wasi::link(&mut linker, capability)
            .map_err(|e| format!("cannot link the `{capability}` capability: {}", chain(&e)))?;
    }
    crate::deny::link_denied_imports(&mut linker, component, &host.engine, |import| {
        linked.iter().any(|&c| c.links(import))
    })?;
    let pre = linker.instantiate_pre(component).map_err(|e| {
        format!(
            "it does not fit the {}@{} world ({}); \
             rebuild it with a compatible version of the procbox SDK",
            world::PACKAGE,
            world::VERSION,
            chain(&e)
        )
    })?;
    ProcMacroPre::new(pre).map_err(|e| {
        format!(
            "it does not export {} ({}); \
             rebuild it with a compatible version of the procbox SDK",
            world::MACROS,
            chain(&e)
        )
    })
}

/// The component's manifest: its top-level `procbox-manifest` custom section.
///
/// Nested modules and components are skipped, not parsed: the section is at
/// the top level, and walking every function body of the macro's code was
/// about a tenth of a cache hit.
fn read_manifest(mut bytes: &[u8]) -> Result<Option<Manifest>, String> {
    let invalid = |e: &dyn std::fmt::Display| format!("it is not valid WebAssembly: {e}");
    let mut parser = Parser::new(0);
    let mut found = None;
    loop {
        let payload = match parser.parse(bytes, true).map_err(|e| invalid(&e))? {
            Chunk::Parsed { consumed, payload } => {
                bytes = &bytes[consumed..];
                payload
            }
            // With `eof` set the parser reports truncation as an error.
            Chunk::NeedMoreData(_) => return Err(invalid(&"it ends early")),
        };
        match payload {
            Payload::ModuleSection {
                unchecked_range, ..
            }
            | Payload::ComponentSection {
                unchecked_range, ..
            } => {
                bytes = usize::try_from(unchecked_range.end - unchecked_range.start)
                    .ok()
                    .and_then(|len| bytes.get(len..))
                    .ok_or_else(|| invalid(&"a nested module ends past the end"))?;
            }
            Payload::CustomSection(section) if section.name() == world::MANIFEST_SECTION => {
                if found.is_some() {
                    return Err("it has two procbox-manifest sections".into());
                }
                found = Some(Manifest::decode(section.data())?);
            }
            Payload::End(_) => return Ok(found),
            _ => {}
        }
    }
}

/// Refuses a component of another world, or of another version of this one,
/// before anything else complains about it in less useful terms.
fn check_world(imports: &[String], exports: &[String]) -> Result<(), String> {
    let other_version = imports
        .iter()
        .chain(exports)
        .find(|name| world::is_other_version(name));
    if let Some(name) = other_version {
        return Err(format!(
            "it was built for another version of the procbox world (`{name}`); this host runs \
             `{}@{}`: rebuild the macro with the matching procbox SDK",
            world::PACKAGE,
            world::VERSION
        ));
    }
    if !exports.iter().any(|e| e == world::MACROS) {
        let found = match exports {
            [] => "nothing".to_owned(),
            exports => exports.join(", "),
        };
        return Err(format!(
            "it does not export `{}` (it exports {found}): it is a component of another \
             world, not a macro built with the procbox SDK",
            world::MACROS
        ));
    }
    Ok(())
}

/// Refuses a component importing more than the procbox world and what its
/// manifest declares: it was tampered with, or not linked with `procbox-ld`.
fn check_imports(imports: &[String], manifest: Option<&Manifest>) -> Result<(), String> {
    let declared = declared(manifest);
    let Some(extra) = imports
        .iter()
        .find(|i| !world::is_world_interface(i) && !declared.allows(i))
    else {
        return Ok(());
    };
    Err(match manifest {
        Some(_) => format!(
            "it imports `{extra}`, which its manifest does not declare: it was changed after \
             procbox-ld linked it; rebuild it from source"
        ),
        None => format!(
            "it imports `{extra}` and has no procbox manifest: link the macro crate with procbox-ld \
             (`[target.wasm32-wasip2] linker = \"procbox-ld\"`, see the README)"
        ),
    })
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

/// An error and its causes, on one line.
pub(crate) fn chain(error: &wasmtime::Error) -> String {
    error
        .chain()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
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

#[cfg(test)]
mod tests {
    use super::*;

    const COMPONENT_HEADER: &[u8] = b"\0asm\x0d\x00\x01\x00";
    const MODULE_HEADER: &[u8] = b"\0asm\x01\x00\x00\x00";

    /// A section: its id, its size (one LEB128 byte: tests keep them small)
    /// and its contents.
    fn section(id: u8, contents: &[u8]) -> Vec<u8> {
        assert!(contents.len() < 128);
        let mut out = vec![id, contents.len() as u8];
        out.extend_from_slice(contents);
        out
    }

    fn custom(name: &str, data: &[u8]) -> Vec<u8> {
        let mut contents = vec![name.len() as u8];
        contents.extend_from_slice(name.as_bytes());
        contents.extend_from_slice(data);
        section(0, &contents)
    }

    fn manifest_section() -> Vec<u8> {
        let manifest = Manifest {
            version: procbox_manifest::FORMAT,
            capabilities: vec![Capability::RandomSeed],
            env: Vec::new(),
        };
        custom(world::MANIFEST_SECTION, &manifest.encode())
    }

    /// A component of `sections`, after a nested core module holding
    /// `nested`.
    fn component(nested: &[u8], sections: &[Vec<u8>]) -> Vec<u8> {
        let mut module = MODULE_HEADER.to_vec();
        module.extend_from_slice(nested);
        let mut out = COMPONENT_HEADER.to_vec();
        out.extend(section(1, &module));
        for s in sections {
            out.extend_from_slice(s);
        }
        out
    }

    #[test]
    fn the_top_level_manifest_is_read() {
        let bytes = component(&custom("name", b""), &[manifest_section()]);
        let found = read_manifest(&bytes)
            .expect("reads")
            .expect("has a manifest");
        assert_eq!(found.capabilities, vec![Capability::RandomSeed]);
    }

    #[test]
    fn a_manifest_inside_a_nested_module_is_not_the_components() {
        let bytes = component(&manifest_section(), &[]);
        assert_eq!(read_manifest(&bytes).expect("reads"), None);
    }

    #[test]
    fn two_manifests_are_refused() {
        let bytes = component(&[], &[manifest_section(), manifest_section()]);
        let err = read_manifest(&bytes).expect_err("refused");
        assert!(err.contains("two procbox-manifest sections"), "{err}");
    }

    #[test]
    fn a_truncated_component_is_refused() {
        let bytes = component(&custom("name", b""), &[manifest_section()]);
        for len in [COMPONENT_HEADER.len() + 3, bytes.len() - 1] {
            let err = read_manifest(&bytes[..len]).expect_err("refused");
            assert!(err.contains("not valid WebAssembly"), "{len}: {err}");
        }
    }
}
