//! A macro whose output follows `HashMap` iteration order, so it needs a seed.

use std::collections::HashMap;

use procbox::{TokenStream, TokenTree};

/// Returns its identifiers in `HashMap` order.
#[procbox::proc_macro]
pub fn hash_order(input: TokenStream) -> TokenStream {
    let map: HashMap<String, TokenTree> = input
        .into_iter()
        .map(|tree| (tree.to_string(), tree))
        .collect();
    map.into_values().collect()
}
