//! Imports outside the procbox world that are not granted are linked to
//! functions that fail with [`Denied`].
//!
//! A component linked by `procbox-ld` imports only the procbox world and its
//! declared capabilities (the host refuses any other, see
//! `component::check_imports`); so these are the declared capabilities the
//! embedder did not grant. A macro calling one stops with an error naming the
//! interface, instead of failing to instantiate for an import it may never
//! call.

use wasmtime::Engine;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Linker, ResourceType};

/// A call to an import that was not granted.
#[derive(Debug, thiserror::Error)]
#[error("`{interface}#{function}` was not granted")]
pub(crate) struct Denied {
    pub(crate) interface: String,
    pub(crate) function: String,
}

/// Links every import of `component` that is not part of the procbox world to
/// a function that fails with [`Denied`].
/// Imports for which `linked` is true are already defined (granted).
pub(crate) fn link_denied_imports<T: 'static>(
    linker: &mut Linker<T>,
    component: &Component,
    engine: &Engine,
    linked: impl Fn(&str) -> bool,
) -> Result<(), String> {
    for (name, item) in component.component_type().imports(engine) {
        if procbox_protocol::world::is_world_interface(name) || linked(name) {
            continue;
        }
        match item.ty {
            ComponentItem::ComponentInstance(instance) => {
                let mut linked = linker.instance(name).map_err(|e| e.to_string())?;
                for (export, item) in instance.exports(engine) {
                    match item.ty {
                        ComponentItem::ComponentFunc(_) => {
                            let denied = Denied {
                                interface: name.to_owned(),
                                function: export.to_owned(),
                            };
                            linked
                                .func_new(export, move |_, _, _, _| {
                                    Err(wasmtime::Error::new(Denied {
                                        interface: denied.interface.clone(),
                                        function: denied.function.clone(),
                                    }))
                                })
                                .map_err(|e| e.to_string())?;
                        }
                        // Resources are only types here: without a granted
                        // function no value of them can ever exist.
                        ComponentItem::Resource(_) => linked
                            .resource(export, ResourceType::host::<()>(), |_, _| Ok(()))
                            .map_err(|e| e.to_string())?,
                        _ => {}
                    }
                }
            }
            ComponentItem::ComponentFunc(_) => {
                let function = name.to_owned();
                linker
                    .root()
                    .func_new(name, move |_, _, _, _| {
                        Err(wasmtime::Error::new(Denied {
                            interface: "<root>".to_owned(),
                            function: function.clone(),
                        }))
                    })
                    .map_err(|e| e.to_string())?;
            }
            ComponentItem::Resource(_) => linker
                .root()
                .resource(name, ResourceType::host::<()>(), |_, _| Ok(()))
                .map_err(|e| e.to_string())?,
            _ => {
                return Err(format!(
                    "it imports `{name}`, which is neither a function nor an interface; \
                     a macro component may only import the procbox world and WASI interfaces"
                ));
            }
        }
    }
    Ok(())
}
