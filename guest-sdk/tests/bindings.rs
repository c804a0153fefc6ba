//! `src/bindings/generated.rs` is what wit-bindgen generates from `wit/`.
//!
//! The SDK checks its bindings in rather than expanding `wit_bindgen::generate!`
//! in every build: the macro needs `syn` and `proc-macro2`, and a port builds
//! the SDK with procbox's own `proc-macro2`, which depends on the SDK, so
//! nothing the SDK depends on may use `proc-macro2`. After changing the WIT,
//! regenerate with `PROCBOX_BLESS=1 cargo test -p procbox --test bindings`.

use std::path::Path;

use wit_bindgen_core::WorldGenerator;
use wit_bindgen_core::wit_parser::Resolve;

#[test]
fn generated_bindings_are_up_to_date() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut resolve = Resolve::default();
    let (package, _) = resolve.push_path(root.join("../wit")).expect("wit/ parses");
    let world = resolve
        .select_world(&[package], Some("proc-macro"))
        .expect("wit/ has the proc-macro world");
    let opts = wit_bindgen_rust::Opts {
        format: true,
        // The exports are implemented once, in `crate::exports`, for every
        // macro crate that links this SDK.
        pub_export_macro: false,
        ..Default::default()
    };
    let mut files = Default::default();
    opts.build()
        .generate(&mut resolve, world, &mut files)
        .expect("wit-bindgen generates the bindings");
    let (_, generated) = files.iter().next().expect("one file");
    let generated = std::str::from_utf8(generated).expect("UTF-8");

    let file = root.join("src/bindings/generated.rs");
    if std::env::var_os("PROCBOX_BLESS").is_some() {
        std::fs::write(&file, generated).expect("writes the bindings");
        return;
    }
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        checked_in == generated,
        "{} is not what wit-bindgen generates from wit/: regenerate it with \
         `PROCBOX_BLESS=1 cargo test -p procbox --test bindings`",
        file.display()
    );
}
