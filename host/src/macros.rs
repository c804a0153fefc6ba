//! [`MacroInfo`] and [`MacroKind`]: the macros a component declares.

use std::fmt;

/// The kind of a procedural macro.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum MacroKind {
    /// `#[proc_macro_derive]`, used as `#[derive(Name)]`.
    Derive,
    /// `#[proc_macro_attribute]`, used as `#[name(args)]`.
    Attribute,
    /// `#[proc_macro]`, used as `name!(...)`.
    Function,
}

impl fmt::Display for MacroKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MacroKind::Derive => "derive",
            MacroKind::Attribute => "attribute",
            MacroKind::Function => "function-like",
        })
    }
}

/// A macro exported by a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacroInfo {
    /// The name at use sites: the derive's name, or the function's.
    pub name: String,
    /// Its kind.
    pub kind: MacroKind,
    /// A derive's helper attributes (`attributes(json)`); empty otherwise.
    pub helper_attributes: Vec<String>,
}

impl fmt::Display for MacroInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)?;
        if !self.helper_attributes.is_empty() {
            write!(f, " (attributes: {})", self.helper_attributes.join(", "))?;
        }
        Ok(())
    }
}
