//! Never linked: its manifest asks for a capability that does not exist.

use procbox::TokenStream;

/// Returns its input.
#[procbox::proc_macro]
pub fn unreachable_macro(input: TokenStream) -> TokenStream {
    input
}
