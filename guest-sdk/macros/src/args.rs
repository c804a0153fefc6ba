//! What the entry attributes read: `proc_macro_derive`'s arguments and the
//! name of the function they are on.

use proc_macro::{Delimiter, Ident, Span, TokenStream, TokenTree};

/// An error: where, and what to say.
pub(crate) type Error = (Span, String);

/// `Name` or `Name, attributes(a, b)`.
pub(crate) struct DeriveArgs {
    pub(crate) name: String,
    pub(crate) helpers: Vec<String>,
}

/// Reads `proc_macro_derive`'s arguments.
pub(crate) fn derive(args: TokenStream) -> Result<DeriveArgs, Error> {
    let mut tokens = args.into_iter().peekable();
    let name = match tokens.next() {
        Some(TokenTree::Ident(name)) => name.to_string(),
        Some(other) => return Err((other.span(), "expected identifier".to_owned())),
        None => {
            let message = "unexpected end of input, expected identifier";
            return Err((Span::call_site(), message.to_owned()));
        }
    };
    let mut helpers = Vec::new();
    if comma(tokens.next())? && tokens.peek().is_some() {
        let keyword = ident(tokens.next(), "expected `attributes(...)`")?;
        if keyword.to_string() != "attributes" {
            return Err((keyword.span(), "expected `attributes(...)`".to_owned()));
        }
        let list = match tokens.next() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => g,
            Some(other) => return Err((other.span(), "expected parentheses".to_owned())),
            None => return Err((keyword.span(), "expected parentheses".to_owned())),
        };
        let mut inner = list.stream().into_iter().peekable();
        while inner.peek().is_some() {
            helpers.push(ident(inner.next(), "expected identifier")?.to_string());
            comma(inner.next())?;
        }
        comma(tokens.next())?;
    }
    match tokens.next() {
        Some(extra) => Err((extra.span(), "unexpected token".to_owned())),
        None => Ok(DeriveArgs { name, helpers }),
    }
}

/// The name of the function `item` declares: the identifier after its
/// first top-level `fn`.
pub(crate) fn function_name(item: &TokenStream) -> Result<Ident, Error> {
    let mut tokens = item.clone().into_iter();
    while let Some(token) = tokens.next() {
        if let TokenTree::Ident(keyword) = &token
            && keyword.to_string() == "fn"
        {
            return ident(tokens.next(), "expected the function's name");
        }
    }
    let span = item
        .clone()
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |first| first.span());
    Err((
        span,
        "expected a function: procbox's entry attributes go on a `fn`".to_owned(),
    ))
}

/// Whether `token` is a comma; `Ok(false)` at the end, an error otherwise.
fn comma(token: Option<TokenTree>) -> Result<bool, Error> {
    match token {
        Some(TokenTree::Punct(p)) if p.as_char() == ',' => Ok(true),
        Some(other) => Err((other.span(), "expected `,`".to_owned())),
        None => Ok(false),
    }
}

fn ident(token: Option<TokenTree>, expected: &str) -> Result<Ident, Error> {
    match token {
        Some(TokenTree::Ident(ident)) => Ok(ident),
        Some(other) => Err((other.span(), expected.to_owned())),
        None => Err((
            Span::call_site(),
            format!("unexpected end of input, {expected}"),
        )),
    }
}
