//! What the benchmarks share: the derive's input and its native expansion.

use json_derive::logic;
use procbox_tests::tokens;

/// A generic struct with `fields` fields, all but the last renamed.
pub fn input(fields: usize) -> proc_macro2::TokenStream {
    let mut all: Vec<String> = (1..fields)
        .map(|i| format!("#[json(rename = \"field{i}\")] pub f{i}: Option<Vec<u32>>"))
        .collect();
    all.push("pub extra: T".to_owned());
    tokens(&format!(
        "#[derive(ToJson)] pub struct Record<T> {{ {} }}",
        all.join(", ")
    ))
}

/// `#[derive(ToJson)]` compiled natively, run in-process on `proc_macro2`
/// tokens: what the sandboxed expansions are compared with.
pub fn native(input: &proc_macro2::TokenStream) -> proc_macro2::TokenStream {
    syn::parse2::<syn::DeriveInput>(input.clone())
        .and_then(|ast| logic::to_json(&ast))
        .expect("expands")
}

/// The macros of the `phases` guest (`tests/guests/phases`), in order: each
/// does one step of the derive more than the one before it.
pub const PHASES: [&str; 7] = [
    "phase_empty",
    "phase_identity",
    "phase_to_pm2",
    "phase_roundtrip",
    "phase_parse",
    "phase_derive_only",
    "phase_all",
];
