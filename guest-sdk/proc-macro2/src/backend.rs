//! The tokens underneath: the SDK's in a component; rustc's `proc_macro`
//! natively, where this crate serves the proc macros of a port's build (the
//! `[patch]` that brings it in applies to the whole build), as crates.io's
//! `proc_macro2` would inside rustc. Natively it works only inside a proc
//! macro: a build script that uses `proc_macro2` would need its fallback mode.
//!
//! The SDK mirrors `proc_macro`'s API, so the rest of the crate is written
//! once, against `imp`.

#[cfg(target_family = "wasm")]
pub(crate) use procbox as imp;
#[cfg(not(target_family = "wasm"))]
pub(crate) extern crate proc_macro as imp;

/// What makes the token types `!Send` and `!Sync`, as in `proc_macro2`
/// (their streams share trees through `Rc`).
pub(crate) type Marker = std::marker::PhantomData<std::rc::Rc<()>>;
