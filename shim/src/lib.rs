//! The runtime of the native `proc-macro` crates that `procbox shim`
//! generates: each entry point hands its tokens to a macro component, run in
//! the procbox sandbox by `procbox serve`, and returns what it expanded to.
//!
//! It depends on `std`, `proc_macro` and `procbox-protocol` alone, so a
//! consumer's build compiles no wasmtime, no `syn`, nothing heavy: the
//! sandbox is one program, installed once per machine
//! (`cargo install --path cli` in the procbox tree), that the shim starts
//! on the first expansion in a rustc process and talks to over a pipe.
//!
//! A generated shim is a few lines per macro:
//!
//! ```ignore
//! use proc_macro::TokenStream;
//! use procbox_shim::{Component, Grants};
//!
//! static COMPONENT: Component = Component::new(
//!     "json_derive.wasm",
//!     include_bytes!("../json_derive.wasm"),
//!     "<sha256 the component was reviewed as>",
//!     grants,
//! );
//!
//! /// What the component may use: nothing.
//! fn grants() -> Grants {
//!     Grants::new()
//! }
//!
//! #[proc_macro_derive(ToJson, attributes(json))]
//! pub fn derive_to_json(item: TokenStream) -> TokenStream {
//!     COMPONENT.derive("ToJson", item)
//! }
//! ```
//!
//! What stays in rustc's process: the expansion's spans. The shim converts
//! `proc_macro` tokens to the protocol's flat stream directly, keeps their
//! spans in a table and sends handles; it answers the macro's span queries
//! (line, column, file, source text) from the compiler's spans, and rebuilds
//! the output with them, so errors point at the user's code.
//!
//! A macro that panics is reported as rustc reports a native macro's panic,
//! word for word. Every other failure is a `compile_error!` that says what
//! to do, never a panic or a crash of rustc: `procbox` not installed (with the command that
//! installs it), a server of another protocol version, a server that stopped
//! (with the end of its error output; the next expansion starts a new one),
//! a macro past its time limit (the server is killed), a component that is
//! not the one the shim was generated from (the server checks the embedded
//! bytes against the reviewed SHA-256 before loading them).
//!
//! With the `embedded` feature the sandbox runs inside rustc's own process
//! instead (`procbox-host`, with wasmtime), for builds that cannot run a
//! helper program; see the README for what it costs.

#![warn(missing_docs)]

extern crate proc_macro;

#[cfg(not(feature = "embedded"))]
mod client;
mod depend;
#[cfg(feature = "embedded")]
mod embedded;
mod expansion;
mod report;
mod spans;
mod tokens;

use std::time::Duration;

use proc_macro::TokenStream;
use procbox_protocol::MacroKind;

pub use procbox_protocol::Grants;

/// A macro component embedded in a shim.
pub struct Component {
    file: &'static str,
    bytes: &'static [u8],
    sha256: &'static str,
    grants: fn() -> Grants,
    timeout: Duration,
    #[cfg(feature = "embedded")]
    loaded: embedded::Loaded,
}

impl Component {
    /// The component in `bytes`, from `file`; `sha256` is its hash when
    /// `procbox shim` generated the shim (after review): bytes with another
    /// hash are refused before any of them runs. `grants` says what it may
    /// use (in the shim's source, so it is reviewed with it); what only the
    /// build knows (the crate's directory, variables' values) is filled in
    /// for each expansion.
    pub const fn new(
        file: &'static str,
        bytes: &'static [u8],
        sha256: &'static str,
        grants: fn() -> Grants,
    ) -> Component {
        Component {
            file,
            bytes,
            sha256,
            grants,
            timeout: Duration::from_secs(10),
            #[cfg(feature = "embedded")]
            loaded: embedded::Loaded::new(),
        }
    }

    /// The same component with a time limit per expansion other than the
    /// default of 10 s.
    pub const fn timeout(mut self, limit: Duration) -> Component {
        self.timeout = limit;
        self
    }

    /// Runs the derive `name` on `item`.
    pub fn derive(&self, name: &str, item: TokenStream) -> TokenStream {
        self.expand(MacroKind::Derive, name, None, item)
    }

    /// Runs the attribute macro `name` with `args` on `item`.
    pub fn attribute(&self, name: &str, args: TokenStream, item: TokenStream) -> TokenStream {
        self.expand(MacroKind::Attribute, name, Some(args), item)
    }

    /// Runs the function-like macro `name` on `input`.
    pub fn function(&self, name: &str, input: TokenStream) -> TokenStream {
        self.expand(MacroKind::Function, name, None, input)
    }

    /// The one place that chooses where the sandbox runs.
    fn expand(
        &self,
        kind: MacroKind,
        name: &str,
        args: Option<TokenStream>,
        input: TokenStream,
    ) -> TokenStream {
        #[cfg(not(feature = "embedded"))]
        let backend: expansion::Backend = client::expand;
        #[cfg(feature = "embedded")]
        let backend: expansion::Backend = embedded::expand;
        expansion::expand(self, backend, kind, name, args, input)
            .unwrap_or_else(report::Failed::into_tokens)
    }
}
