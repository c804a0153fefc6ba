//! Errors a macro reports with `syn::Error` come back pointing at the exact
//! token of the user's source, as they do natively.

use json_derive::logic;
use procbox_host::{Level, Origin};
use procbox_tests::{component, tokens};

/// The 1-based line and 0-based column of the first occurrence of `needle`
/// in `src` (proc_macro2's `LineColumn` convention).
fn position(src: &str, needle: &str) -> (usize, usize) {
    let offset = src.find(needle).expect("needle in source");
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
    (line, column)
}

fn derive_error(src: &str) -> (procbox_host::Diagnostic, String) {
    let expansion = component("json_derive")
        .expand_derive("ToJson", &tokens(src))
        .expect("a syn error is an expansion, not a host error");
    assert!(expansion.has_errors());
    assert_eq!(
        expansion.diagnostics.len(),
        1,
        "{:?}",
        expansion.diagnostics
    );
    let diagnostic = expansion
        .diagnostics
        .into_iter()
        .next()
        .expect("one diagnostic");
    assert_eq!(diagnostic.level, Level::Error);
    assert_eq!(diagnostic.origin, Origin::CompileError);
    (diagnostic, expansion.tokens.to_string())
}

#[test]
fn rename_with_a_number_points_at_the_number() {
    let src = "#[derive(ToJson)]\nstruct Config {\n    name: String,\n    #[json(rename = 5)]\n    port: u16,\n}";
    let (diagnostic, output) = derive_error(src);
    assert_eq!(
        diagnostic.message,
        "`rename` expects a string literal, e.g. rename = \"name\""
    );
    let start = diagnostic.span().start();
    assert_eq!((start.line, start.column), position(src, "5)]"));
    assert_eq!((start.line, start.column), (4, 20));
    // The same error, at the same place, as the logic gives natively.
    let native = logic::to_json(&syn::parse_str(src).expect("parses")).expect_err("native fails");
    let native_start = native.span().start();
    assert_eq!(
        (native_start.line, native_start.column),
        (start.line, start.column)
    );
    assert_eq!(output, native.into_compile_error().to_string());
}

#[test]
fn unknown_option_points_at_the_option() {
    let src = "enum E {\n    A,\n    #[json(rename = \"b\", colour)]\n    B,\n}";
    let (diagnostic, _) = derive_error(src);
    assert!(
        diagnostic.message.starts_with("unknown json option"),
        "{}",
        diagnostic.message
    );
    let start = diagnostic.span().start();
    assert_eq!((start.line, start.column), position(src, "colour"));
}

#[test]
fn union_points_at_the_union_keyword() {
    let src = "  union U { a: u8 }";
    let (diagnostic, _) = derive_error(src);
    assert_eq!(diagnostic.message, "ToJson cannot be derived for a union");
    let start = diagnostic.span().start();
    assert_eq!((start.line, start.column), (1, 2));
}

#[test]
fn parse_errors_from_parse_macro_input_point_at_the_token() {
    // Not an item at all: `parse_macro_input!` returns syn's parse error.
    let src = "struct S { a: u8,, }";
    let (diagnostic, _) = derive_error(src);
    let start = diagnostic.span().start();
    assert_eq!((start.line, start.column), position(src, ", }"));
}

#[test]
fn function_macro_error_spans_a_nested_token() {
    let src = "{\n  \"ok\": [1, 2],\n  \"bad\": [1, nope]\n}";
    let expansion = component("json_derive")
        .expand_function("json_literal", &tokens(src))
        .expect("expands");
    let [diagnostic] = expansion.diagnostics.as_slice() else {
        panic!("one diagnostic expected: {:?}", expansion.diagnostics);
    };
    assert_eq!(diagnostic.message, "expected a JSON value");
    let start = diagnostic.span().start();
    assert_eq!((start.line, start.column), position(src, "nope"));
}
