//! [`Literal`]: a number, character, string or byte string literal.
//!
//! A literal is its text, made as rustc's `proc_macro` makes it (numbers with
//! `to_string`, quoted literals with [`escape`](crate::escape)'s rules), and a
//! span.

use std::fmt;
use std::str::FromStr;

use crate::escape::Escape;
use crate::{LexError, Literal, Span, literal_parts};

macro_rules! number_constructors {
    ($($suffixed:ident $unsuffixed:ident: $ty:ident,)*) => {
        $(
            #[doc = concat!("A suffixed `", stringify!($ty), "` literal, e.g. `1", stringify!($ty), "`.")]
            pub fn $suffixed(n: $ty) -> Literal {
                Literal::new(format!(concat!("{}", stringify!($ty)), n))
            }

            #[doc = concat!("An unsuffixed integer literal from a `", stringify!($ty), "`, e.g. `1`.")]
            pub fn $unsuffixed(n: $ty) -> Literal {
                Literal::new(n.to_string())
            }
        )*
    };
}

impl Literal {
    fn new(repr: String) -> Literal {
        Literal {
            repr: repr.into_boxed_str(),
            span: Span::call_site(),
        }
    }

    /// A literal whose text is already known to be one.
    pub(crate) fn from_repr(repr: &str) -> Literal {
        Literal::new(repr.to_owned())
    }

    number_constructors! {
        u8_suffixed u8_unsuffixed: u8,
        u16_suffixed u16_unsuffixed: u16,
        u32_suffixed u32_unsuffixed: u32,
        u64_suffixed u64_unsuffixed: u64,
        u128_suffixed u128_unsuffixed: u128,
        usize_suffixed usize_unsuffixed: usize,
        i8_suffixed i8_unsuffixed: i8,
        i16_suffixed i16_unsuffixed: i16,
        i32_suffixed i32_unsuffixed: i32,
        i64_suffixed i64_unsuffixed: i64,
        i128_suffixed i128_unsuffixed: i128,
        isize_suffixed isize_unsuffixed: isize,
    }

    /// An unsuffixed floating-point literal, e.g. `1.5`; `1.0` prints as
    /// `1.0`, not `1`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f32_unsuffixed(n: f32) -> Literal {
        assert_finite(n.into());
        Literal::new(with_point(n.to_string()))
    }

    /// A suffixed floating-point literal, e.g. `1.5f32` (and `1f32` for `1.0`).
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f32_suffixed(n: f32) -> Literal {
        assert_finite(n.into());
        Literal::new(format!("{n}f32"))
    }

    /// An unsuffixed floating-point literal, e.g. `1.5`; `1.0` prints as
    /// `1.0`, not `1`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f64_unsuffixed(n: f64) -> Literal {
        assert_finite(n);
        Literal::new(with_point(n.to_string()))
    }

    /// A suffixed floating-point literal, e.g. `1.5f64` (and `1f64` for `1.0`).
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f64_suffixed(n: f64) -> Literal {
        assert_finite(n);
        Literal::new(format!("{n}f64"))
    }

    /// A string literal, escaped as rustc would.
    pub fn string(string: &str) -> Literal {
        Literal::new(Escape::STRING.quote("\"", string.as_bytes(), '"'))
    }

    /// A character literal.
    pub fn character(ch: char) -> Literal {
        let mut utf8 = [0; 4];
        Literal::new(Escape::CHARACTER.quote("'", ch.encode_utf8(&mut utf8).as_bytes(), '\''))
    }

    /// A byte character literal, e.g. `b'a'`.
    pub fn byte_character(byte: u8) -> Literal {
        Literal::new(Escape::BYTE.quote("b'", &[byte], '\''))
    }

    /// A byte string literal, e.g. `b"bytes"`.
    pub fn byte_string(bytes: &[u8]) -> Literal {
        Literal::new(Escape::BYTE_STRING.quote("b\"", bytes, '"'))
    }

    /// A C string literal, e.g. `c"text"`.
    pub fn c_string(string: &std::ffi::CStr) -> Literal {
        Literal::new(Escape::STRING.quote("c\"", string.to_bytes(), '"'))
    }

    /// The span of this literal.
    pub fn span(&self) -> Span {
        self.span
    }

    /// Configures the span of this literal.
    pub fn set_span(&mut self, span: Span) {
        self.span = span;
    }
}

/// Panics as `proc_macro`'s float constructors do if `n` is infinite or NaN.
fn assert_finite(n: f64) {
    if !n.is_finite() {
        panic!("Invalid float literal {n}");
    }
}

/// A float's text with a decimal point, as an unsuffixed float literal needs
/// (`1` would be an integer).
fn with_point(mut text: String) -> String {
    if !text.contains('.') {
        text.push_str(".0");
    }
    text
}

impl FromStr for Literal {
    type Err = LexError;

    /// Parses one literal, optionally preceded by `-` for numbers, e.g. `"-1.5"`.
    fn from_str(src: &str) -> Result<Literal, LexError> {
        crate::lex::literal(src)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

impl fmt::Debug for Literal {
    /// As `proc_macro` shows a literal: its kind, its symbol (the text
    /// inside the quotes, or the number) and its suffix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts = literal_parts::split(&self.repr);
        f.debug_struct("Literal")
            // On one line even with `{:#?}`, as `proc_macro` prints them.
            .field("kind", &format_args!("{:?}", parts.kind))
            .field("symbol", &parts.symbol)
            .field("suffix", &format_args!("{:?}", parts.suffix))
            .field("span", &self.span)
            .finish()
    }
}
