//! `#[derive(ToJson)]` inside rustc: `cargo check` of a crate with many
//! derived structs, with the native proc-macro crate
//! (`examples/cargo-demo/json-derive-native`) and with the shim `procbox
//! shim` generates for the same macro (its expansions run by this build's
//! `procbox serve`), in cargo's dev profile. With `PROCBOX_BENCH_EMBEDDED=1`
//! also with a shim that runs the sandbox inside rustc (`--embedded`), as
//! the dev profile builds it and with its proc macros optimized
//! (`[profile.dev.build-override] opt-level = 3`). Prints a table; not a
//! criterion bench, as each sample is a whole `cargo check`.
//!
//! Each derive's time is its expansion plus the type-checking of the impl it
//! generates (the same impl both ways). To see the expansion alone, each
//! macro also runs from a crate (written into the bench's directory) whose
//! derive expands as the real one does, hands the output to rustc as a
//! `proc_macro::TokenStream`, then drops it and returns nothing.
//!
//! The cases run interleaved (each round checks every case once) with
//! incremental compilation off, so that no check reuses work from the one
//! before it.
//!
//! `cargo bench -p procbox-cli --bench in_rustc` (about 3 minutes; with the
//! embedded variants, whose first run builds wasmtime twice, much more).
//! `PROCBOX_BENCH_STRUCTS=1` measures a crate with one derive instead: what
//! a shim costs a rustc process beyond its expansions (loading the
//! component).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use procbox_tests::{wasm, workspace_root};

/// Derived structs in the measured crate by default: enough that the
/// macros' share stands well above `cargo check`'s run-to-run noise.
/// `PROCBOX_BENCH_STRUCTS` sets another number: a few show what a small
/// crate pays, loading the component included.
const STRUCTS: usize = 3000;

fn structs() -> usize {
    count_from_env("PROCBOX_BENCH_STRUCTS", STRUCTS)
}

/// Timed rounds by default (`PROCBOX_BENCH_ROUNDS` sets another number);
/// each case's fastest is reported.
const ROUNDS: usize = 5;

fn rounds() -> usize {
    count_from_env("PROCBOX_BENCH_ROUNDS", ROUNDS)
}

/// The positive number in the environment variable `name`, else `default`.
fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

/// The cases, in the order of each round and of the table: the macro crate,
/// and whether its proc macros are built optimized.
fn cases() -> Vec<(Macros, bool)> {
    let mut cases = vec![
        (Macros::None, false),
        (Macros::Native, false),
        (Macros::Shim, false),
    ];
    if std::env::var_os("PROCBOX_BENCH_EMBEDDED").is_some_and(|v| v == "1") {
        cases.extend([(Macros::Embedded, false), (Macros::Embedded, true)]);
    }
    cases.extend([(Macros::NativeDropped, false), (Macros::ShimDropped, false)]);
    cases
}

/// Which macro crate the measured crate uses, if any.
#[derive(Clone, Copy)]
enum Macros {
    /// The structs without derives: what checking them costs.
    None,
    Native,
    Shim,
    /// The shim with the sandbox inside rustc.
    Embedded,
    /// The native macro, its output dropped: expansion only.
    NativeDropped,
    /// The shim, its output dropped: expansion only.
    ShimDropped,
}

impl Macros {
    fn label(self) -> &'static str {
        match self {
            Macros::None => "no derive",
            Macros::Native => "native proc macro",
            Macros::Shim => "procbox shim (server)",
            Macros::Embedded => "procbox shim, embedded",
            Macros::NativeDropped => "native, output dropped",
            Macros::ShimDropped => "shim, output dropped",
        }
    }

    /// The crate its `ToJson` comes from, if any.
    fn crate_name(self) -> Option<&'static str> {
        match self {
            Macros::None => None,
            Macros::Native => Some("json_derive_native"),
            Macros::Shim => Some("json_derive_shim"),
            Macros::Embedded => Some("json_derive_embedded"),
            Macros::NativeDropped => Some("native_dropped"),
            Macros::ShimDropped => Some("shim_dropped"),
        }
    }
}

fn demo() -> PathBuf {
    workspace_root().join("examples").join("cargo-demo")
}

fn bench_dir() -> PathBuf {
    workspace_root().join("target").join("rustc-bench")
}

/// The measured crate's source: [`structs`] generic structs of ten fields,
/// nine of them renamed (the input of the criterion benchmark's 10-field
/// case).
fn source(macros: Macros) -> String {
    let mut out = String::from("pub use tojson::ToJson;\n");
    let derive = match macros.crate_name() {
        None => "",
        Some(name) => {
            out.push_str(&format!("use {name}::ToJson;\n"));
            "#[derive(ToJson)] "
        }
    };
    for s in 0..structs() {
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

/// `path = ".."` as a TOML dependency.
fn path_dep(path: &Path) -> String {
    format!("{{ path = {:?} }}", path.display().to_string())
}

/// Whether the embedded variants are measured.
fn embedded() -> bool {
    cases()
        .iter()
        .any(|(macros, _)| matches!(macros, Macros::Embedded))
}

/// The measured crate's directory for `macros`: the embedded shim's has a
/// crate of its own, as cargo unifies features: in a build where one shim
/// asks `procbox-shim` for `embedded`, every shim runs embedded.
fn crate_dir(macros: Macros) -> PathBuf {
    bench_dir().join(match macros {
        Macros::Embedded => "crate-embedded",
        _ => "crate",
    })
}

/// Writes the measured crates (each its own workspace, depending on the
/// demo's crates and the wrappers by path).
fn write_crates() {
    let dir = crate_dir(Macros::Native);
    std::fs::create_dir_all(dir.join("src")).expect("creates the crate");
    let manifest = format!(
        "[package]\nname = \"rustc-bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ntojson = {}\njson-derive-native = {}\njson-derive-shim = {}\n\
         native-dropped = {}\nshim-dropped = {}\n",
        path_dep(&demo().join("tojson")),
        path_dep(&demo().join("json-derive-native")),
        path_dep(&demo().join("json-derive-shim")),
        path_dep(&bench_dir().join("native-dropped")),
        path_dep(&bench_dir().join("shim-dropped")),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
    if embedded() {
        let dir = crate_dir(Macros::Embedded);
        std::fs::create_dir_all(dir.join("src")).expect("creates the crate");
        let manifest = format!(
            "[package]\nname = \"rustc-bench\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\ntojson = {}\njson-derive-embedded = {}\n",
            path_dep(&demo().join("tojson")),
            path_dep(&bench_dir().join("json-derive-embedded")),
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
    }
}

/// The crates whose derive expands as the real one does, hands the output
/// to rustc as a `proc_macro::TokenStream`, drops it and returns nothing: a
/// copy of `json-derive-native` and a second generated shim, each with its
/// derive's entry point edited to do that.
fn write_dropping_crates() {
    let native = demo().join("json-derive-native");
    let copy = bench_dir().join("native-dropped");
    std::fs::create_dir_all(copy.join("src")).expect("creates the crate");
    let manifest = std::fs::read_to_string(native.join("Cargo.toml")).expect("reads Cargo.toml");
    let manifest = edit(
        &manifest,
        "name = \"json-derive-native\"",
        "name = \"native-dropped\"".into(),
    );
    std::fs::write(copy.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
    let lib = std::fs::read_to_string(native.join("src").join("lib.rs")).expect("reads lib.rs");
    // The copy lives elsewhere: its `logic` module by absolute path.
    let logic = workspace_root()
        .join("examples")
        .join("json-derive")
        .join("src")
        .join("logic.rs");
    let lib = edit(
        &lib,
        "#[path = \"../../../json-derive/src/logic.rs\"]",
        format!(
            "#[path = {:?}]\n#[allow(dead_code)]",
            logic.display().to_string()
        ),
    );
    // The real entry point becomes a plain function the new one calls.
    let entry = "#[proc_macro_derive(ToJson, attributes(json))]\npub fn derive_to_json(";
    let lib = edit(
        &lib,
        entry,
        format!(
            "{entry}item: TokenStream) -> TokenStream {{\n    \
             drop(expand_to_json(item));\n    TokenStream::new()\n}}\n\n\
             fn expand_to_json("
        ),
    );
    std::fs::write(copy.join("src").join("lib.rs"), lib).expect("writes lib.rs");

    let shim = bench_dir().join("shim-dropped");
    generate_shim(&shim, "shim-dropped", &[]);
    let lib = shim.join("src").join("lib.rs");
    let generated = std::fs::read_to_string(&lib).expect("reads the generated shim");
    let call = "COMPONENT.derive(\"ToJson\", item)";
    let dropping = edit(
        &generated,
        call,
        format!("{{ drop({call}); TokenStream::new() }}"),
    );
    std::fs::write(&lib, dropping).expect("writes the edited shim");
}

/// `text` with `from` replaced by `to`; `from` must be there.
fn edit(text: &str, from: &str, to: String) -> String {
    assert!(
        text.contains(from),
        "`{from}` is no longer in the crate this benchmark copies: update the benchmark"
    );
    text.replace(from, &to)
}

/// Generates a shim crate named `name` for the example component with
/// `procbox shim` and `options`.
fn generate_shim(out: &Path, name: &str, options: &[&str]) {
    let status = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(wasm("json_derive"))
        .arg("--out")
        .arg(out)
        .args(["--name", name])
        .args(options)
        .env("PROCBOX_CACHE_DIR", procbox_tests::cache_dir())
        .status()
        .expect("cannot run procbox");
    assert!(status.success(), "procbox shim failed");
}

/// `cargo check` in the crate, with proc macros optimized or not; its
/// duration.
fn check(dir: &Path, optimized: bool) -> Duration {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("crate");
    let target = bench_dir().join(format!(
        "target-{name}{}",
        if optimized { "-opt" } else { "" }
    ));
    let mut command = Command::new(cargo);
    command
        .args(["check", "--quiet"])
        .current_dir(dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("CARGO_TARGET_DIR", target)
        .env("PROCBOX_CACHE_DIR", bench_dir().join("procbox-cache"))
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"))
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        // Every check does all the work: with incremental compilation, what
        // a check reuses depends on which case ran before it.
        .env("CARGO_INCREMENTAL", "0");
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

/// `cargo check` after writing the crate's source for `macros`.
fn check_with(macros: Macros, optimized: bool) -> Duration {
    let dir = crate_dir(macros);
    std::fs::write(dir.join("src").join("lib.rs"), source(macros)).expect("writes lib.rs");
    check(&dir, optimized)
}

/// Each case's fastest check over [`rounds`] rounds, each round running every
/// case once (interleaved, so a slow minute of the machine does not land on
/// one case only).
fn fastest_checks(cases: &[(Macros, bool)]) -> Vec<Duration> {
    // Builds the dependencies, and compiles the component into the cache.
    for &(macros, optimized) in cases {
        check_with(macros, optimized);
    }
    let mut fastest = vec![Duration::MAX; cases.len()];
    for _ in 0..rounds() {
        for (best, &(macros, optimized)) in fastest.iter_mut().zip(cases) {
            *best = (*best).min(check_with(macros, optimized));
        }
    }
    fastest
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"in_rustc".contains(&a))
    {
        return;
    }
    generate_shim(&demo().join("json-derive-shim"), "json-derive-shim", &[]);
    if embedded() {
        generate_shim(
            &bench_dir().join("json-derive-embedded"),
            "json-derive-embedded",
            &["--embedded"],
        );
    }
    write_dropping_crates();
    write_crates();
    let (structs, rounds, cases) = (structs(), rounds(), cases());
    println!(
        "cargo check of {structs} structs with #[derive(ToJson)] (10 fields), dev profile, fastest of {rounds} interleaved rounds\n"
    );
    println!("| macros | cargo check | per derive, over no derive | vs native |");
    println!("|---|---|---|---|");
    let times = fastest_checks(&cases);
    let base = times[0];
    let mut native_per = None;
    for (&(macros, optimized), took) in cases.iter().zip(times) {
        let per = took.saturating_sub(base).as_secs_f64() * 1e6 / structs as f64;
        let ratio = match (macros, native_per) {
            (Macros::Native | Macros::NativeDropped, _) => {
                native_per = Some(per);
                "1.0x".to_owned()
            }
            (Macros::None, _) => String::new(),
            (_, Some(native)) if native > 0.0 => format!("{:.2}x", per / native),
            _ => String::new(),
        };
        let per = match macros {
            Macros::None => String::new(),
            _ => format!("{per:.0} µs"),
        };
        let label = match optimized {
            true => format!("{}, build-override opt-level 3", macros.label()),
            false => macros.label().to_owned(),
        };
        println!(
            "| {label} | {:.2} s | {per} | {ratio} |",
            took.as_secs_f64()
        );
    }
}
