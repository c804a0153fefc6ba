//! Loading a component into a [`Host`]: the bytes checked (a component, of
//! this world and version, importing no more than its manifest declares),
//! compiled code from the cache or compiled, the macros listed and checked.

use std::path::Path;
use std::sync::Arc;

use procbox_manifest::Manifest;
use procbox_protocol::world;
use wasmtime::component::Component;
use wasmtime::wasmparser::{Chunk, Parser, Payload};

use super::link::link;
use super::{ComponentInner, MacroComponent, declared, new_store, not_started};
use crate::bindings::ProcMacroPre;
use crate::engine::{CacheOutcome, HostInner, Lookup, is_sha256_hex, sha256_hex};
use crate::error::chain;
use crate::expansion::classify::Site;
use crate::expansion::store::ExpansionState;
use crate::{Error, Grants, Host, MacroInfo, Result};

impl Host {
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
            && !self
                .inner
                .cache
                .as_ref()
                .is_some_and(|cache| cache.contains(&self.inner.engine, &sha256_hex(bytes)))
    }
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
                limits: inner.limits.clone(),
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
    let mut store = new_store(host, &host.limits, None);
    let listed = pre
        .instantiate(&mut store)
        .and_then(|instance| {
            instance
                .procbox_proc_macro_macros()
                .call_list_macros(&mut store)
        })
        .map_err(|e| not_started(e, &store, &site, host, &host.limits))?;
    crate::component::macros::checked(listed).map_err(|reason| Error::BadComponent {
        component: component.to_owned(),
        reason,
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

#[cfg(test)]
mod tests {
    use super::*;
    use procbox_manifest::Capability;

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
            provenance: None,
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
