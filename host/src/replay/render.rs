//! The input and output of an entry as source text for people:
//! pretty-printed when they parse as items, as tokens otherwise.

use procbox_protocol::tree::{Delimiter, Spacing, Token, TokenStream};

/// `stream` as source text.
pub(crate) fn render(stream: &TokenStream) -> String {
    let text = tokens_text(stream);
    let pretty = text
        .parse::<proc_macro2::TokenStream>()
        .ok()
        .and_then(|tokens| syn::parse2::<syn::File>(tokens).ok())
        .filter(|file| !file.items.is_empty())
        .map(|file| prettyplease::unparse(&file));
    pretty.unwrap_or(text)
}

/// The tokens, spaced as `proc_macro2` prints them.
pub(crate) fn tokens_text(stream: &TokenStream) -> String {
    let slice = |range| stream.text_of(range).unwrap_or_default();
    let mut out = String::new();
    // Where each open group closes: (token index after it, closing char).
    let mut open: Vec<(usize, &str)> = Vec::new();
    let mut joint = false;
    for (at, token) in stream.tokens.iter().enumerate() {
        while let Some(&(end, close)) = open.last() {
            if end > at {
                break;
            }
            out.push_str(close);
            open.pop();
        }
        if !out.is_empty() && !joint && !out.ends_with(['(', '[', '{']) {
            out.push(' ');
        }
        joint = false;
        match token {
            Token::Group(g) => {
                let (start, end) = match g.delimiter {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(start);
                open.push((at + 1 + g.len as usize, end));
            }
            Token::Ident(i) => {
                if i.is_raw {
                    out.push_str("r#");
                }
                out.push_str(slice(i.text));
            }
            Token::Punct(p) => {
                out.push(p.ch);
                joint = p.spacing == Spacing::Joint;
            }
            Token::Literal(l) => out.push_str(slice(l.text)),
        }
    }
    while let Some((_, close)) = open.pop() {
        out.push_str(close);
    }
    out
}
