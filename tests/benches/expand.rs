//! `#[derive(ToJson)]` natively in-process vs in the sandbox (a reused
//! instance, and a fresh instance per expansion, its memory from the host's
//! pool or on demand), on a 1-field and a 10-field struct; the cost of a
//! fresh instance alone; loading a component from the precompiled cache vs
//! compiling it, and building a host with and without the instance pool; the
//! steps of the derive inside the sandbox; and, on request, another build of
//! the derive side by side with the current one (see [`baseline`]).
//!
//! `cargo bench -p procbox-tests --bench expand`. Criterion times one case
//! after another; for ratios on a noisy machine, `--bench ratios` interleaves
//! them.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, criterion_group, criterion_main};
use procbox_host::{Host, Invocation, MacroComponent};
use procbox_tests::wasm;

mod common;
use common::{PHASES, input, native};

fn expansion(c: &mut Criterion) {
    let host = Host::builder().no_cache().build().expect("host");
    let component = host.load_file(wasm("json_derive")).expect("loads");
    // As the cargo shim runs it inside rustc: explicit bounds checks instead
    // of signal handlers.
    let in_rustc = Host::builder()
        .no_cache()
        .signal_handlers(false)
        .build()
        .expect("host")
        .load_file(wasm("json_derive"))
        .expect("loads");
    // Each instance's memory from the system, not from the host's pool.
    let on_demand = Host::builder()
        .no_cache()
        .instances_on_demand()
        .build()
        .expect("host")
        .load_file(wasm("json_derive"))
        .expect("loads");
    let mut group = c.benchmark_group("derive");
    for fields in [1, 10] {
        let input = input(fields);
        // The three must agree before they are compared.
        let expected = native(&input).to_string();
        assert_eq!(
            component
                .expand_derive("ToJson", &input)
                .expect("expands")
                .tokens
                .to_string(),
            expected
        );

        group.bench_with_input(BenchmarkId::new("native", fields), &input, |b, input| {
            b.iter(|| native(input))
        });
        reused_and_fresh(&mut group, "sandbox", &component, fields, &input);
        group.bench_with_input(
            BenchmarkId::new("sandbox-fresh-no-signals", fields),
            &input,
            |b, input| b.iter(|| in_rustc.expand_derive("ToJson", input).expect("expands")),
        );
        group.bench_with_input(
            BenchmarkId::new("sandbox-fresh-on-demand", fields),
            &input,
            |b, input| b.iter(|| on_demand.expand_derive("ToJson", input).expect("expands")),
        );
    }
    group.bench_function("instantiate-only", |b| {
        b.iter(|| component.instantiate().expect("instantiates"))
    });
    group.bench_function("instantiate-only-on-demand", |b| {
        b.iter(|| on_demand.instantiate().expect("instantiates"))
    });
    group.finish();
}

/// `ToJson` on `input` with `component`, in one reused instance
/// (`{name}-reused`) and in a fresh instance per expansion (`{name}-fresh`).
fn reused_and_fresh(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    component: &MacroComponent,
    fields: usize,
    input: &proc_macro2::TokenStream,
) {
    let mut instance = component.instantiate().expect("instantiates");
    group.bench_with_input(
        BenchmarkId::new(format!("{name}-reused"), fields),
        input,
        |b, input| {
            b.iter(|| {
                instance
                    .expand(&Invocation::derive("ToJson", input))
                    .expect("expands")
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new(format!("{name}-fresh"), fields),
        input,
        |b, input| b.iter(|| component.expand_derive("ToJson", input).expect("expands")),
    );
}

fn loading(c: &mut Criterion) {
    let bytes = std::fs::read(wasm("json_derive")).expect("reads");
    let cache = tempfile::tempdir().expect("tempdir");
    let cached = Host::builder()
        .cache_dir(cache.path())
        .build()
        .expect("host");
    cached
        .load_bytes("json_derive", &bytes)
        .expect("warms the cache");
    // As the cargo shim loads it, once per rustc process: compiled with
    // explicit bounds checks, about twice the code.
    let cached_no_signals = Host::builder()
        .cache_dir(cache.path())
        .signal_handlers(false)
        .build()
        .expect("host");
    let hash = cached_no_signals
        .load_bytes("json_derive", &bytes)
        .expect("warms the cache")
        .hash()
        .to_owned();
    let uncached = Host::builder().no_cache().build().expect("host");
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.bench_function("from-cache", |b| {
        b.iter(|| cached.load_bytes("json_derive", &bytes).expect("loads"))
    });
    group.bench_function("from-cache-no-signal-handlers", |b| {
        b.iter(|| {
            cached_no_signals
                .load_bytes("json_derive", &bytes)
                .expect("loads")
        })
    });
    // As the shim loads it since its build script checks the hash: the
    // bytes are not hashed again.
    group.bench_function("from-cache-checked-no-signal-handlers", |b| {
        b.iter(|| {
            cached_no_signals
                .load_checked_bytes("json_derive", &bytes, &hash)
                .expect("loads")
        })
    });
    group.bench_function("compile", |b| {
        b.iter(|| uncached.load_bytes("json_derive", &bytes).expect("loads"))
    });
    // What the instance pool costs up front: building (and dropping) a host.
    group.bench_function("host-pooled", |b| {
        b.iter(|| Host::builder().no_cache().build().expect("host"))
    });
    group.bench_function("host-on-demand", |b| {
        b.iter(|| {
            Host::builder()
                .no_cache()
                .instances_on_demand()
                .build()
                .expect("host")
        })
    });
    group.finish();
}

/// The steps of the 10-field derive inside one reused instance, each macro of
/// the `phases` guest doing one step more than the last; the native rows are
/// the same steps on `proc_macro2` tokens.
fn phases(c: &mut Criterion) {
    let component = procbox_tests::component("phases");
    let mut instance = component.instantiate().expect("instantiates");
    let input = input(10);
    let mut group = c.benchmark_group("phases-10");
    for phase in PHASES {
        group.bench_function(phase, |b| {
            b.iter(|| {
                instance
                    .expand(&Invocation::function(phase, &input))
                    .expect("expands")
            })
        });
    }
    // The same in a fresh instance per expansion (the default): what a fresh
    // instance adds to doing nothing, and to the whole derive.
    for phase in ["phase_empty", "phase_to_pm2", "phase_all"] {
        group.bench_function(format!("{phase}-fresh"), |b| {
            b.iter(|| {
                component
                    .expand(&Invocation::function(phase, &input))
                    .expect("expands")
            })
        });
    }
    group.bench_function("native_parse", |b| {
        b.iter(|| syn::parse2::<syn::DeriveInput>(input.clone()).expect("parses"))
    });
    group.bench_function("native_all", |b| b.iter(|| native(&input)));
    group.finish();
}

/// With `PROCBOX_BENCH_BASELINE=path/to/json_derive.wasm` (e.g. built from
/// an older commit), that component and the current one side by side in one
/// run, reused and fresh: the way to measure a change to the SDK or the host
/// on a noisy machine. Without it, nothing runs.
fn baseline(c: &mut Criterion) {
    let Some(baseline) = std::env::var_os("PROCBOX_BENCH_BASELINE") else {
        return;
    };
    let host = Host::builder().no_cache().build().expect("host");
    let current = host.load_file(wasm("json_derive")).expect("loads");
    let baseline = host
        .load_file(baseline)
        .expect("the baseline component loads");
    let mut group = c.benchmark_group("baseline");
    for fields in [1, 10] {
        let input = input(fields);
        let expected = native(&input).to_string();
        group.bench_with_input(BenchmarkId::new("native", fields), &input, |b, input| {
            b.iter(|| native(input))
        });
        for (name, component) in [("baseline", &baseline), ("current", &current)] {
            let output = component.expand_derive("ToJson", &input).expect("expands");
            assert_eq!(output.tokens.to_string(), expected, "{name} disagrees");
            reused_and_fresh(&mut group, name, component, fields, &input);
        }
    }
    group.finish();
}

// Loading last: compiling a component a dozen times leaves the process's
// heap in a state that slowed every group measured after it (a third more
// for the native parse).
criterion_group!(benches, expansion, phases, baseline, loading);
criterion_main!(benches);
