//! `#[derive(ToJson)]` inside rustc: `cargo check` of a crate with many
//! derived structs, with the native proc-macro crate
//! (`examples/cargo-demo/json-derive-native`) and with the shim `procbox
//! shim` generates for the same macro, in cargo's dev profile as it is and
//! with its proc macros optimized (`[profile.dev.build-override]
//! opt-level = 3`). Prints a table; not a criterion bench, as each sample is
//! a whole `cargo check`.
//!
//! `cargo bench -p procbox-cli --bench in_rustc` (the first run builds
//! wasmtime for the optimized variant: several minutes).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use procbox_tests::{wasm, workspace_root};

/// Derived structs in the measured crate: enough that the macros' share
/// stands well above `cargo check`'s run-to-run noise.
const STRUCTS: usize = 1000;
/// Timed runs per case; the fastest is reported.
const RUNS: usize = 3;

/// Which macro crate the measured crate uses, if any.
#[derive(Clone, Copy)]
enum Macros {
    /// The structs without derives: what checking them costs.
    None,
    Native,
    Shim,
}

impl Macros {
    fn label(self) -> &'static str {
        match self {
            Macros::None => "no derive",
            Macros::Native => "native proc macro",
            Macros::Shim => "procbox shim",
        }
    }
}

fn demo() -> PathBuf {
    workspace_root().join("examples").join("cargo-demo")
}

fn bench_dir() -> PathBuf {
    workspace_root().join("target").join("rustc-bench")
}

/// The measured crate's source: `STRUCTS` generic structs of ten fields,
/// nine of them renamed (the input of the criterion benchmark's 10-field
/// case).
fn source(macros: Macros) -> String {
    let mut out = String::from("pub use tojson::ToJson;\n");
    let derive = match macros {
        Macros::None => "",
        Macros::Native => {
            out.push_str("use json_derive_native::ToJson;\n");
            "#[derive(ToJson)] "
        }
        Macros::Shim => {
            out.push_str("use json_derive_shim::ToJson;\n");
            "#[derive(ToJson)] "
        }
    };
    for s in 0..STRUCTS {
        let mut fields: Vec<String> = (1..10)
            .map(|i| {
                let rename = if derive.is_empty() {
                    String::new()
                } else {
                    format!("#[json(rename = \"field{i}\")] ")
                };
                format!("{rename}pub f{i}: Option<Vec<u32>>")
            })
            .collect();
        fields.push("pub extra: T".into());
        out.push_str(&format!(
            "{derive}pub struct Record{s}<T> {{ {} }}\n",
            fields.join(", ")
        ));
    }
    out
}

/// Writes the measured crate (its own workspace, depending on the demo's
/// crates by path).
fn write_crate(dir: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("creates the crate");
    let dep = |name: &str| format!("{{ path = {:?} }}", demo().join(name).display().to_string());
    let manifest = format!(
        "[package]\nname = \"rustc-bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ntojson = {}\njson-derive-native = {}\njson-derive-shim = {}\n",
        dep("tojson"),
        dep("json-derive-native"),
        dep("json-derive-shim"),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
}

/// Generates the shim for the example component, as the demo's test does.
fn generate_shim() {
    let status = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(wasm("json_derive"))
        .arg("--out")
        .arg(demo().join("json-derive-shim"))
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .status()
        .expect("cannot run procbox");
    assert!(status.success(), "procbox shim failed");
}

/// `cargo check` in the crate, with proc macros optimized or not; its
/// duration.
fn check(dir: &Path, optimized: bool) -> Duration {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = bench_dir().join(if optimized { "target-opt" } else { "target" });
    let mut command = Command::new(cargo);
    command
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("CARGO_TARGET_DIR", target)
        .env("PROCBOX_CACHE_DIR", bench_dir().join("procbox-cache"))
        .env("CARGO_PROFILE_DEV_DEBUG", "false");
    if optimized {
        command.env("CARGO_PROFILE_DEV_BUILD_OVERRIDE_OPT_LEVEL", "3");
    }
    let start = Instant::now();
    let output = command.output().expect("cannot run cargo");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "cargo check failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

/// The fastest of `RUNS` checks after the crate's source changed.
fn fastest_check(dir: &Path, macros: Macros, optimized: bool) -> Duration {
    let lib = dir.join("src").join("lib.rs");
    std::fs::write(&lib, source(macros)).expect("writes lib.rs");
    // Builds the dependencies, and compiles the component into the cache.
    check(dir, optimized);
    (0..RUNS)
        .map(|_| {
            let text = std::fs::read(&lib).expect("reads lib.rs");
            std::fs::write(&lib, text).expect("touches lib.rs");
            check(dir, optimized)
        })
        .min()
        .expect("at least one run")
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"in_rustc".contains(&a))
    {
        return;
    }
    generate_shim();
    let dir = bench_dir().join("crate");
    write_crate(&dir);
    println!(
        "cargo check of {STRUCTS} structs with #[derive(ToJson)] (10 fields), fastest of {RUNS}\n"
    );
    println!("| profile | macros | cargo check | per derive, over no derive | vs native |");
    println!("|---|---|---|---|---|");
    for optimized in [false, true] {
        let profile = if optimized {
            "dev, build-override opt-level 3"
        } else {
            "dev (default)"
        };
        let base = fastest_check(&dir, Macros::None, optimized);
        let mut native_per = None;
        for macros in [Macros::None, Macros::Native, Macros::Shim] {
            let took = match macros {
                Macros::None => base,
                _ => fastest_check(&dir, macros, optimized),
            };
            let per = took.saturating_sub(base).as_secs_f64() * 1e6 / STRUCTS as f64;
            let ratio = match (macros, native_per) {
                (Macros::Native, _) => {
                    native_per = Some(per);
                    "1.0x".to_owned()
                }
                (Macros::Shim, Some(native)) if native > 0.0 => format!("{:.2}x", per / native),
                _ => String::new(),
            };
            let per = match macros {
                Macros::None => String::new(),
                _ => format!("{per:.0} µs"),
            };
            println!(
                "| {profile} | {} | {:.2} s | {per} | {ratio} |",
                macros.label(),
                took.as_secs_f64()
            );
        }
    }
}
