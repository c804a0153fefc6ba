//! Source text to token trees (`TokenStream::from_str`, `Literal::from_str`),
//! with rustc's own lexer (`ra_ap_rustc_lexer`, as rust-analyzer publishes
//! it). As in `proc_macro`, every token gets the call-site span.
//!
//! What it makes of the text is what `proc_macro2` makes of it outside the
//! compiler, so a macro's output does not change with the SDK's mode: a
//! `Punct` is `Joint` when the next character is punctuation (not the start
//! of a comment), a lifetime is a joint `'` and an identifier, and a doc
//! comment is the attribute `#[doc = "…"]` (`#![doc = "…"]` for an inner
//! one).

use ra_ap_rustc_lexer::{self as lexer, DocStyle, FrontmatterAllowed, LiteralKind, TokenKind};

use crate::{
    Delimiter, Group, Ident, LexError, Literal, Punct, Spacing, Span, TokenStream, TokenTree,
};

/// The characters that make the `Punct` before them `Joint`.
const PUNCT_CHARS: &str = "~!@#$%^&*-=+|;:,<.>/?'";

/// Lexes `src` into token trees.
pub(crate) fn lex(src: &str) -> Result<Vec<TokenTree>, LexError> {
    let mut open: Vec<(Delimiter, Vec<TokenTree>)> = Vec::new();
    let mut trees = Vec::new();
    let mut at = 0;
    for token in lexer::tokenize(src, FrontmatterAllowed::No) {
        let text = &src[at..at + token.len as usize];
        at += token.len as usize;
        let rest = &src[at..];
        match token.kind {
            TokenKind::Whitespace
            | TokenKind::LineComment { doc_style: None }
            | TokenKind::BlockComment {
                doc_style: None,
                terminated: true,
            } => {}
            TokenKind::LineComment {
                doc_style: Some(style),
            } => doc_comment(&text[3..], style, &mut trees)?,
            TokenKind::BlockComment {
                doc_style: Some(style),
                terminated: true,
            } => doc_comment(&text[3..text.len() - 2], style, &mut trees)?,
            TokenKind::Ident => trees.push(ident(text, false)?),
            TokenKind::RawIdent => trees.push(ident(&text[2..], true)?),
            TokenKind::Lifetime {
                starts_with_number: false,
            } => {
                trees.push(punct('\'', Spacing::Joint));
                trees.push(ident(&text[1..], false)?);
            }
            TokenKind::RawLifetime => {
                trees.push(punct('\'', Spacing::Joint));
                trees.push(ident(&text[3..], true)?);
            }
            TokenKind::Literal { kind, .. } => {
                check_literal(kind, text)?;
                trees.push(TokenTree::Literal(Literal::from_repr(text)));
            }
            TokenKind::OpenParen => open.push((Delimiter::Parenthesis, std::mem::take(&mut trees))),
            TokenKind::OpenBrace => open.push((Delimiter::Brace, std::mem::take(&mut trees))),
            TokenKind::OpenBracket => open.push((Delimiter::Bracket, std::mem::take(&mut trees))),
            TokenKind::CloseParen => close(Delimiter::Parenthesis, &mut open, &mut trees)?,
            TokenKind::CloseBrace => close(Delimiter::Brace, &mut open, &mut trees)?,
            TokenKind::CloseBracket => close(Delimiter::Bracket, &mut open, &mut trees)?,
            // `#"` is reserved in edition 2024 only; before it, and as
            // `proc_macro2` lexes it, it is a `#` like any other.
            TokenKind::GuardedStrPrefix if text.chars().all(|c| c == '#') => {
                for (i, _) in text.char_indices() {
                    let joined = i + 1 < text.len() || joins(rest);
                    trees.push(punct('#', spacing(joined)));
                }
            }
            TokenKind::Semi
            | TokenKind::Comma
            | TokenKind::Dot
            | TokenKind::At
            | TokenKind::Pound
            | TokenKind::Tilde
            | TokenKind::Question
            | TokenKind::Colon
            | TokenKind::Dollar
            | TokenKind::Eq
            | TokenKind::Bang
            | TokenKind::Lt
            | TokenKind::Gt
            | TokenKind::Minus
            | TokenKind::And
            | TokenKind::Or
            | TokenKind::Plus
            | TokenKind::Star
            | TokenKind::Slash
            | TokenKind::Caret
            | TokenKind::Percent => {
                let ch = text.chars().next().ok_or_else(|| error("an empty token"))?;
                trees.push(punct(ch, spacing(joins(rest))));
            }
            TokenKind::BlockComment {
                terminated: false, ..
            } => return Err(error("an unterminated block comment")),
            TokenKind::Lifetime {
                starts_with_number: true,
            }
            | TokenKind::InvalidIdent
            | TokenKind::UnknownPrefix
            | TokenKind::UnknownPrefixLifetime
            | TokenKind::ForcedKeywordIdent
            | TokenKind::GuardedStrPrefix
            | TokenKind::Frontmatter { .. }
            | TokenKind::Unknown
            | TokenKind::Eof => return Err(error(&format!("`{text}`, which is not a Rust token"))),
        }
    }
    if let Some((delimiter, _)) = open.last() {
        return Err(error(&format!("an unclosed {}", opening(*delimiter))));
    }
    Ok(trees)
}

/// Lexes one literal, optionally a negative number (`-1.5`).
pub(crate) fn literal(src: &str) -> Result<Literal, LexError> {
    let digits = src.strip_prefix('-').unwrap_or(src);
    let mut tokens = lexer::tokenize(digits, FrontmatterAllowed::No);
    let (Some(token), None) = (tokens.next(), tokens.next()) else {
        return Err(error(&format!("`{src}`, which is not one literal")));
    };
    let TokenKind::Literal { kind, .. } = token.kind else {
        return Err(error(&format!("`{src}`, which is not a literal")));
    };
    if digits.len() != src.len()
        && !matches!(kind, LiteralKind::Int { .. } | LiteralKind::Float { .. })
    {
        return Err(error(&format!("`{src}`: only a number can be negative")));
    }
    check_literal(kind, digits)?;
    Ok(Literal::from_repr(src))
}

/// Refuses a literal rustc's lexer marked as malformed.
fn check_literal(kind: LiteralKind, text: &str) -> Result<(), LexError> {
    let well_formed = match kind {
        LiteralKind::Int { empty_int, .. } => !empty_int,
        LiteralKind::Float { empty_exponent, .. } => !empty_exponent,
        LiteralKind::Char { terminated }
        | LiteralKind::Byte { terminated }
        | LiteralKind::Str { terminated }
        | LiteralKind::ByteStr { terminated }
        | LiteralKind::CStr { terminated } => terminated,
        LiteralKind::RawStr { n_hashes }
        | LiteralKind::RawByteStr { n_hashes }
        | LiteralKind::RawCStr { n_hashes } => n_hashes.is_some(),
    };
    match well_formed {
        true => Ok(()),
        false => Err(error(&format!("the malformed literal `{text}`"))),
    }
}

/// Ends the innermost group, which `delimiter` must close.
fn close(
    delimiter: Delimiter,
    open: &mut Vec<(Delimiter, Vec<TokenTree>)>,
    trees: &mut Vec<TokenTree>,
) -> Result<(), LexError> {
    match open.pop() {
        Some((opened, outer)) if opened == delimiter => {
            let inner = std::mem::replace(trees, outer);
            let group = Group::new(delimiter, TokenStream::from_trees(inner));
            trees.push(TokenTree::Group(group));
            Ok(())
        }
        Some((opened, _)) => Err(error(&format!(
            "a {} closed by a {}",
            opening(opened),
            closing(delimiter)
        ))),
        None => Err(error(&format!("an unopened {}", closing(delimiter)))),
    }
}

/// `#[doc = "…"]`, or `#![doc = "…"]` for an inner doc comment.
fn doc_comment(comment: &str, style: DocStyle, trees: &mut Vec<TokenTree>) -> Result<(), LexError> {
    // rustc refuses a carriage return that does not end a line in a doc comment.
    if comment.split("\r\n").any(|part| part.contains('\r')) {
        return Err(error("a bare carriage return in a doc comment"));
    }
    trees.push(punct('#', Spacing::Alone));
    if matches!(style, DocStyle::Inner) {
        trees.push(punct('!', Spacing::Alone));
    }
    let attribute = vec![
        TokenTree::Ident(Ident::new("doc", Span::call_site())),
        punct('=', Spacing::Alone),
        TokenTree::Literal(Literal::string(comment)),
    ];
    let group = Group::new(Delimiter::Bracket, TokenStream::from_trees(attribute));
    trees.push(TokenTree::Group(group));
    Ok(())
}

fn ident(name: &str, is_raw: bool) -> Result<TokenTree, LexError> {
    if is_raw && matches!(name, "_" | "super" | "self" | "Self" | "crate") {
        return Err(error(&format!(
            "`r#{name}`: `{name}` cannot be a raw identifier"
        )));
    }
    Ok(TokenTree::Ident(Ident {
        name: name.into(),
        is_raw,
        span: Span::call_site(),
    }))
}

fn punct(ch: char, spacing: Spacing) -> TokenTree {
    TokenTree::Punct(Punct {
        ch,
        spacing,
        span: Span::call_site(),
    })
}

fn spacing(joined: bool) -> Spacing {
    match joined {
        true => Spacing::Joint,
        false => Spacing::Alone,
    }
}

/// Whether text that starts with `rest` makes the `Punct` before it `Joint`.
fn joins(rest: &str) -> bool {
    !rest.starts_with("//")
        && !rest.starts_with("/*")
        && rest.chars().next().is_some_and(|c| PUNCT_CHARS.contains(c))
}

fn opening(delimiter: Delimiter) -> &'static str {
    match delimiter {
        Delimiter::Parenthesis => "`(`",
        Delimiter::Brace => "`{`",
        Delimiter::Bracket => "`[`",
        Delimiter::None => "invisible group",
    }
}

fn closing(delimiter: Delimiter) -> &'static str {
    match delimiter {
        Delimiter::Parenthesis => "`)`",
        Delimiter::Brace => "`}`",
        Delimiter::Bracket => "`]`",
        Delimiter::None => "invisible group",
    }
}

fn error(what: &str) -> LexError {
    LexError::new(format!("the text has {what}"))
}
