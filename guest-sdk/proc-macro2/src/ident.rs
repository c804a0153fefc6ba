//! [`Ident`]: an identifier, compared and hashed by its text.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use crate::backend::imp;
use crate::{Ident, Span};

/// An identifier's name (without `r#`) and whether it is raw: read from the
/// SDK's identifier in a component, from its text natively (rustc's
/// `proc_macro::Ident` offers nothing else).
#[cfg(target_family = "wasm")]
fn parts(ident: &imp::Ident) -> (std::borrow::Cow<'_, str>, bool) {
    let (name, is_raw) = imp::__private::ident_parts(ident);
    (name.into(), is_raw)
}

#[cfg(not(target_family = "wasm"))]
fn parts(ident: &imp::Ident) -> (std::borrow::Cow<'_, str>, bool) {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(name) => (name.to_owned().into(), true),
        None => (text.into(), false),
    }
}

impl Ident {
    /// A new identifier.
    ///
    /// # Panics
    ///
    /// Panics if `string` is not a valid identifier, as `proc_macro2` does.
    pub fn new(string: &str, span: Span) -> Ident {
        Ident {
            inner: imp::Ident::new(string, span.into()),
        }
    }

    /// A new raw identifier (`r#string`).
    ///
    /// # Panics
    ///
    /// Panics if `string` is not a valid identifier or cannot be raw (`self`,
    /// `crate`, ...).
    pub fn new_raw(string: &str, span: Span) -> Ident {
        Ident {
            inner: imp::Ident::new_raw(string, span.into()),
        }
    }

    /// The span of this identifier.
    pub fn span(&self) -> Span {
        self.inner.span().into()
    }

    /// Sets the span of this identifier, and with it its hygiene.
    pub fn set_span(&mut self, span: Span) {
        self.inner.set_span(span.into());
    }
}

impl From<imp::Ident> for Ident {
    fn from(inner: imp::Ident) -> Ident {
        Ident { inner }
    }
}

impl PartialEq for Ident {
    fn eq(&self, other: &Ident) -> bool {
        parts(&self.inner) == parts(&other.inner)
    }
}

impl<T: ?Sized + AsRef<str>> PartialEq<T> for Ident {
    fn eq(&self, other: &T) -> bool {
        let (name, is_raw) = parts(&self.inner);
        match is_raw {
            true => other.as_ref().strip_prefix("r#") == Some(&*name),
            false => other.as_ref() == name,
        }
    }
}

impl Eq for Ident {}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Ident) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ident {
    /// By text, as `proc_macro2` orders them.
    fn cmp(&self, other: &Ident) -> Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl Hash for Ident {
    fn hash<H: Hasher>(&self, hasher: &mut H) {
        let (name, is_raw) = parts(&self.inner);
        is_raw.hash(hasher);
        name.hash(hasher);
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
