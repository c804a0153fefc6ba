//! A macro crate whose build script uses `proc-macro2` (to generate code
//! with `quote`) ports without an edit. procbox's own `proc-macro2` works
//! natively only inside a proc macro, and a port's `[patch.crates-io]`
//! would reach the build script too, which would then panic; so `procbox
//! port` finds the build script with `cargo metadata`, builds with
//! crates.io's `proc-macro2` instead, and says so.

use std::path::PathBuf;
use std::process::Command;

use procbox_tests::{outside_build, procbox_ld, run_ok, workspace_root, write_file as write};

const MANIFEST: &str = r#"[package]
name = "greeting"
version = "0.1.0"
edition = "2021"
publish = false

[lib]
proc-macro = true

[dependencies]
quote = "1"

[build-dependencies]
proc-macro2 = "1"
quote = "1"

[workspace]
"#;

const BUILD_SCRIPT: &str = r#"use std::path::PathBuf;

fn main() {
    let name = proc_macro2::Ident::new("GREETING", proc_macro2::Span::call_site());
    let code = quote::quote! { const #name: &str = "hello from a build script"; };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("greeting.rs"), code.to_string()).expect("writes OUT_DIR");
}
"#;

const LIB: &str = r#"use proc_macro::TokenStream;

include!(concat!(env!("OUT_DIR"), "/greeting.rs"));

/// `greeting!()`: the text the build script generated.
#[proc_macro]
pub fn greeting(_input: TokenStream) -> TokenStream {
    quote::quote!(#GREETING).into()
}
"#;

fn work_dir() -> PathBuf {
    workspace_root().join("target").join("port-build-script")
}

fn procbox() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_procbox"));
    outside_build(&mut command).current_dir(work_dir());
    command
}

#[test]
fn a_build_script_using_proc_macro2_gets_crates_io_s_and_a_warning() {
    let root = work_dir();
    let crate_dir = root.join("greeting");
    let _ = std::fs::remove_dir_all(&crate_dir);
    write(&crate_dir.join("Cargo.toml"), MANIFEST);
    write(&crate_dir.join("build.rs"), BUILD_SCRIPT);
    write(&crate_dir.join("src").join("lib.rs"), LIB);

    let port = root.join("port");
    let output = procbox()
        .args(["port", "--path"])
        .arg(&crate_dir)
        .arg("--out")
        .arg(&port)
        .arg("--target-dir")
        .arg(root.join("target"))
        .arg("--linker")
        .arg(procbox_ld())
        .output()
        .expect("runs procbox port");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "procbox port failed:\n{stderr}");
    assert!(
        stderr.contains(
            "warning: greeting 0.1.0 builds with crates.io's proc-macro2, not procbox's: the \
             build scripts of greeting use proc-macro2"
        ),
        "{stderr}"
    );
    let manifest = std::fs::read_to_string(port.join("source").join("Cargo.toml"))
        .expect("the port's manifest");
    assert!(!manifest.contains("[patch"), "{manifest}");
    assert!(
        manifest.contains(r#"features = ["allocator", "proc-macro2"]"#),
        "{manifest}"
    );

    let program = root.join("main.rs");
    write(&program, "const TEXT: &str = greeting!();\n");
    let expanded = run_ok(
        procbox()
            .args(["expand", "-m"])
            .arg(port.join("greeting.wasm"))
            .arg(&program),
        "procbox expand",
    );
    assert!(
        expanded.contains(r#"const TEXT: &str = "hello from a build script";"#),
        "{expanded}"
    );
}
