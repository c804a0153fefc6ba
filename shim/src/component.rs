//! [`Component`]: an embedded macro component and its entry points.

use std::sync::OnceLock;

use proc_macro2::Span;
use procbox_host::{Expansion, Host, Level, MacroComponent, Origin};

use crate::grants::ShimGrants;
use crate::report::compile_error;

/// A macro component embedded in a shim, loaded on first use.
pub struct Component {
    file: &'static str,
    bytes: &'static [u8],
    sha256: &'static str,
    grants: ShimGrants,
    loaded: OnceLock<Result<MacroComponent, String>>,
}

impl Component {
    /// The component in `bytes`, from `file`; `sha256` is its hash when
    /// `procbox shim` generated the shim, which the shim's build script
    /// checked `bytes` against (see [`Host::load_checked_bytes`]); `grants`
    /// is what it may use.
    ///
    /// [`Host::load_checked_bytes`]: procbox_host::Host::load_checked_bytes
    pub const fn new(
        file: &'static str,
        bytes: &'static [u8],
        sha256: &'static str,
        grants: ShimGrants,
    ) -> Component {
        Component {
            file,
            bytes,
            sha256,
            grants,
            loaded: OnceLock::new(),
        }
    }

    /// Runs the derive `name` on `item`.
    pub fn derive(&self, name: &str, item: proc_macro::TokenStream) -> proc_macro::TokenStream {
        let item = proc_macro2::TokenStream::from(item);
        self.expand(|c| c.expand_derive(name, &item))
    }

    /// Runs the attribute macro `name` with `args` on `item`.
    pub fn attribute(
        &self,
        name: &str,
        args: proc_macro::TokenStream,
        item: proc_macro::TokenStream,
    ) -> proc_macro::TokenStream {
        let args = proc_macro2::TokenStream::from(args);
        let item = proc_macro2::TokenStream::from(item);
        self.expand(|c| c.expand_attribute(name, &args, &item))
    }

    /// Runs the function-like macro `name` on `input`.
    pub fn function(&self, name: &str, input: proc_macro::TokenStream) -> proc_macro::TokenStream {
        let input = proc_macro2::TokenStream::from(input);
        self.expand(|c| c.expand_function(name, &input))
    }

    fn expand(
        &self,
        run: impl FnOnce(&MacroComponent) -> procbox_host::Result<Expansion>,
    ) -> proc_macro::TokenStream {
        let component = match self.component() {
            Ok(component) => component,
            Err(message) => return compile_error(message, Span::call_site()).into(),
        };
        match run(component) {
            Ok(expansion) => {
                let mut tokens = expansion.tokens;
                // `compile_error!`s are already in the tokens; what the macro
                // emitted separately must be added (errors) or printed
                // (stable rustc has no API for warnings from a proc macro).
                for diagnostic in expansion.diagnostics {
                    if diagnostic.origin != Origin::Emitted {
                        continue;
                    }
                    match diagnostic.level {
                        Level::Error => {
                            tokens.extend(compile_error(&diagnostic.message, diagnostic.span()))
                        }
                        level => eprintln!(
                            "{}: {} (from {})",
                            format!("{level:?}").to_lowercase(),
                            diagnostic.message,
                            self.file
                        ),
                    }
                }
                tokens.into()
            }
            Err(error) => compile_error(&format!("procbox: {error}"), Span::call_site()).into(),
        }
    }

    /// The loaded component, or why it cannot be loaded (the same answer for
    /// every use in this rustc process).
    fn component(&self) -> Result<&MacroComponent, &str> {
        self.loaded
            .get_or_init(|| self.load())
            .as_ref()
            .map_err(String::as_str)
    }

    fn load(&self) -> Result<MacroComponent, String> {
        // The shim's build script checked the embedded bytes against the
        // reviewed hash, so the cache can be looked up by it without hashing
        // them again; if they must be compiled, the host hashes them anyway.
        host()?
            .load_checked_bytes(self.file, self.bytes, self.sha256)
            .and_then(|component| component.with_grants(&self.grants.to_grants()))
            .map_err(|e| format!("procbox: {e}"))
    }
}

/// The one host of this rustc process.
fn host() -> Result<&'static Host, String> {
    static HOST: OnceLock<Result<Host, String>> = OnceLock::new();
    HOST.get_or_init(|| {
        Host::builder()
            // rustc's process, not ours: leave its signal handling alone.
            .signal_handlers(false)
            .build()
            .map_err(|e| format!("procbox: cannot start the sandbox: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}
