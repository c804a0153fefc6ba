//! What a sandboxed macro read is a build dependency cargo sees: editing
//! the data file that `enum_from_file!` reads rebuilds the consuming crate
//! with the new variants (the shim adds an `include_bytes!` of each granted
//! file the macro read), and the expansion cache does not replay the old
//! enum.

use std::path::Path;
use std::process::Command;

use procbox_tests::{wasm, workspace_root};

/// `cargo test` in `dir`, printing the enum's variants; returns them.
fn variants(dir: &Path, expansions: &Path) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--quiet", "--", "--nocapture"])
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env(
            "CARGO_TARGET_DIR",
            workspace_root().join("target").join("build-deps"),
        )
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .env("PROCBOX_EXPANSIONS", expansions)
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"))
        .output()
        .expect("cannot run cargo");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo test failed:\n{out}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    out.lines()
        .find_map(|line| line.strip_prefix("VARIANTS="))
        .unwrap_or_else(|| panic!("no VARIANTS line in:\n{out}"))
        .to_owned()
}

#[test]
fn editing_a_file_the_macro_read_rebuilds_with_the_new_variants() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let shim = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(wasm("enum_from_file"))
        .args(["--out", "colors-macros", "--name", "colors-macros"])
        .args(["--grant", "fs-read", "--grant", "env=CARGO_MANIFEST_DIR"])
        .current_dir(root)
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .output()
        .expect("cannot run procbox");
    assert!(
        shim.status.success(),
        "procbox shim failed:\n{}",
        String::from_utf8_lossy(&shim.stderr)
    );
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"colors\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [dependencies]\ncolors-macros = { path = \"colors-macros\" }\n\n[workspace]\n",
    )
    .expect("write");
    std::fs::create_dir(root.join("src")).expect("mkdir");
    std::fs::write(
        root.join("src").join("lib.rs"),
        "colors_macros::enum_from_file! { pub enum Color = \"colors.txt\" }\n\n\
         #[test]\nfn print() {\n    \
             let names: Vec<&str> = Color::ALL.iter().map(|c| c.name()).collect();\n    \
             println!(\"VARIANTS={}\", names.join(\",\"));\n}\n",
    )
    .expect("write");
    let colors = root.join("colors.txt");
    std::fs::write(&colors, "Red\nGreen\n").expect("write");
    let expansions = root.join("expansions");
    assert_eq!(variants(root, &expansions), "Red,Green");
    std::fs::write(&colors, "Red\nGreen\n# new:\nBlue\n").expect("write");
    assert_eq!(variants(root, &expansions), "Red,Green,Blue");
    // Back to the first version: a rebuild, and the recorded expansion of
    // that content fits again.
    std::fs::write(&colors, "Red\nGreen\n").expect("write");
    assert_eq!(variants(root, &expansions), "Red,Green");
}
