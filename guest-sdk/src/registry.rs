//! The macros a component contains, registered by the entry-point attributes.
//!
//! Each `#[procbox::proc_macro_*]` attribute submits a [`MacroDef`] with
//! `inventory`, so a macro crate needs no list of its macros: porting stays a
//! rename of `proc_macro` to `procbox`.

use crate::TokenStream;

/// What kind of macro an entry point is, and the function to call.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum Entry {
    /// `#[proc_macro_derive]`: item in, extra items out.
    Derive(fn(TokenStream) -> TokenStream),
    /// `#[proc_macro_attribute]`: attribute arguments and item in, item out.
    Attribute(fn(TokenStream, TokenStream) -> TokenStream),
    /// `#[proc_macro]`: invocation tokens in, expansion out.
    Function(fn(TokenStream) -> TokenStream),
}

/// One macro of the component, as the entry-point attribute declared it.
#[doc(hidden)]
pub struct MacroDef {
    /// The name used at call sites (the derive name, or the function name).
    pub name: &'static str,
    /// Helper attributes of a derive.
    pub helper_attributes: &'static [&'static str],
    /// The kind and the function.
    pub entry: Entry,
}

inventory::collect!(MacroDef);

/// Every macro registered in this component, in a stable order (by name).
pub(crate) fn macros() -> Vec<&'static MacroDef> {
    let mut all: Vec<&'static MacroDef> = inventory::iter::<MacroDef>.into_iter().collect();
    all.sort_by_key(|def| def.name);
    all
}

/// The macro called `name`.
pub(crate) fn find(name: &str) -> Option<&'static MacroDef> {
    inventory::iter::<MacroDef>
        .into_iter()
        .find(|def| def.name == name)
}
