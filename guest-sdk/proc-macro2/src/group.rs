//! [`Group`]: a delimited token stream.

use std::fmt;

use crate::backend::imp::{self, Delimiter};
use crate::extra::DelimSpan;
use crate::{Group, Span, TokenStream};

impl Group {
    /// A new group with the call site's span.
    pub fn new(delimiter: Delimiter, stream: TokenStream) -> Group {
        Group {
            inner: imp::Group::new(delimiter, stream.into()),
        }
    }

    /// The delimiter.
    pub fn delimiter(&self) -> Delimiter {
        self.inner.delimiter()
    }

    /// The tokens inside the delimiters (a cheap clone).
    pub fn stream(&self) -> TokenStream {
        self.inner.stream().into()
    }

    /// The span of the whole group, delimiters included.
    pub fn span(&self) -> Span {
        self.inner.span().into()
    }

    /// The span of the opening delimiter.
    pub fn span_open(&self) -> Span {
        self.inner.span_open().into()
    }

    /// The span of the closing delimiter.
    pub fn span_close(&self) -> Span {
        self.inner.span_close().into()
    }

    /// The three spans of the group, as `syn` keeps them.
    pub fn delim_span(&self) -> DelimSpan {
        DelimSpan::new(&self.inner)
    }

    /// Sets the group's span (its delimiters' too).
    pub fn set_span(&mut self, span: Span) {
        self.inner.set_span(span.into());
    }
}

impl From<imp::Group> for Group {
    fn from(inner: imp::Group) -> Group {
        Group { inner }
    }
}

impl fmt::Display for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for Group {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}
