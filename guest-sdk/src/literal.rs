//! [`Literal`]: a number, character, string or byte string literal.
//!
//! The text of a literal is produced by proc_macro2's constructors, which
//! escape exactly as rustc's `proc_macro` does; procbox keeps that text and a
//! span.

use std::fmt;
use std::str::FromStr;

use crate::{LexError, Span};

/// A literal (`1u8`, `2.5`, `'a'`, `"text"`, `b"bytes"`, `c"c"`), as in
/// `proc_macro::Literal`.
#[derive(Clone)]
pub struct Literal {
    /// The literal as written in source, e.g. `"a\n"` or `-1i32`.
    pub(crate) repr: Box<str>,
    pub(crate) span: Span,
}

macro_rules! number_constructors {
    ($($suffixed:ident $unsuffixed:ident: $ty:ty,)*) => {
        $(
            #[doc = concat!("A suffixed `", stringify!($ty), "` literal, e.g. `1", stringify!($ty), "`.")]
            pub fn $suffixed(n: $ty) -> Literal {
                Literal::from_proc_macro2(proc_macro2::Literal::$suffixed(n))
            }

            #[doc = concat!("An unsuffixed integer literal from a `", stringify!($ty), "`, e.g. `1`.")]
            pub fn $unsuffixed(n: $ty) -> Literal {
                Literal::from_proc_macro2(proc_macro2::Literal::$unsuffixed(n))
            }
        )*
    };
}

impl Literal {
    fn from_proc_macro2(lit: proc_macro2::Literal) -> Literal {
        Literal {
            repr: lit.to_string().into_boxed_str(),
            span: Span::call_site(),
        }
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

    /// An unsuffixed floating-point literal, e.g. `1.5`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f32_unsuffixed(n: f32) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::f32_unsuffixed(n))
    }

    /// A suffixed floating-point literal, e.g. `1.5f32`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f32_suffixed(n: f32) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::f32_suffixed(n))
    }

    /// An unsuffixed floating-point literal, e.g. `1.5`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f64_unsuffixed(n: f64) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::f64_unsuffixed(n))
    }

    /// A suffixed floating-point literal, e.g. `1.5f64`.
    ///
    /// # Panics
    ///
    /// Panics if `n` is infinite or NaN.
    pub fn f64_suffixed(n: f64) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::f64_suffixed(n))
    }

    /// A string literal, escaped as rustc would.
    pub fn string(string: &str) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::string(string))
    }

    /// A character literal.
    pub fn character(ch: char) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::character(ch))
    }

    /// A byte character literal, e.g. `b'a'`.
    pub fn byte_character(byte: u8) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::byte_character(byte))
    }

    /// A byte string literal, e.g. `b"bytes"`.
    pub fn byte_string(bytes: &[u8]) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::byte_string(bytes))
    }

    /// A C string literal, e.g. `c"text"`.
    pub fn c_string(string: &std::ffi::CStr) -> Literal {
        Literal::from_proc_macro2(proc_macro2::Literal::c_string(string))
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

impl FromStr for Literal {
    type Err = LexError;

    /// Parses one literal, optionally preceded by `-` for numbers, e.g. `"-1.5"`.
    fn from_str(src: &str) -> Result<Literal, LexError> {
        proc_macro2::Literal::from_str(src)
            .map(Literal::from_proc_macro2)
            .map_err(LexError::from)
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repr)
    }
}

impl fmt::Debug for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Literal")
            .field("lit", &format_args!("{}", self.repr))
            .field("span", &self.span)
            .finish()
    }
}
