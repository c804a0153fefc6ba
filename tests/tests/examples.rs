//! The capability examples: `enum-from-file` (fs-read + env) and
//! `field-index` (random-seed), expanded with and without their grants.

use procbox_host::{Capability, Error, Grants};
use procbox_tests::{component, tokens};

#[test]
fn enum_from_file_reads_the_consuming_crates_file() {
    let crate_dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        crate_dir.path().join("colors.txt"),
        "# primary\nRed\nGreen\n\nBlue\n",
    )
    .expect("write");
    let dir = crate_dir.path().canonicalize().expect("canonical");
    let grants = Grants::new()
        .fs_read(&dir)
        .env("CARGO_MANIFEST_DIR", dir.display().to_string());
    let enums = component("enum_from_file")
        .with_grants(&grants)
        .expect("grants");
    let out = enums
        .expand_function("enum_from_file", &tokens("pub enum Color = \"colors.txt\""))
        .expect("expands");
    let file: syn::File = syn::parse2(out.tokens).expect("items");
    let text = token_text(&file);
    assert!(
        text.contains("pub enum Color { Red , Green , Blue }"),
        "{text}"
    );
    assert!(text.contains("pub const ALL : [Color ; 3usize]"), "{text}");

    // A bad line is reported at the file name, with the line number.
    std::fs::write(dir.join("bad.txt"), "Red\nnot a name\n").expect("write");
    let src = "enum Bad =\n  \"bad.txt\"";
    let out = enums
        .expand_function("enum_from_file", &tokens(src))
        .expect("expands");
    let [diagnostic] = out.diagnostics.as_slice() else {
        panic!("{:?}", out.diagnostics)
    };
    assert!(
        diagnostic
            .message
            .ends_with("bad.txt:2: `not a name` is not a variant name"),
        "{}",
        diagnostic.message
    );
    let at = diagnostic.span().start();
    assert_eq!((at.line, at.column), (2, 2));
}

/// Token text of the items (no pretty-printer needed for the checks).
fn token_text(file: &syn::File) -> String {
    quote::ToTokens::to_token_stream(file).to_string()
}

#[test]
fn enum_from_file_needs_its_grants() {
    let err = component("enum_from_file")
        .expand_function("enum_from_file", &tokens("enum C = \"c.txt\""))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotGranted {
                capability: Capability::FsRead,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn field_index_is_reproducible_with_the_default_seed() {
    let src = "struct Point { #[index(alias = \"horizontal\")] x: f64, #[index(alias = \"vertical\")] y: f64, z: f64 }";
    let seeded = component("field_index")
        .with_grants(&Grants::new().random_seed())
        .expect("grants");
    let first = seeded
        .expand_derive("FieldIndex", &tokens(src))
        .expect("expands")
        .tokens
        .to_string();
    for _ in 0..20 {
        let again = seeded
            .expand_derive("FieldIndex", &tokens(src))
            .expect("expands");
        assert_eq!(again.tokens.to_string(), first);
    }
    for arm in ["\"horizontal\" =>", "\"y\" =>", "\"z\" =>"] {
        assert!(first.contains(arm), "{first}");
    }
    let err = component("field_index")
        .expand_derive("FieldIndex", &tokens(src))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotGranted {
                capability: Capability::RandomSeed,
                ..
            }
        ),
        "{err:?}"
    );
}
