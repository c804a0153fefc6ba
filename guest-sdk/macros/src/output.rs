//! What the entry attributes expand to: the function as written and its
//! registration, or a `compile_error!`.

use std::str::FromStr;

use proc_macro::{Group, Ident, Span, TokenStream, TokenTree};

/// Which of `procbox::__private::Entry`'s variants an entry is.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Derive,
    Attribute,
    Function,
}

/// Where the entry goes in the registration template.
const ENTRY: &str = "__procbox_entry";

/// The function as written, plus its registration. The entry's type checks
/// the signature, so a wrong one is reported at the function's name; the rest
/// of the registration has the span of the item's first token.
pub(crate) fn register(
    item: TokenStream,
    name: &str,
    kind: Kind,
    helpers: &[String],
) -> TokenStream {
    let function = match crate::args::function_name(&item) {
        Ok(function) => function,
        Err((span, message)) => return compile_error(span, &message),
    };
    let item_span = item
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |first| first.span());
    let entry = respan(
        parse(&format!(
            "::procbox::__private::Entry::{kind:?}({function})"
        )),
        function.span(),
        None,
    );
    let helpers: Vec<String> = helpers.iter().map(|h| format!("{h:?}")).collect();
    let registration = parse(&format!(
        "::procbox::__private::inventory::submit! {{
            ::procbox::__private::MacroDef {{
                name: {name:?},
                helper_attributes: &[{}],
                entry: {ENTRY},
            }}
        }}",
        helpers.join(", ")
    ));
    let mut out = item;
    out.extend(respan(registration, item_span, Some(&entry)));
    out
}

/// `::core::compile_error!("message")` at `span`.
pub(crate) fn compile_error(span: Span, message: &str) -> TokenStream {
    respan(
        parse(&format!("::core::compile_error!({message:?});")),
        span,
        None,
    )
}

/// Text this crate wrote, as tokens.
fn parse(source: &str) -> TokenStream {
    // The text is this crate's own, made of identifiers and quoted strings.
    TokenStream::from_str(source).expect("procbox-macros writes valid tokens")
}

/// `stream` with every span set to `span`, and the identifier [`ENTRY`]
/// replaced by `entry`.
fn respan(stream: TokenStream, span: Span, entry: Option<&TokenStream>) -> TokenStream {
    let mut out = TokenStream::new();
    for mut tree in stream {
        match &mut tree {
            TokenTree::Ident(ident) if entry.is_some() && is_entry(ident) => {
                out.extend(entry.cloned());
                continue;
            }
            TokenTree::Group(group) => {
                let mut respanned =
                    Group::new(group.delimiter(), respan(group.stream(), span, entry));
                respanned.set_span(span);
                *group = respanned;
            }
            _ => tree.set_span(span),
        }
        out.extend([tree]);
    }
    out
}

fn is_entry(ident: &Ident) -> bool {
    ident.to_string() == ENTRY
}
