//! Run Rust procedural macros compiled to WebAssembly components, in a
//! sandbox.
//!
//! A procbox macro is a component of the `procbox:proc-macro@0.1.0` world,
//! built with the `procbox` guest SDK for `wasm32-wasip2`. This crate loads
//! such components into a [`Host`] (one wasmtime engine and linker) and
//! expands their macros on `proc_macro2` token streams:
//!
//! - Inside a real proc macro, spans are the compiler's; outside one
//!   (`proc-macro2`'s `span-locations`), they carry file positions. Either
//!   way, spans in the output point at the user's code.
//! - Each expansion runs in a fresh instance under [`Limits`] (time, memory,
//!   output size); exceeding one, a trap, a panic or invalid output is an
//!   [`Error`] naming the component and the macro, never a host crash.
//! - Nothing outside the procbox world is granted: a WASI import is linked to
//!   a function that fails with [`Error::Denied`].
//! - Compiled components are cached by content hash ([`CacheOutcome`]).
//! - Expansions can be recorded and replayed ([`ExpansionCache`]): a hit
//!   asks the macro's recorded span queries again and checks the files it
//!   read, so it is exactly what running the macro would give.
//!
//! ```no_run
//! use procbox_host::{Host, Limits};
//! use std::time::Duration;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut limits = Limits::default();
//! limits.timeout = Duration::from_secs(2);
//! let host = Host::builder().limits(limits).build()?;
//! let component = host.load_file("json_derive.wasm")?;
//! for info in component.macros() {
//!     println!("{info}");
//! }
//! let item: proc_macro2::TokenStream = "struct Unit;".parse()?;
//! let expansion = component.expand_derive("ToJson", &item)?;
//! println!("{}", expansion.tokens);
//! # Ok(())
//! # }
//! ```

#![warn(missing_docs)]

#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod bench;
// Generated; reachable from outside only through `bench::wire` (feature `bench`).
#[allow(missing_docs)]
mod bindings;
mod cache_dir;
mod codec;
mod component;
mod engine;
mod error;
mod expansion;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod grants;
mod imports;
mod limits;
mod replay;

pub use cache_dir::default_cache_dir;
pub use codec::diagnostics::{Diagnostic, Level, Origin};
pub use component::MacroComponent;
pub use component::instance::MacroInstance;
pub use component::macros::MacroInfo;
pub use engine::{CacheOutcome, Host, HostBuilder, sha256_hex};
pub use error::{Error, Result};
pub use expansion::flat::{FlatExpansion, FlatInvocation};
pub use expansion::{Expansion, ExpansionStats, Invocation};
pub use grants::{DEFAULT_SEED, Grants};
pub use imports::spans::SpanOracle;
pub use limits::Limits;
pub use procbox_manifest::{Capability, Manifest, Provenance};
pub use procbox_protocol::{self as protocol, MacroKind};
pub use replay::{CachedExpansion, DEFAULT_MAX_BYTES, ExpansionCache};

#[cfg(test)]
mod tests {
    /// What an embedding build tool shares between threads must be shareable.
    #[test]
    fn shared_types_are_send_and_sync() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<crate::Host>();
        send_sync::<crate::MacroComponent>();
        send_sync::<crate::Error>();
        send_sync::<crate::Limits>();
        send_sync::<crate::MacroInfo>();
    }
}
