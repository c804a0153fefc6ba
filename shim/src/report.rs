//! Turning what went wrong into something rustc reports at the right place.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

/// `::core::compile_error! { "message" }`, at `span`.
pub(crate) fn compile_error(message: &str, span: Span) -> TokenStream {
    let punct = |ch, spacing| {
        let mut punct = Punct::new(ch, spacing);
        punct.set_span(span);
        TokenTree::Punct(punct)
    };
    let mut text = Literal::string(message);
    text.set_span(span);
    let mut body = Group::new(Delimiter::Brace, TokenTree::Literal(text).into());
    body.set_span(span);
    [
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("core", span)),
        punct(':', Spacing::Joint),
        punct(':', Spacing::Alone),
        TokenTree::Ident(Ident::new("compile_error", span)),
        punct('!', Spacing::Alone),
        TokenTree::Group(body),
    ]
    .into_iter()
    .collect()
}

/// A warning or note a macro emitted: stable rustc has no API for them, so
/// they go to rustc's stderr, which cargo shows.
pub(crate) fn print(level: &str, message: &str, component: &str) {
    eprintln!("{level}: {message} (from {component}, run by procbox)");
}

/// Why an expansion gave no tokens.
pub(crate) enum Failed {
    /// procbox's or the sandbox's own failure: a `compile_error!` saying
    /// what to do.
    Report(String),
    /// The macro panicked, with this message.
    Panicked(String),
}

impl From<String> for Failed {
    fn from(message: String) -> Failed {
        Failed::Report(message)
    }
}

impl Failed {
    /// The macro ran past this shim's time limit (`message` says which and
    /// how long): how to change the limit.
    pub(crate) fn past_time_limit(message: &str) -> Failed {
        Failed::Report(format!(
            "{message} (this shim's limit: to change it, generate the shim again with \
             `procbox shim --timeout SECONDS`)"
        ))
    }

    /// What the entry point returns: the `compile_error!`, or, for the
    /// macro's panic, the panic resumed with its message, which rustc catches
    /// and reports as it reports a native macro's (`proc macro panicked`,
    /// `help: message: ...`). Resuming runs no panic hook: nothing else is
    /// printed.
    pub(crate) fn into_tokens(self) -> TokenStream {
        match self {
            Failed::Report(message) => {
                compile_error(&format!("procbox: {message}"), Span::call_site())
            }
            Failed::Panicked(message) => std::panic::resume_unwind(Box::new(message)),
        }
    }
}
