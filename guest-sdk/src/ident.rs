//! [`Ident`]: an identifier, possibly raw (`r#type`).

use std::fmt;

use crate::{Ident, Span};

impl Ident {
    /// A new identifier with the given name and span.
    ///
    /// # Panics
    ///
    /// Panics if `string` is not a valid identifier (keywords are allowed), as
    /// `proc_macro::Ident::new` does, with the same message: `Ident::new("a b",
    /// span)` panics saying that `"a b"` is not a valid identifier. Unlike
    /// rustc, it refuses `$crate` too: `proc_macro2` outside the compiler,
    /// which the host uses to hand the expansion back, cannot make it.
    pub fn new(string: &str, span: Span) -> Ident {
        validate(string, false);
        Ident {
            name: string.into(),
            is_raw: false,
            span,
        }
    }

    /// A new raw identifier (`r#string`).
    ///
    /// # Panics
    ///
    /// Panics if `string` is not a valid identifier, or is one of the keywords
    /// that cannot be raw (`_`, `crate`, `self`, `Self`, `super`), with
    /// `proc_macro`'s messages.
    pub fn new_raw(string: &str, span: Span) -> Ident {
        validate(string, true);
        Ident {
            name: string.into(),
            is_raw: true,
            span,
        }
    }

    /// The span of this identifier.
    pub fn span(&self) -> Span {
        self.span
    }

    /// Configures the span of this identifier, possibly changing its hygiene.
    pub fn set_span(&mut self, span: Span) {
        self.span = span;
    }
}

/// Checks `string` as `proc_macro::Ident::new` and `new_raw` do, and panics
/// with their messages.
fn validate(string: &str, is_raw: bool) {
    let mut chars = string.chars();
    let is_ident = chars
        .next()
        .is_some_and(|first| first == '_' || unicode_ident::is_xid_start(first))
        && chars.all(unicode_ident::is_xid_continue);
    if !is_ident {
        panic!("`{string:?}` is not a valid identifier");
    }
    if is_raw && matches!(string, "_" | "super" | "self" | "Self" | "crate") {
        panic!("`{string}` cannot be a raw identifier");
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

impl fmt::Debug for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ident")
            // A string, quoted in the output, as `proc_macro` prints it.
            .field("ident", &self.to_string())
            .field("span", &self.span)
            .finish()
    }
}
