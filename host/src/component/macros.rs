//! [`MacroInfo`] and [`MacroKind`]: the macros a component declares, and
//! the checks of the list a component gives.

use std::fmt;

use crate::bindings::wire;
use procbox_protocol::MacroKind;

use crate::codec::check::is_ident;

/// The most macros a component may declare. Real crates declare a handful;
/// the bound keeps a hostile list from making loading slow or large.
pub(crate) const MAX_MACROS: usize = 10_000;

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

/// The macros a component listed, checked (names and helper attributes are
/// identifiers, no name twice, at most [`MAX_MACROS`]) and sorted by name;
/// or why the component is refused.
pub(crate) fn checked(listed: Vec<wire::MacroInfo>) -> Result<Vec<MacroInfo>, String> {
    if listed.len() > MAX_MACROS {
        return Err(format!(
            "it declares {} macros, more than the {MAX_MACROS} a component may have",
            listed.len()
        ));
    }
    let mut macros = listed
        .into_iter()
        .map(|info| {
            if !is_ident(&info.name) {
                return Err(format!(
                    "it declares a macro named `{}`, which is not an identifier",
                    info.name.escape_debug()
                ));
            }
            if let Some(helper) = info.helper_attributes.iter().find(|h| !is_ident(h)) {
                return Err(format!(
                    "macro `{}` declares a helper attribute `{}`, which is not an identifier",
                    info.name,
                    helper.escape_debug()
                ));
            }
            Ok(MacroInfo {
                name: info.name,
                kind: match info.kind {
                    wire::MacroKind::Derive => MacroKind::Derive,
                    wire::MacroKind::Attribute => MacroKind::Attribute,
                    wire::MacroKind::Function => MacroKind::Function,
                },
                helper_attributes: info.helper_attributes,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    // Sorted, a name declared twice is next to itself.
    macros.sort_by(|a, b| a.name.cmp(&b.name));
    if let Some(pair) = macros.windows(2).find(|pair| pair[0].name == pair[1].name) {
        return Err(format!("it declares two macros named `{}`", pair[0].name));
    }
    Ok(macros)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str) -> wire::MacroInfo {
        wire::MacroInfo {
            name: name.to_owned(),
            kind: wire::MacroKind::Function,
            helper_attributes: Vec::new(),
        }
    }

    #[test]
    fn the_list_is_sorted_by_name() {
        let macros = checked(vec![listed("b"), listed("a")]).expect("valid");
        let names: Vec<&str> = macros.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn a_name_declared_twice_is_refused() {
        let err = checked(vec![listed("a"), listed("b"), listed("a")]).expect_err("refused");
        assert_eq!(err, "it declares two macros named `a`");
    }

    #[test]
    fn names_and_helpers_must_be_identifiers() {
        let err = checked(vec![listed("not ident")]).expect_err("refused");
        assert!(
            err.contains("`not ident`, which is not an identifier"),
            "{err}"
        );
        let mut derive = listed("D");
        derive.helper_attributes = vec!["ok".into(), "1bad".into()];
        let err = checked(vec![derive]).expect_err("refused");
        assert!(err.contains("helper attribute `1bad`"), "{err}");
    }

    #[test]
    fn more_than_max_macros_are_refused() {
        let many = |n: usize| (0..n).map(|i| listed(&format!("m{i}"))).collect();
        assert_eq!(
            checked(many(MAX_MACROS)).expect("at the bound").len(),
            MAX_MACROS
        );
        let err = checked(many(MAX_MACROS + 1)).expect_err("refused");
        assert!(err.contains("10001 macros, more than the 10000"), "{err}");
    }
}
