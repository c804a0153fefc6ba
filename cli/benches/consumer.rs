//! What a user of a sandboxed macro feels: whole cargo builds of a consumer
//! crate with 200 `#[derive(ToJson)]` on varied types, with the native
//! proc-macro crate (`examples/cargo-demo/json-derive-native`) and with the
//! shim `procbox shim` generates for the same macro (its expansions run by
//! this build's `procbox serve`), side by side:
//!
//! - a cold `cargo build` (dev profile), every dependency included: the
//!   native twin builds `syn`, `quote` and `proc-macro2`, the shim
//!   `procbox-protocol` and `procbox-shim`; the shim once more with the
//!   compiled-code cache empty too, as on a machine's very first use;
//! - an incremental rebuild after touching the crate (`cargo build`);
//! - a `cargo check` after touching the crate;
//! - the last two again with `procbox-shim` and `procbox-protocol` built
//!   optimized in the dev profile (`[profile.dev.package.procbox-shim]
//!   opt-level = 3`), the shim's own share of the work;
//! - the last two again with the expansion cache warm (`PROCBOX_EXPANSIONS`):
//!   every derive replayed inside rustc, no server started, no macro run;
//!   and with both, optimized and warm. (The other shim cases run with the
//!   cache off, `PROCBOX_EXPANSIONS=off`.)
//!
//! The cases run interleaved (each round runs each case once, starting one
//! case later each time) and the table gives each one's median and its ratio
//! to native. Prints a table; not a criterion bench, as each sample is a
//! whole cargo command.
//!
//! `cargo bench -p procbox-cli --bench consumer` (about 5 minutes);
//! `PROCBOX_BENCH_ROUNDS` sets the rounds (default 5), `PROCBOX_BENCH_TYPES`
//! the number of derived types (default 200).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use procbox_tests::{wasm, workspace_root};

fn count_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(default)
}

fn bench_dir() -> PathBuf {
    workspace_root().join("target").join("consumer-bench")
}

fn demo() -> PathBuf {
    workspace_root().join("examples").join("cargo-demo")
}

/// The consumer's source: `types` types of five shapes, every derive's
/// options among them.
fn source(types: usize, macro_crate: &str) -> String {
    let mut out = format!("pub use tojson::ToJson;\nuse {macro_crate}::ToJson;\n\n");
    for i in 0..types {
        out.push_str(&match i % 5 {
            0 => format!(
                "#[derive(ToJson)]\npub struct Account{i} {{\n    pub id: u64,\n    \
                 #[json(rename = \"displayName\")]\n    pub name: String,\n    \
                 pub email: Option<String>,\n    pub tags: Vec<String>,\n    \
                 #[json(skip)]\n    pub secret: Vec<u8>,\n    pub active: bool,\n}}\n\n"
            ),
            1 => format!("#[derive(ToJson)]\npub struct Point{i}(pub i32, pub i32, pub f64);\n\n"),
            2 => format!(
                "#[derive(ToJson)]\npub struct Page{i}<T> {{\n    pub items: Vec<T>,\n    \
                 pub next: Option<u32>,\n    #[json(rename = \"totalCount\")]\n    \
                 pub total: u64,\n}}\n\n"
            ),
            3 => format!(
                "#[derive(ToJson)]\npub enum Event{i}<T> {{\n    Created(T),\n    \
                 Renamed {{ from: String, to: String }},\n    Moved(i64, i64),\n    Deleted,\n}}\n\n"
            ),
            _ => format!("#[derive(ToJson)]\npub struct Marker{i};\n\n"),
        });
    }
    out
}

/// A consumer crate in `dir`: its own workspace, depending on `tojson` and
/// on `macro_crate` at `macro_path`.
fn write_consumer(dir: &Path, types: usize, macro_crate: &str, macro_path: &Path) {
    std::fs::create_dir_all(dir.join("src")).expect("creates the crate");
    let manifest = format!(
        "[package]\nname = \"consumer\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\ntojson = {{ path = {:?} }}\n{} = {{ path = {:?} }}\n",
        demo().join("tojson").display().to_string(),
        macro_crate.replace('_', "-"),
        macro_path.display().to_string(),
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("writes Cargo.toml");
    std::fs::write(dir.join("src").join("lib.rs"), source(types, macro_crate))
        .expect("writes lib.rs");
}

/// The consumers.
#[derive(Clone, Copy, PartialEq)]
enum Twin {
    Native,
    Shim,
    /// The shim with `procbox-shim` and `procbox-protocol` optimized in the
    /// dev profile (`[profile.dev.package.procbox-shim] opt-level = 3`).
    ShimOptimized,
    /// The shim with the expansion cache on (`PROCBOX_EXPANSIONS`): warm
    /// after the first build, so a rebuild replays every derive. The other
    /// shims run with it off.
    ShimCached,
    /// Both: optimized, and the expansion cache warm.
    ShimOptimizedCached,
}

impl Twin {
    fn name(self) -> &'static str {
        match self {
            Twin::Native => "native",
            Twin::Shim => "shim",
            Twin::ShimOptimized => "shim-optimized",
            Twin::ShimCached => "shim-cached",
            Twin::ShimOptimizedCached => "shim-optimized-cached",
        }
    }

    fn dir(self) -> PathBuf {
        bench_dir().join(self.name())
    }

    /// `PROCBOX_EXPANSIONS` for its builds.
    fn expansions(self) -> PathBuf {
        match self {
            Twin::ShimCached | Twin::ShimOptimizedCached => bench_dir().join("expansions"),
            _ => PathBuf::from("off"),
        }
    }
}

/// One kind of measurement.
#[derive(Clone, Copy)]
enum Case {
    /// Empty target directory; `cold_cache`: empty compiled-code cache too.
    ColdBuild { cold_cache: bool },
    /// `cargo build` after touching `src/lib.rs`.
    Rebuild,
    /// `cargo check` after touching `src/lib.rs`.
    Check,
}

impl Case {
    fn label(self) -> &'static str {
        match self {
            Case::ColdBuild { cold_cache: false } => "cold `cargo build`",
            Case::ColdBuild { cold_cache: true } => "cold `cargo build`, empty compiled-code cache",
            Case::Rebuild => "`cargo build` after touching the crate",
            Case::Check => "`cargo check` after touching the crate",
        }
    }
}

fn cargo(twin: Twin, args: &[&str], target: &Path, cache: &Path) -> Duration {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(args)
        .arg("--quiet")
        .current_dir(twin.dir())
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET")
        .env("CARGO_TARGET_DIR", target)
        .env("PROCBOX_CACHE_DIR", cache)
        .env("PROCBOX_EXPANSIONS", twin.expansions())
        .env("PROCBOX", env!("CARGO_BIN_EXE_procbox"));
    let rustc = Path::new(&cargo).with_file_name("rustc");
    if rustc.is_file() {
        command.env("RUSTC", rustc);
    }
    let start = Instant::now();
    let output = command.output().expect("cannot run cargo");
    let took = start.elapsed();
    assert!(
        output.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    took
}

fn touch(twin: Twin) {
    let lib = twin.dir().join("src").join("lib.rs");
    let text = std::fs::read(&lib).expect("reads lib.rs");
    std::fs::write(&lib, text).expect("touches lib.rs");
}

/// Runs `case` once for `twin`; its duration.
fn measure(case: Case, twin: Twin) -> Duration {
    let warm_cache = bench_dir().join("procbox-cache");
    let target = bench_dir().join(format!("target-{}", twin.name()));
    match case {
        Case::ColdBuild { cold_cache } => {
            let target = bench_dir().join("target-cold");
            let _ = std::fs::remove_dir_all(&target);
            let cache = match cold_cache {
                true => {
                    let cache = bench_dir().join("procbox-cache-cold");
                    let _ = std::fs::remove_dir_all(&cache);
                    cache
                }
                false => warm_cache,
            };
            cargo(twin, &["build"], &target, &cache)
        }
        Case::Rebuild => {
            touch(twin);
            cargo(twin, &["build"], &target, &warm_cache)
        }
        Case::Check => {
            touch(twin);
            cargo(twin, &["check"], &target, &warm_cache)
        }
    }
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; a filter that is not ours skips this.
    if std::env::args()
        .skip(1)
        .any(|a| !a.starts_with('-') && !"consumer".contains(&a))
    {
        return;
    }
    let types = count_from_env("PROCBOX_BENCH_TYPES", 200);
    let rounds = count_from_env("PROCBOX_BENCH_ROUNDS", 5);

    let shim = bench_dir().join("json-derive-shim");
    let status = Command::new(env!("CARGO_BIN_EXE_procbox"))
        .arg("shim")
        .arg(wasm("json_derive"))
        .arg("--out")
        .arg(&shim)
        .env("PROCBOX_CACHE_DIR", bench_dir().join("procbox-cache"))
        .status()
        .expect("cannot run procbox shim");
    assert!(status.success(), "procbox shim failed");
    write_consumer(
        &Twin::Native.dir(),
        types,
        "json_derive_native",
        &demo().join("json-derive-native"),
    );
    write_consumer(&Twin::Shim.dir(), types, "json_derive_shim", &shim);
    write_consumer(&Twin::ShimCached.dir(), types, "json_derive_shim", &shim);
    for twin in [Twin::ShimOptimized, Twin::ShimOptimizedCached] {
        write_consumer(&twin.dir(), types, "json_derive_shim", &shim);
        let optimized = twin.dir().join("Cargo.toml");
        let manifest = std::fs::read_to_string(&optimized).expect("reads Cargo.toml");
        std::fs::write(
            &optimized,
            format!(
                "{manifest}\n[profile.dev.package.procbox-shim]\nopt-level = 3\n\n\
                 [profile.dev.package.procbox-protocol]\nopt-level = 3\n"
            ),
        )
        .expect("writes Cargo.toml");
    }

    let cases = [
        (Case::ColdBuild { cold_cache: false }, Twin::Native),
        (Case::ColdBuild { cold_cache: false }, Twin::Shim),
        (Case::ColdBuild { cold_cache: true }, Twin::Shim),
        (Case::Rebuild, Twin::Native),
        (Case::Rebuild, Twin::Shim),
        (Case::Rebuild, Twin::ShimOptimized),
        (Case::Rebuild, Twin::ShimCached),
        (Case::Rebuild, Twin::ShimOptimizedCached),
        (Case::Check, Twin::Native),
        (Case::Check, Twin::Shim),
        (Case::Check, Twin::ShimOptimized),
        (Case::Check, Twin::ShimCached),
        (Case::Check, Twin::ShimOptimizedCached),
    ];
    // Builds each twin's dependencies into its own target directory, and
    // compiles the component into the warm cache.
    let _ = std::fs::remove_dir_all(Twin::ShimCached.expansions());
    for twin in [
        Twin::Native,
        Twin::Shim,
        Twin::ShimOptimized,
        Twin::ShimCached,
    ] {
        measure(Case::Rebuild, twin);
        measure(Case::Check, twin);
    }
    let mut samples = vec![Vec::new(); cases.len()];
    for round in 0..rounds {
        for i in 0..cases.len() {
            let at = (i + round) % cases.len();
            let (case, twin) = cases[at];
            samples[at].push(measure(case, twin));
        }
    }

    println!(
        "{types} #[derive(ToJson)] on varied types, dev profile, median of {rounds} interleaved rounds\n"
    );
    println!("| what | native | procbox shim | shim / native |");
    println!("|---|---|---|---|");
    let mut native = Duration::ZERO;
    for ((case, twin), samples) in cases.iter().zip(&mut samples) {
        let took = median(samples);
        if *twin == Twin::Native {
            native = took;
            continue;
        }
        let native_cell = match (case, twin) {
            (Case::ColdBuild { cold_cache: true }, _)
            | (_, Twin::ShimOptimized | Twin::ShimCached | Twin::ShimOptimizedCached) => {
                String::new()
            }
            _ => format!("{:.3} s", native.as_secs_f64()),
        };
        let label = match twin {
            Twin::ShimOptimized => format!("{}, procbox-shim optimized", case.label()),
            Twin::ShimCached => format!("{}, warm expansion cache", case.label()),
            Twin::ShimOptimizedCached => {
                format!(
                    "{}, procbox-shim optimized, warm expansion cache",
                    case.label()
                )
            }
            _ => case.label().to_owned(),
        };
        println!(
            "| {label} | {native_cell} | {:.3} s | {:.2}x |",
            took.as_secs_f64(),
            took.as_secs_f64() / native.as_secs_f64()
        );
    }
}
