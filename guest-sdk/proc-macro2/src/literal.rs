//! [`Literal`]: a number, character, string or byte string literal.

use std::ffi::CStr;
use std::fmt;
use std::ops::RangeBounds;
use std::str::FromStr;

use crate::backend::imp;
use crate::{LexError, Literal, Span};

/// Constructors that pass their argument to the SDK's of the same name.
macro_rules! constructors {
    ($($name:ident: $ty:ty,)*) => {
        $(
            #[doc = concat!("As `proc_macro2::Literal::", stringify!($name), "`.")]
            pub fn $name(n: $ty) -> Literal {
                Literal { inner: imp::Literal::$name(n) }
            }
        )*
    };
}

impl Literal {
    constructors! {
        u8_suffixed: u8, u16_suffixed: u16, u32_suffixed: u32, u64_suffixed: u64,
        u128_suffixed: u128, usize_suffixed: usize,
        i8_suffixed: i8, i16_suffixed: i16, i32_suffixed: i32, i64_suffixed: i64,
        i128_suffixed: i128, isize_suffixed: isize,
        u8_unsuffixed: u8, u16_unsuffixed: u16, u32_unsuffixed: u32, u64_unsuffixed: u64,
        u128_unsuffixed: u128, usize_unsuffixed: usize,
        i8_unsuffixed: i8, i16_unsuffixed: i16, i32_unsuffixed: i32, i64_unsuffixed: i64,
        i128_unsuffixed: i128, isize_unsuffixed: isize,
        f32_suffixed: f32, f32_unsuffixed: f32, f64_suffixed: f64, f64_unsuffixed: f64,
        string: &str, character: char, byte_character: u8, byte_string: &[u8],
        c_string: &CStr,
    }

    /// The span of this literal.
    pub fn span(&self) -> Span {
        self.inner.span().into()
    }

    /// Sets the span of this literal.
    pub fn set_span(&mut self, span: Span) {
        self.inner.set_span(span.into());
    }

    /// Always `None`, as from `proc_macro2` inside rustc on stable (the
    /// compiler's `subspan` is unstable).
    pub fn subspan<R: RangeBounds<usize>>(&self, _range: R) -> Option<Span> {
        None
    }
}

impl From<imp::Literal> for Literal {
    fn from(inner: imp::Literal) -> Literal {
        Literal { inner }
    }
}

impl FromStr for Literal {
    type Err = LexError;

    /// Parses one literal, optionally a negative number (`-1.5`).
    fn from_str(repr: &str) -> Result<Literal, LexError> {
        Ok(Literal {
            inner: imp::Literal::from_str(repr)?,
        })
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
