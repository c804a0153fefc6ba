//! The runtime of the native `proc-macro` crates that `procbox shim`
//! generates: each entry point hands its tokens to an embedded macro
//! component, expanded in the procbox sandbox inside rustc.
//!
//! A generated shim is a build script that checks the component file
//! against the SHA-256 it was reviewed with (a changed file fails the build,
//! asking for a review) and copies it to `OUT_DIR`, and a few lines per
//! macro:
//!
//! ```ignore
//! use procbox_shim::{Component, ShimGrants};
//!
//! static COMPONENT: Component = Component::new(
//!     "json_derive.wasm",
//!     include_bytes!(concat!(env!("OUT_DIR"), "/json_derive.wasm")),
//!     "<sha256 of the file>",
//!     ShimGrants::NONE,
//! );
//!
//! #[proc_macro_derive(ToJson, attributes(json))]
//! pub fn derive_to_json(item: proc_macro::TokenStream) -> proc_macro::TokenStream {
//!     COMPONENT.derive("ToJson", item)
//! }
//! ```
//!
//! Running inside rustc shapes the host's configuration ([`Component`]):
//! - wasmtime installs no signal handlers (rustc has its own for stack
//!   overflows); out-of-bounds accesses are caught by explicit checks;
//! - the guest runs on rustc's thread, whose stack (8 MiB) is far larger than
//!   wasmtime's wasm stack limit (512 KiB), so a deep recursion in the macro
//!   traps cleanly;
//! - one engine per rustc process, created on first use, with the epoch
//!   thread that enforces the time limit;
//! - compiled code is cached in the per-user procbox cache
//!   ([`procbox_host::default_cache_dir`]: `$PROCBOX_CACHE_DIR` or
//!   `~/.cache/procbox`), so only the first build on a machine compiles the
//!   component.
//!
//! Every failure (a panic in the macro, a timeout, a capability that was not
//! granted, embedded bytes that do not match their hash) becomes a
//! `compile_error!` naming the macro, never a crash of rustc; a component
//! file that changed after the shim was generated fails its build script
//! first.

#![warn(missing_docs)]

extern crate proc_macro;

mod component;
mod grants;
mod report;

pub use component::Component;
pub use grants::ShimGrants;
