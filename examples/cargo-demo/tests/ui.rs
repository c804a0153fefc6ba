//! rustc reports the sandboxed macros' errors at the offending tokens: each
//! case in `ui/sandbox` (through the shim) has a twin in `ui/native` (the same
//! macro logic built as an ordinary proc macro), and both must give the same
//! errors at the same line and column.

use std::path::Path;

#[test]
fn errors_point_at_the_offending_tokens() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/sandbox/*.rs");
    cases.compile_fail("tests/ui/native/*.rs");
}

/// The expected outputs (which `errors_point_at_the_offending_tokens` holds
/// rustc to) agree between the sandboxed and the native build, up to the
/// directory name.
#[test]
fn sandboxed_errors_match_native_errors() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let mut compared = 0;
    for entry in std::fs::read_dir(ui.join("sandbox")).expect("tests/ui/sandbox") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|e| e != "stderr") {
            continue;
        }
        let file = path.file_name().expect("file name");
        let sandbox = std::fs::read_to_string(&path).expect("sandbox .stderr");
        let native = std::fs::read_to_string(ui.join("native").join(file))
            .unwrap_or_else(|e| panic!("native twin of {}: {e}", path.display()));
        assert_eq!(
            sandbox
                .replace("/sandbox/", "/native/")
                .replace("json_derive_shim", "json_derive_native"),
            native,
            "{} differs from its native twin",
            path.display()
        );
        assert!(sandbox.contains("--> tests/ui/sandbox/"), "{sandbox}");
        compared += 1;
    }
    assert_eq!(compared, 5, "every case has an expected output");
}
