//! How `proc_macro`'s constructors escape the text of string, character and
//! byte literals.
//!
//! `proc_macro2`'s fallback escapes a little differently (`\xFF` where rustc
//! writes `\xff`, `\x00` before a digit where rustc writes `\0`). Both lex to
//! the same value, but a macro's output prints as rustc's would only with
//! rustc's rules, so the SDK follows them: printable characters stay as they
//! are, other characters and Grapheme_Extend ones become `char::escape_debug`'s
//! escapes, bytes outside printable ASCII become `\xNN` (NUL is `\0`), and each
//! kind of literal leaves the other kind's quote alone.

/// The rules for one kind of literal.
#[derive(Clone, Copy)]
pub(crate) struct Escape {
    /// Writes `\'` (character literals).
    pub(crate) single_quote: bool,
    /// Writes `\"` (string literals).
    pub(crate) double_quote: bool,
    /// Byte literals: every byte on its own, `\xNN` outside printable ASCII.
    pub(crate) bytes: bool,
}

impl Escape {
    /// `"…"` and `c"…"`.
    pub(crate) const STRING: Escape = Escape {
        single_quote: false,
        double_quote: true,
        bytes: false,
    };
    /// `'…'`.
    pub(crate) const CHARACTER: Escape = Escape {
        single_quote: true,
        double_quote: false,
        bytes: false,
    };
    /// `b'…'`.
    pub(crate) const BYTE: Escape = Escape {
        single_quote: true,
        double_quote: false,
        bytes: true,
    };
    /// `b"…"`.
    pub(crate) const BYTE_STRING: Escape = Escape {
        single_quote: false,
        double_quote: true,
        bytes: true,
    };

    /// `bytes` escaped and between `open` and `close`, e.g. `b"` and `"`.
    pub(crate) fn quote(self, open: &str, bytes: &[u8], close: char) -> String {
        let mut out = String::with_capacity(open.len() + bytes.len() + 1);
        out.push_str(open);
        if self.bytes {
            for &byte in bytes {
                self.byte(byte, &mut out);
            }
        } else {
            // Only a C string's bytes can be other than UTF-8.
            for chunk in bytes.utf8_chunks() {
                for ch in chunk.valid().chars() {
                    self.char(ch, &mut out);
                }
                for &byte in chunk.invalid() {
                    self.byte(byte, &mut out);
                }
            }
        }
        out.push(close);
        out
    }

    fn byte(self, byte: u8, out: &mut String) {
        if byte == 0 {
            out.push_str("\\0");
        } else if self.unescaped_quote(char::from(byte)) {
            out.push(char::from(byte));
        } else {
            out.extend(byte.escape_ascii().map(char::from));
        }
    }

    fn char(self, ch: char, out: &mut String) {
        if self.unescaped_quote(ch) {
            out.push(ch);
        } else {
            out.extend(ch.escape_debug());
        }
    }

    /// Whether `ch` is the quote this kind of literal does not escape.
    fn unescaped_quote(self, ch: char) -> bool {
        (ch == '\'' && !self.single_quote) || (ch == '"' && !self.double_quote)
    }
}
