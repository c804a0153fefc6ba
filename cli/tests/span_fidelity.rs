//! A ported macro's spans behave as the native macro's, judged by rustc's own
//! errors: `proc_macro2`'s `join`, `resolved_at`, `located_at`, `mixed_site`
//! and `call_site` each decide where an error points or whether a name
//! resolves, and a group an attribute re-emits keeps its delimiters' spans
//! for the derive that sees it next. The macros below (a small crate written
//! for this test, built on crates.io's `syn`, `quote` and `proc-macro2`) are
//! ported by `procbox port --path`, with no edit, and stood in for by a
//! shim, served and embedded; `cargo check` of the same program with the
//! native crate and with each shim must print the same errors.
//!
//! Each case fails when the guest's `proc_macro2` answers as crates.io's does
//! outside the compiler (what a port used before procbox had its own): `join`
//! would be `Some` (the error at `a`, not `b`), `resolved_at` and
//! `located_at` would drop hygiene (no "this error originates in the macro" note, and
//! the caller's `x` would resolve), and `mixed_site` would be the call site
//! (`hidden` would resolve). The re-emitted group fails when the shim
//! rebuilds it (`proc_macro` sets a rebuilt group's delimiters' spans to the
//! whole group's, so the derive's error would cover the body, not `{`).

use std::path::{Path, PathBuf};
use std::process::Command;

use procbox_tests::{procbox_ld, run_ok as run, workspace_root, write_file as write};

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("span-fidelity")
}

/// `command` with the environment of a build outside the test's own, the
/// test's procbox and a target directory shared by the native and served
/// programs.
fn outside(mut command: Command, dir: &Path) -> Command {
    procbox_tests::outside_build(&mut command)
        .current_dir(dir)
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"))
        .env("PROCBOX_EXPANSIONS", "off")
        .env("CARGO_TARGET_DIR", work_dir().join("target"));
    command
}

fn cargo(dir: &Path) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    outside(Command::new(cargo), dir)
}

/// `cargo` for the program with the embedded shim.
fn cargo_embedded(dir: &Path) -> Command {
    let mut command = cargo(dir);
    procbox_tests::embedded_build(&mut command);
    command
}

const MACRO: &str = r#"use proc_macro::TokenStream;
use proc_macro2::{Ident, Span, TokenTree};
use quote::{quote, quote_spanned};

/// `check!(a b c)`: one case per span the macro makes.
#[proc_macro]
pub fn check(input: TokenStream) -> TokenStream {
    let spans: Vec<Span> = proc_macro2::TokenStream::from(input)
        .into_iter()
        .map(|tree: TokenTree| tree.span())
        .collect();
    let (a, b) = (spans[0], spans[1]);
    let c = spans[2];
    // `None` inside rustc on stable: the error is at `b`.
    let joined = a.join(c).unwrap_or(b);
    let join = quote_spanned!(joined=> compile_error!("joined"););
    // `a`'s place with the call site's context.
    let resolved = Ident::new("not_defined", a.resolved_at(Span::call_site()));
    // Mixed-site hygiene at `b`: the caller's `x` is not in scope.
    let located = Ident::new("x", Span::mixed_site().located_at(b));
    // A local the caller's `hidden` cannot see.
    let hidden = Ident::new("hidden", Span::mixed_site());
    // Call-site hygiene: the caller's `y` is in scope.
    let visible = Ident::new("y", Span::call_site());
    quote! {
        {
            #join
            let #hidden = 1u32;
            #resolved + #located + hidden + #visible
        }
    }
    .into()
}

/// `#[reemit]`: the item, unchanged, as pin-project's attribute passes on
/// the item its derive then sees.
#[proc_macro_attribute]
pub fn reemit(_args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    quote!(#item).into()
}

/// `#[derive(Open)]`: an error at the opening brace of the item's body (a
/// name that does not resolve: a `compile_error!` here would end the build
/// before the other cases' errors).
#[proc_macro_derive(Open)]
pub fn open(item: TokenStream) -> TokenStream {
    let brace = proc_macro2::TokenStream::from(item)
        .into_iter()
        .find_map(|tree| match tree {
            TokenTree::Group(group) => Some(group.span_open()),
            _ => None,
        })
        .unwrap_or_else(Span::call_site);
    quote_spanned!(brace=> const _: u32 = no_such_brace;).into()
}
"#;

const PROGRAM: &str = r#"fn main() {
    let x = 1u32;
    let y = 2u32;
    let _sum: u32 = span_fidelity::check!(a b c);
    let _ = x;
}

#[span_fidelity::reemit]
#[derive(span_fidelity::Open)]
struct Opened {
    field: u32,
}
"#;

/// A program using `check!` from the crate at `macro_dir`.
fn program(dir: &Path, macro_dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    write(
        &dir.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nspan-fidelity = {{ path = {:?} }}\n\n[workspace]\n",
            macro_dir.display().to_string()
        ),
    );
    write(&dir.join("src").join("main.rs"), PROGRAM);
}

/// rustc's errors on the program in `dir`, checked by `cargo`, with `dir`
/// written `$DIR`.
fn errors(cargo: fn(&Path) -> Command, dir: &Path) -> String {
    let output = cargo(dir)
        .args(["check", "--quiet"])
        .output()
        .expect("runs cargo");
    assert!(!output.status.success(), "the program compiles");
    String::from_utf8_lossy(&output.stderr).replace(&dir.display().to_string(), "$DIR")
}

#[test]
fn a_ported_macro_s_spans_make_rustc_say_what_it_says_natively() {
    let root = work_dir();
    let macro_dir = root.join("macro");
    let _ = std::fs::remove_dir_all(&macro_dir);
    write(
        &macro_dir.join("Cargo.toml"),
        "[package]\nname = \"span-fidelity\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
         publish = false\n\n[lib]\nproc-macro = true\n\n[dependencies]\n\
         proc-macro2 = \"1\"\nquote = \"1\"\nsyn = \"2\"\n\n[workspace]\n",
    );
    write(&macro_dir.join("src").join("lib.rs"), MACRO);

    let port = root.join("port");
    let _ = std::fs::remove_dir_all(&port);
    run(
        outside(Command::new(env!("CARGO_BIN_EXE_procbox")), &root)
            .args(["port", "--path"])
            .arg(&macro_dir)
            .arg("--out")
            .arg(&port)
            .arg("--target-dir")
            .arg(root.join("port-target"))
            .arg("--linker")
            .arg(procbox_ld()),
        "procbox port --path",
    );
    let shim = |name: &str, options: &[&str]| {
        let out = root.join(name);
        let _ = std::fs::remove_dir_all(&out);
        run(
            outside(Command::new(env!("CARGO_BIN_EXE_procbox")), &root)
                .arg("shim")
                .arg(port.join("span_fidelity.wasm"))
                .arg("--out")
                .arg(&out)
                .args(["--name", "span-fidelity"])
                .args(options)
                .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir()),
            "procbox shim",
        );
        out
    };

    let native = root.join("native");
    program(&native, &macro_dir);
    let expected = errors(cargo, &native);
    // Each case reached rustc natively.
    for case in [
        "joined",
        "not_defined",
        "cannot find value `x`",
        "cannot find value `hidden`",
        "not accessible due to macro hygiene",
        "cannot find value `no_such_brace`",
    ] {
        assert!(expected.contains(case), "{case}: {expected}");
    }

    let served = root.join("served");
    program(&served, &shim("shim", &[]));
    assert_eq!(errors(cargo, &served), expected, "served");
    let embedded = root.join("embedded");
    program(&embedded, &shim("shim-embedded", &["--embedded"]));
    assert_eq!(errors(cargo_embedded, &embedded), expected, "embedded");
}
