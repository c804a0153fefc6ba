//! Checking the literals of a macro's output, and making them as
//! `proc_macro2` literals.
//!
//! A literal from the guest is only text, and the host must not accept one
//! that is not a literal. Most literals macros emit (plain strings,
//! characters and integers) are made by `proc_macro2`'s constructors, whose
//! text is then compared with the guest's; the rest are lexed. Building lexes
//! nothing, which matters outside rustc: there every text lexed on a thread
//! stays in `proc_macro2`'s source map until the embedder clears it.

use std::str::FromStr;

use proc_macro2::{Literal, TokenStream, TokenTree};

/// The literals `reprs` stand for, in order; or the first that is not a
/// literal.
pub(crate) fn check<'a>(reprs: &[&'a str]) -> Result<Vec<Literal>, &'a str> {
    let constructed: Vec<Option<Literal>> = reprs.iter().map(|repr| constructed(repr)).collect();
    let to_lex: Vec<&str> = reprs
        .iter()
        .zip(&constructed)
        .filter_map(|(repr, literal)| literal.is_none().then_some(*repr))
        .collect();
    let mut lexed = lex(&to_lex)?.into_iter();
    // `lex` returns one literal per text it was given.
    Ok(constructed
        .into_iter()
        .filter_map(|literal| literal.or_else(|| lexed.next()))
        .collect())
}

/// The literal `repr`, made by a constructor instead of the lexer, if `repr`
/// is exactly what that constructor writes: a string or character of
/// printable ASCII, with no escapes but `\"`, `\\`, `\n`, `\r` and `\t`
/// (a character: no `'` either), or a decimal integer without a suffix or
/// leading zero. Those are most of what macros emit.
///
/// Building is cheaper than lexing, and adds nothing to proc_macro2's source
/// map (outside rustc every lexed text stays there). The constructor's text is
/// compared with `repr`, so anything it would write differently is lexed.
fn constructed(repr: &str) -> Option<Literal> {
    let literal = if let Some(inner) = repr.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
        Literal::string(&unescape(inner, b'"')?)
    } else if let Some(inner) = repr.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')) {
        let text = unescape(inner, b'\'')?;
        let mut chars = text.chars();
        match (chars.next(), chars.next()) {
            (Some(ch), None) => Literal::character(ch),
            _ => return None,
        }
    } else if repr.bytes().all(|b| b.is_ascii_digit()) {
        // Empty or too large for `u128`: left to the lexer.
        Literal::u128_unsuffixed(repr.parse().ok()?)
    } else {
        return None;
    };
    (literal.to_string() == repr).then_some(literal)
}

/// The text `inner` (between a literal's quotes, `quote`) stands for, if it
/// is printable ASCII with no escapes but `\"`, `\\`, `\n`, `\r` and `\t`,
/// and no unescaped `quote`.
fn unescape(inner: &str, quote: u8) -> Option<String> {
    let mut out = String::with_capacity(inner.len());
    let mut bytes = inner.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'\\' => match bytes.next()? {
                b'"' => '"',
                b'\\' => '\\',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                _ => return None,
            },
            b if b == quote => return None,
            b' '..=b'~' => char::from(b),
            _ => return None,
        });
    }
    Some(out)
}

/// Lexes `reprs` with proc_macro2's lexer, checking each is one literal.
///
/// They are lexed together, in one pass (outside rustc each lexer run adds a
/// file to proc_macro2's source map, so one per literal would grow it fast);
/// only if that fails is each one lexed alone, to name the bad one. A negative
/// number (`-1`) is two tokens to the lexer, so those are lexed alone. No
/// literals to lex lexes nothing, and adds nothing to the source map.
fn lex<'a>(reprs: &[&'a str]) -> Result<Vec<Literal>, &'a str> {
    if reprs.is_empty() {
        return Ok(Vec::new());
    }
    let mut batch = String::new();
    for repr in reprs.iter().filter(|r| !r.starts_with('-')) {
        batch.push_str(repr);
        batch.push(' ');
    }
    let mut lexed = TokenStream::from_str(&batch)
        .map(|s| s.into_iter().collect::<Vec<_>>().into_iter())
        .ok();
    let mut out = Vec::with_capacity(reprs.len());
    for &repr in reprs {
        let from_batch = match &mut lexed {
            Some(trees) if !repr.starts_with('-') => match trees.next() {
                Some(TokenTree::Literal(lit)) if lit.to_string() == repr => Some(lit),
                _ => {
                    lexed = None;
                    None
                }
            },
            _ => None,
        };
        out.push(match from_batch {
            Some(lit) => lit,
            None => lex_one(repr)?,
        });
    }
    Ok(out)
}

/// Lexes one literal: `repr`, if it is exactly one.
fn lex_one(repr: &str) -> Result<Literal, &str> {
    match Literal::from_str(repr) {
        Ok(lit) if lit.to_string() == repr => Ok(lit),
        _ => Err(repr),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructed_literals_are_exactly_their_text() {
        for repr in [
            r#""""#,
            r#""field1""#,
            r#""{ x: 1, y: 'z' }""#,
            r#"",\"field2\":""#,
            r#""a\\b\n\r\t""#,
            "'{'",
            r"'\n'",
            r#"'"'"#,
            "0",
            "7",
            "18446744073709551616",
        ] {
            let literal = constructed(repr).unwrap_or_else(|| panic!("{repr} is constructed"));
            assert_eq!(literal.to_string(), repr);
        }
        // Left to the lexer: other escapes, quotes a constructor escapes
        // otherwise, other characters, suffixes, leading zeros, other kinds,
        // and what is not a literal at all (which the lexer then refuses).
        for repr in [
            r#""\0""#,
            r#""\'""#,
            r#""\x41""#,
            r#""\u{e9}""#,
            r#""a"b""#,
            "\"é\"",
            "\"\t\"",
            r#"'\"'"#,
            r"'\''",
            "''",
            "'ab'",
            "'''",
            "\"",
            "'",
            "1u8",
            "007",
            "1.0",
            r#"b"x""#,
            r#"r"x""#,
            "",
            "-1",
            "x",
            "340282366920938463463374607431768211456",
        ] {
            assert!(constructed(repr).is_none(), "{repr:?}");
        }
    }
}
