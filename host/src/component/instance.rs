//! [`MacroInstance`]: one instance reused for several expansions.

use wasmtime::Store;

use super::{MacroComponent, not_started};
use crate::bindings::ProcMacro;
use crate::expansion::Invocation;
use crate::expansion::classify::Site;
use crate::expansion::run::run;
use crate::expansion::store::ExpansionState;
use crate::{Expansion, Result};

impl MacroComponent {
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
            Err(e) => Err(not_started(e, &store, &site, &inner.host, &inner.limits)),
        }
    }
}

/// An instance of a component that runs expansions one after another, made
/// by [`MacroComponent::instantiate`]. See there for the trade-off.
///
/// Span handles are numbered afresh in each expansion. A handle the macro
/// kept from an earlier one is refused (an invalid-output error) when it is
/// beyond the current expansion's spans, and otherwise stands for whichever
/// span of the current expansion has that number: a macro that keeps spans
/// across expansions gets wrong locations here, never another expansion's.
///
/// While it lives it holds one of the host's instance slots
/// ([`HostBuilder::max_instances`](crate::HostBuilder::max_instances)).
///
/// It stays on the thread that made it: its store holds the expansion's
/// `proc_macro2` spans, which belong to that thread (inside rustc, to the
/// proc macro's). So it is not `Send`:
///
/// ```compile_fail,E0277
/// fn send<T: Send>() {}
/// send::<procbox_host::MacroInstance>();
/// ```
pub struct MacroInstance {
    pub(crate) component: MacroComponent,
    pub(crate) store: Store<ExpansionState>,
    pub(crate) instance: ProcMacro,
    /// Spans in the store belong to this thread (see `state::ThreadBound`).
    pub(crate) _not_send: std::marker::PhantomData<*const ()>,
}

impl MacroInstance {
    /// Runs a macro in this instance. Each expansion gets a new span table and
    /// a new time budget; memory use and the guest's globals carry over.
    pub fn expand(&mut self, invocation: &Invocation<'_>) -> Result<Expansion> {
        let component = &self.component;
        component.check_macro(invocation.kind, invocation.name)?;
        let limits = &component.inner.limits;
        self.store.data_mut().reset();
        if component.inner.host.ticker.is_some() {
            self.store.set_epoch_deadline(limits.timeout_ticks());
        }
        run(
            &mut self.store,
            &self.instance,
            &component.site(invocation.name),
            limits,
            invocation,
        )
    }

    /// The component this is an instance of.
    pub fn component(&self) -> &MacroComponent {
        &self.component
    }
}

impl std::fmt::Debug for MacroInstance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MacroInstance")
            .field("component", &self.component)
            .finish_non_exhaustive()
    }
}
