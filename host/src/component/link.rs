//! Linking a component for a grant set: the procbox world's imports, the
//! WASI interfaces of the capabilities both declared and granted, and denial
//! for every other import, all resolved once into an `InstancePre`.

use procbox_manifest::{Capability, Manifest};
use procbox_protocol::world;
use wasmtime::component::Component;

use crate::Grants;
use crate::bindings::ProcMacroPre;
use crate::engine::HostInner;
use crate::error::chain;
use crate::expansion::store::ExpansionState;
use crate::imports::{deny, wasi};

/// Links `component` for `grants`: the procbox world, the WASI interfaces of
/// the capabilities both declared and granted, and denial for the rest.
pub(super) fn link(
    host: &HostInner,
    component: &Component,
    declared: &Manifest,
    grants: &Grants,
) -> Result<ProcMacroPre<ExpansionState>, String> {
    let mut linker = host.linker.clone();
    let mut linked: Vec<Capability> = declared
        .capabilities
        .iter()
        .copied()
        .filter(|&c| grants.grants(c))
        .collect();
    // Ambient for every component: std's `HashMap` seed, fixed unless the
    // component declares `random-seed` and is granted another.
    if !linked.contains(&Capability::RandomSeed) {
        linked.push(Capability::RandomSeed);
    }
    for &capability in &linked {
        wasi::link(&mut linker, capability)
            .map_err(|e| format!("cannot link the `{capability}` capability: {}", chain(&e)))?;
    }
    deny::link_denied_imports(&mut linker, component, &host.engine, |import| {
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
