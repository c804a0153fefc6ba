//! [`Ident`]: an identifier, possibly raw (`r#type`).

use std::fmt;

use crate::Span;

/// An identifier (`ident`), as in `proc_macro::Ident`.
#[derive(Clone)]
pub struct Ident {
    /// The identifier without any `r#` prefix.
    pub(crate) name: Box<str>,
    pub(crate) is_raw: bool,
    pub(crate) span: Span,
}

impl Ident {
    /// A new identifier with the given name and span.
    ///
    /// # Panics
    ///
    /// Panics if `string` is not a valid identifier (keywords are allowed), as
    /// `proc_macro::Ident::new` does: `Ident::new("a b", span)` panics.
    pub fn new(string: &str, span: Span) -> Ident {
        // proc_macro2 performs the same checks as rustc, with the same panics.
        let _ = proc_macro2::Ident::new(string, proc_macro2::Span::call_site());
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
    /// that cannot be raw (`_`, `crate`, `self`, `Self`, `super`).
    pub fn new_raw(string: &str, span: Span) -> Ident {
        let _ = proc_macro2::Ident::new_raw(string, proc_macro2::Span::call_site());
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
            .field("ident", &format_args!("{self}"))
            .field("span", &self.span)
            .finish()
    }
}
