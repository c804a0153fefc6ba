//! Write Rust procedural macros that run as sandboxed WebAssembly components.
//!
//! `procbox` mirrors the `proc_macro` API — [`TokenStream`], [`TokenTree`],
//! [`Group`], [`Ident`], [`Punct`], [`Literal`], [`Span`] — over the
//! `procbox:proc-macro` WIT world, and provides the entry-point attributes
//! [`proc_macro_derive`], [`proc_macro_attribute`] and [`proc_macro`]. A macro
//! crate built with it for `wasm32-wasip2` is a component that a procbox host
//! runs in a sandbox.
//!
//! Porting an existing macro is a rename:
//!
//! ```
//! // Cargo.toml: [lib] crate-type = ["cdylib"], and depend on `procbox`.
//! use procbox::TokenStream;
//! use quote::quote;
//! use syn::DeriveInput;
//!
//! #[procbox::proc_macro_derive(Hello, attributes(hello))]
//! pub fn hello(input: TokenStream) -> TokenStream {
//!     let input = procbox::parse_macro_input!(input as DeriveInput);
//!     let name = &input.ident;
//!     quote!(impl #name { pub fn hello() -> &'static str { stringify!(#name) } }).into()
//! }
//! # fn main() {}
//! ```
//!
//! `syn`, `quote` and `proc-macro2` from crates.io work unchanged: a
//! [`TokenStream`] converts to and from `proc_macro2::TokenStream` keeping
//! every span, so a `syn::Error` points at the user's code. Depending on them
//! with `default-features = false` (and the features of `syn` the macro uses)
//! makes the macro faster: their default `proc-macro` feature has
//! `proc-macro2` look for the compiler on every operation, and a component
//! never runs inside it.

#![warn(missing_docs)]

// The global allocator of a macro component (built for wasm only; natively
// the unit tests drive it as a plain value).
#[cfg(any(
    test,
    all(
        feature = "allocator",
        target_family = "wasm",
        not(target_feature = "atomics")
    )
))]
mod alloc;
// Generated; reachable from outside only through `__private::wire`.
#[allow(missing_docs)]
mod bindings;
#[cfg(feature = "proc-macro2")]
mod bridge;
mod diagnostic;
mod escape;
mod exports;
mod group;
mod ident;
mod lex;
mod lex_error;
mod literal;
mod literal_parts;
mod panic_hook;
mod print;
mod punct;
mod registry;
mod span;
mod stream;
mod token_tree;
mod tree;
mod wire;

#[cfg(test)]
mod tests;

pub use diagnostic::{Diagnostic, Level, MultiSpan};
pub use exports::is_available;
pub use lex_error::LexError;
pub use procbox_macros::{
    attribute_entry as proc_macro_attribute, derive_entry as proc_macro_derive,
    function_entry as proc_macro,
};
pub use span::Span;
pub use tree::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};

/// Iterators over a [`TokenStream`], as in `proc_macro::token_stream`.
pub mod token_stream {
    pub use crate::stream::IntoIter;
}

#[cfg(feature = "proc-macro2")]
impl From<TokenStream> for proc_macro2::TokenStream {
    /// Converts for `syn`/`quote`, keeping every span.
    fn from(stream: TokenStream) -> proc_macro2::TokenStream {
        stream::to_proc_macro2(&stream)
    }
}

#[cfg(feature = "proc-macro2")]
impl From<Span> for proc_macro2::Span {
    /// Converts for `syn`/`quote` (e.g. `syn::Error::new(span.into(), ..)`).
    fn from(span: Span) -> proc_macro2::Span {
        bridge::span_to_proc_macro2(span)
    }
}

#[cfg(feature = "proc-macro2")]
impl From<proc_macro2::Span> for Span {
    /// Converts back a span that came from the macro's input; any other span
    /// becomes the call site.
    fn from(span: proc_macro2::Span) -> Span {
        bridge::span_from_proc_macro2(span)
    }
}

/// Parses a [`TokenStream`] into a `syn` syntax tree, or returns the parse
/// error as the macro's output (a `compile_error!` at the offending token).
///
/// The same as `syn::parse_macro_input!`, for `procbox::TokenStream`:
/// `parse_macro_input!(input as DeriveInput)`, `parse_macro_input!(input with
/// Punctuated::parse_terminated)`, or `parse_macro_input!(input)` with the type
/// inferred.
///
/// It parses with the macro crate's own `syn` (the `syn` dependency of the
/// crate that uses it, whichever major version: 1, 2 or 3; they all share
/// `proc-macro2` 1), so a ported macro keeps its `syn`.
#[macro_export]
macro_rules! parse_macro_input {
    ($tokens:ident as $ty:ty) => {
        match ::syn::parse2::<$ty>($crate::__private::to_proc_macro2($tokens)) {
            ::core::result::Result::Ok(data) => data,
            ::core::result::Result::Err(err) => {
                return $crate::TokenStream::from(err.to_compile_error());
            }
        }
    };
    ($tokens:ident with $parser:path) => {
        match ::syn::parse::Parser::parse2($parser, $crate::__private::to_proc_macro2($tokens)) {
            ::core::result::Result::Ok(data) => data,
            ::core::result::Result::Err(err) => {
                return $crate::TokenStream::from(err.to_compile_error());
            }
        }
    };
    ($tokens:ident) => {
        $crate::parse_macro_input!($tokens as _)
    };
}

/// Used by the code the entry-point attributes and macros generate.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::{Entry, MacroDef};
    pub use inventory;

    /// `proc_macro2::TokenStream::from`, without naming proc_macro2 at the
    /// call site (the macro crate may not depend on it) or here (in a port,
    /// `proc_macro2` depends on this crate, and the conversion is its own).
    pub fn to_proc_macro2<T: From<crate::TokenStream>>(stream: crate::TokenStream) -> T {
        T::from(stream)
    }

    /// An identifier's name (without `r#`) and whether it is raw, for
    /// procbox's `proc-macro2`, which compares identifiers by them.
    pub fn ident_parts(ident: &crate::Ident) -> (&str, bool) {
        (&ident.name, ident.is_raw)
    }

    /// The flat token format of the WIT boundary, as this crate's bindings
    /// generate it.
    #[cfg(not(target_family = "wasm"))]
    pub use crate::bindings::procbox::proc_macro::types as wire;

    /// Runs macro `name` of this build's registry in-process on flat tokens,
    /// as a component's `expand` export does (less the panic hook, which
    /// reports through a host import): what the boundary-floor benchmark in
    /// `tests/benches` runs natively. Spans must need no host query.
    #[cfg(not(target_family = "wasm"))]
    pub fn expand_natively(
        name: &str,
        input: wire::TokenStream,
        attribute_args: Option<wire::TokenStream>,
    ) -> wire::Expansion {
        crate::exports::expand(name, input, attribute_args)
    }
}
