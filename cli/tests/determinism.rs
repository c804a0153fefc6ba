//! 100 expansions in 100 separate processes give byte-identical output, for
//! a macro whose code generation iterates a `HashMap` (field-index, with the
//! host's fixed `random-seed`).

use std::process::Command;

use procbox_tests::wasm;

const PROCESSES: usize = 100;

#[test]
fn a_hash_map_macro_expands_identically_in_100_processes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("item.rs");
    let fields: String = (0..24).map(|i| format!("field_{i}: u8, ")).collect();
    std::fs::write(
        &file,
        format!("#[derive(FieldIndex)]\nstruct Wide {{ {fields} }}\n"),
    )
    .expect("write");
    let component = wasm("field_index");
    let mut outputs = Vec::with_capacity(PROCESSES);
    for _ in 0..PROCESSES {
        let output = Command::new(env!("CARGO_BIN_EXE_procbox"))
            .arg("expand")
            .arg("--macro")
            .arg(&component)
            .args(["--grant", "random-seed"])
            .arg(&file)
            .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
            .output()
            .expect("cannot run procbox");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        outputs.push(output.stdout);
    }
    let first = &outputs[0];
    let text = String::from_utf8_lossy(first);
    assert!(
        text.contains("field_23"),
        "the expansion covers every field: {text}"
    );
    for (i, output) in outputs.iter().enumerate() {
        assert_eq!(output, first, "process {i} differs");
    }
}
