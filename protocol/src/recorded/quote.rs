//! Strings in entries: quoted as Rust's `{:?}` writes them, and read back.

use std::borrow::Cow;

/// `text` quoted and escaped, on one line.
pub(crate) fn quote(text: &str) -> String {
    format!("{text:?}")
}

/// The string `quoted` holds (as [`quote`] writes it), and what follows it
/// on the line; borrowed from `quoted` when it has no escapes.
pub(crate) fn unquote(quoted: &str) -> Result<(Cow<'_, str>, &str), String> {
    let rest = quoted
        .strip_prefix('"')
        .ok_or_else(|| format!("expected a quoted string at `{}`", clip(quoted)))?;
    // Most strings have no escapes. A plain byte loop finds the end: the
    // shim runs this in the consumer's profile, usually unoptimized, where
    // `std`'s generic searches cost tens of instructions a byte.
    let bytes = rest.as_bytes();
    let mut end = 0;
    while end < bytes.len() && bytes[end] != b'"' && bytes[end] != b'\\' {
        end += 1;
    }
    if end < bytes.len() && bytes[end] == b'"' {
        // ASCII bytes are character boundaries.
        if let (Some(string), Some(after)) = (rest.get(..end), rest.get(end + 1..)) {
            return Ok((Cow::Borrowed(string), after));
        }
    }
    let mut out = String::new();
    let mut chars = rest.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(out), &rest[at + 1..])),
            '\\' => {
                let escaped = match chars.next() {
                    Some((_, 'n')) => '\n',
                    Some((_, 'r')) => '\r',
                    Some((_, 't')) => '\t',
                    Some((_, '0')) => '\0',
                    Some((_, c @ ('\\' | '"' | '\''))) => c,
                    Some((_, 'u')) => {
                        let (_, open) = chars.next().ok_or("unterminated escape")?;
                        if open != '{' {
                            return Err("bad `\\u` escape".into());
                        }
                        let mut hex = String::new();
                        loop {
                            match chars.next() {
                                Some((_, '}')) => break,
                                Some((_, h)) if hex.len() < 6 => hex.push(h),
                                _ => return Err("bad `\\u` escape".into()),
                            }
                        }
                        u32::from_str_radix(&hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .ok_or("bad `\\u` escape")?
                    }
                    _ => return Err("unknown escape".into()),
                };
                out.push(escaped);
            }
            c => out.push(c),
        }
    }
    Err(format!("unterminated string at `{}`", clip(quoted)))
}

fn clip(text: &str) -> &str {
    match text.char_indices().nth(40) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_round_trips_every_kind_of_character() {
        for text in [
            "",
            "plain",
            "\"quoted\" \\ 'single'",
            "lines\nand\ttabs\r\0",
            "\u{7f}\u{1b}é\u{200b}🦀",
        ] {
            let quoted = quote(text);
            assert!(!quoted.contains('\n'), "{quoted}");
            let line = format!("{quoted} tail");
            let (back, rest) = unquote(&line).expect("unquotes");
            assert_eq!((&*back, rest), (text, " tail"));
        }
    }

    #[test]
    fn malformed_strings_are_errors() {
        for bad in [
            "nope",
            "\"open",
            "\"\\q\"",
            "\"\\u{110000}\"",
            "\"\\u{1234567}\"",
        ] {
            assert!(unquote(bad).is_err(), "{bad}");
        }
    }
}
