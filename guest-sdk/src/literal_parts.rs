//! A literal's text split as rustc's lexer splits it: kind, symbol and
//! suffix, which `proc_macro::Literal`'s `Debug` shows.
//!
//! The text is always a valid literal (made by a constructor, lexed, or sent
//! by the host, which checks it), so the split only has to find where the
//! parts meet, not check them.

/// The kind of a literal, named as `proc_macro`'s `Debug` names it.
#[derive(Debug, PartialEq)]
pub(crate) enum Kind {
    Byte,
    Char,
    Integer,
    Float,
    Str,
    StrRaw(u8),
    ByteStr,
    ByteStrRaw(u8),
    CStr,
    CStrRaw(u8),
}

/// The parts of one literal's text.
#[derive(Debug, PartialEq)]
pub(crate) struct Parts<'a> {
    pub(crate) kind: Kind,
    /// The text between the quotes (and hashes), or the number with any `-`.
    pub(crate) symbol: &'a str,
    pub(crate) suffix: Option<&'a str>,
}

/// Splits the text of a literal.
pub(crate) fn split(repr: &str) -> Parts<'_> {
    let quoted = |kind, prefix: usize, quote: char| {
        let body = &repr[prefix..];
        // A suffix is an identifier, so the last quote closes the literal.
        let close = body.rfind(quote).unwrap_or(body.len());
        Parts {
            kind,
            symbol: body.get(1..close).unwrap_or(""),
            suffix: suffix(body.get(close + 1..).unwrap_or("")),
        }
    };
    let raw = |kind: fn(u8) -> Kind, prefix: usize| {
        let body = &repr[prefix..];
        let hashes = body.len() - body.trim_start_matches('#').len();
        let closing = format!("\"{}", &body[..hashes]);
        let close = body.rfind(&closing).unwrap_or(body.len());
        Parts {
            kind: kind(u8::try_from(hashes).unwrap_or(u8::MAX)),
            symbol: body.get(hashes + 1..close).unwrap_or(""),
            suffix: suffix(body.get(close + closing.len()..).unwrap_or("")),
        }
    };
    match repr.as_bytes() {
        [b'b', b'\'', ..] => quoted(Kind::Byte, 1, '\''),
        [b'b', b'"', ..] => quoted(Kind::ByteStr, 1, '"'),
        [b'b', b'r', ..] => raw(Kind::ByteStrRaw, 2),
        [b'c', b'"', ..] => quoted(Kind::CStr, 1, '"'),
        [b'c', b'r', ..] => raw(Kind::CStrRaw, 2),
        [b'r', ..] => raw(Kind::StrRaw, 1),
        [b'"', ..] => quoted(Kind::Str, 0, '"'),
        [b'\'', ..] => quoted(Kind::Char, 0, '\''),
        _ => number(repr),
    }
}

fn suffix(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// An integer or float: digits (hex ones after `0x`), a fraction, an
/// exponent, then the suffix, as rustc's lexer reads them.
fn number(repr: &str) -> Parts<'_> {
    let bytes = repr.as_bytes();
    let mut at = usize::from(bytes.first() == Some(&b'-'));
    let digits = |at: &mut usize, hex: bool| {
        while bytes
            .get(*at)
            .is_some_and(|&b| b == b'_' || b.is_ascii_digit() || (hex && b.is_ascii_hexdigit()))
        {
            *at += 1;
        }
    };
    let mut kind = Kind::Integer;
    let base = bytes.get(at..at + 2);
    if let Some(prefix @ (b"0x" | b"0o" | b"0b")) = base {
        at += 2;
        digits(&mut at, prefix == b"0x");
    } else {
        digits(&mut at, false);
        // `1.` and `1.5` are floats; `1..2` and `1.max(2)` never reach a
        // literal's text.
        if bytes.get(at) == Some(&b'.') {
            kind = Kind::Float;
            at += 1;
            digits(&mut at, false);
        }
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            kind = Kind::Float;
            at += 1;
            if matches!(bytes.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            digits(&mut at, false);
        }
    }
    Parts {
        kind,
        symbol: &repr[..at],
        suffix: suffix(&repr[at..]),
    }
}
