//! Token trees to source text: `Display` for [`TokenStream`], [`Group`] and
//! [`TokenTree`].
//!
//! The spacing is `proc_macro2`'s outside the compiler, so that a macro's
//! `to_string()` does not change with the SDK's mode: one space between
//! trees except after a `Joint` punct, and braces padded when not empty
//! (`{ a }`, `{ }`).

use std::fmt::{self, Write};

use crate::{Delimiter, Group, Spacing, TokenStream, TokenTree};

/// Prints the trees of `stream`.
pub(crate) fn stream(stream: &TokenStream, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut joint = false;
    for (i, tree) in stream.trees().iter().enumerate() {
        if i != 0 && !joint {
            f.write_char(' ')?;
        }
        joint = matches!(tree, TokenTree::Punct(p) if p.spacing == Spacing::Joint);
        fmt::Display::fmt(tree, f)?;
    }
    Ok(())
}

/// Prints a group with its delimiters.
pub(crate) fn group(group: &Group, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (open, close) = match group.delimiter {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Brace => ("{ ", "}"),
        Delimiter::Bracket => ("[", "]"),
        Delimiter::None => ("", ""),
    };
    f.write_str(open)?;
    stream(&group.stream, f)?;
    if group.delimiter == Delimiter::Brace && !group.stream.is_empty() {
        f.write_char(' ')?;
    }
    f.write_str(close)
}
