//! Items `proc_macro2` has beyond `proc_macro`'s API.

use std::fmt;

use crate::Span;
use crate::backend::imp;

/// The spans of a group's delimiters and of the whole group, as in
/// `proc_macro2::extra::DelimSpan`.
#[derive(Copy, Clone)]
pub struct DelimSpan {
    join: Span,
    open: Span,
    close: Span,
}

impl DelimSpan {
    pub(crate) fn new(group: &imp::Group) -> DelimSpan {
        DelimSpan {
            join: group.span().into(),
            open: group.span_open().into(),
            close: group.span_close().into(),
        }
    }

    /// The span of the whole group.
    pub fn join(&self) -> Span {
        self.join
    }

    /// The span of the opening delimiter.
    pub fn open(&self) -> Span {
        self.open
    }

    /// The span of the closing delimiter.
    pub fn close(&self) -> Span {
        self.close
    }
}

impl fmt::Debug for DelimSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.join, f)
    }
}

/// Does nothing: `proc_macro2` uses it to free the locations of text it
/// lexed, and here lexed text has no location of its own (it is the call
/// site's).
pub fn invalidate_current_thread_spans() {}
