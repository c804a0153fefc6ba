//! [`Diagnostic`]: what a macro reports about the user's code.

use proc_macro2::{Span, TokenStream, TokenTree};
pub use procbox_protocol::Level;

/// Where a diagnostic came from.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Origin {
    /// `procbox::Diagnostic::emit` in the macro: it is not in the output
    /// tokens, so the build tool must report it.
    Emitted,
    /// A `compile_error!` in the output tokens (as `syn::Error` produces):
    /// rustc reports it when it compiles the output.
    CompileError,
}

/// A message about the user's code, with the spans it points at.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// How serious it is.
    pub level: Level,
    /// The message.
    pub message: String,
    /// Where it applies: for a `compile_error!`, the start and end of the
    /// offending tokens; empty means the call site.
    pub spans: Vec<Span>,
    /// Where it came from.
    pub origin: Origin,
}

impl Diagnostic {
    /// The span the message is primarily about (the call site if none).
    pub fn span(&self) -> Span {
        self.spans.first().copied().unwrap_or_else(Span::call_site)
    }
}

/// Finds the `compile_error!("..")` invocations in `tokens`, at any depth.
pub(crate) fn compile_errors(tokens: &TokenStream, out: &mut Vec<Diagnostic>) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (at, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(group) = tree {
            compile_errors(&group.stream(), out);
        }
        let [
            TokenTree::Ident(name),
            TokenTree::Punct(bang),
            TokenTree::Group(args),
        ] = trees.get(at..at + 3).unwrap_or_default()
        else {
            continue;
        };
        if name != "compile_error" || bang.as_char() != '!' {
            continue;
        }
        let Ok(message) = syn::parse2::<syn::LitStr>(args.stream()) else {
            continue;
        };
        // syn puts the start of the offending tokens on the path and the end
        // on the group; a leading `::core::` has the start span too.
        let start = path_start(&trees, at).unwrap_or_else(|| name.span());
        out.push(Diagnostic {
            level: Level::Error,
            message: message.value(),
            spans: vec![start, args.span()],
            origin: Origin::CompileError,
        });
    }
}

/// The span of the first token of a `::core::compile_error` path ending at `at`.
fn path_start(trees: &[TokenTree], at: usize) -> Option<Span> {
    let mut first = at;
    while first >= 2 {
        match (&trees[first - 2], &trees[first - 1]) {
            (TokenTree::Punct(a), TokenTree::Punct(b))
                if a.as_char() == ':' && b.as_char() == ':' =>
            {
                first -= 2;
                if first >= 1 && matches!(&trees[first - 1], TokenTree::Ident(_)) {
                    first -= 1;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    (first != at).then(|| trees[first].span())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(src: &str) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        compile_errors(&src.parse().expect("lexes"), &mut out);
        out.into_iter()
            .map(|d| {
                let at = d.span().start();
                (d.message, at.line, at.column)
            })
            .collect()
    }

    #[test]
    fn finds_compile_errors_at_any_depth() {
        let src =
            "::core::compile_error! { \"top\" }\nfn f() { compile_error!(\"nested \\\"q\\\"\"); }";
        assert_eq!(
            errors(src),
            [("top".to_owned(), 1, 0), ("nested \"q\"".to_owned(), 2, 9)]
        );
    }

    #[test]
    fn ignores_lookalikes() {
        assert!(errors("compile_error!(not_a_string) compile_error = 1; other!(\"x\")").is_empty());
    }
}
