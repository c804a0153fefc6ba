//! Turning what went wrong into something rustc reports at the right place.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// `::core::compile_error!("message")`, at `span`.
pub(crate) fn compile_error(message: &str, span: Span) -> TokenStream {
    quote_spanned!(span=> ::core::compile_error! { #message })
}
