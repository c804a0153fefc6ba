//! Where instances get their memory: a pool of slots (the default) or the
//! system on demand. Either way a fresh instance starts from the component's
//! initial state, and a full pool is a typed error, not a crash.

use procbox_host::{Error, Host, MacroComponent};
use procbox_tests::{cache_dir, tokens, wasm};

fn misbehave(host: &Host) -> MacroComponent {
    host.load_file(wasm("misbehave")).expect("loads")
}

fn scribbles(component: &MacroComponent) -> String {
    component
        .expand_function("scribbles", &tokens(""))
        .expect("expands")
        .tokens
        .to_string()
}

/// The error of what must fail.
fn refused<T>(result: Result<T, Error>) -> Error {
    match result {
        Ok(_) => panic!("the instance pool is full, yet an instance started"),
        Err(e) => e,
    }
}

fn pooled(max_instances: u32) -> Host {
    let host = Host::builder()
        .cache_dir(cache_dir())
        .max_instances(max_instances)
        .build()
        .expect("the host builds");
    // Linux can always reserve a small pool; falling back to memory on
    // demand would leave the pool untested.
    assert_eq!(host.max_instances(), Some(max_instances));
    host
}

#[test]
fn the_default_host_pools_instances() {
    let host = Host::builder()
        .cache_dir(cache_dir())
        .build()
        .expect("builds");
    assert_eq!(host.max_instances(), Some(64));
    // As the cargo shim builds it inside rustc: pooled too.
    let in_rustc = Host::builder()
        .cache_dir(cache_dir())
        .signal_handlers(false)
        .build()
        .expect("builds");
    assert_eq!(in_rustc.max_instances(), Some(64));
    let on_demand = Host::builder()
        .cache_dir(cache_dir())
        .instances_on_demand()
        .build()
        .expect("builds");
    assert_eq!(on_demand.max_instances(), None);
    let none = Host::builder().no_cache().max_instances(0).build();
    match none {
        Err(Error::Engine(reason)) => assert!(reason.contains("at least 1"), "{reason}"),
        Err(other) => panic!("expected Error::Engine, got {other:?}"),
        Ok(_) => panic!("a pool of 0 slots was accepted"),
    }
}

/// A slot's next instance sees none of what the last one wrote: not its
/// statics, not the memory it grew (20 MiB, more than a slot keeps resident,
/// so both the pages restored in place and those released are checked).
#[test]
fn a_fresh_instance_in_a_reused_slot_starts_clean() {
    let host = pooled(1);
    let component = misbehave(&host);
    for _ in 0..4 {
        assert_eq!(scribbles(&component), "1 true");
    }
    // The same macro in one reused instance does see its own past.
    let mut instance = component.instantiate().expect("instantiates");
    let mut call = || {
        instance
            .expand(&procbox_host::Invocation::function(
                "scribbles",
                &tokens(""),
            ))
            .expect("expands")
            .tokens
            .to_string()
    };
    assert_eq!(call(), "1 true");
    assert_eq!(call(), "2 true");
    drop(instance);
    assert_eq!(scribbles(&component), "1 true");
}

#[test]
fn instances_on_demand_expand_alike() {
    let host = Host::builder()
        .cache_dir(cache_dir())
        .instances_on_demand()
        .build()
        .expect("builds");
    let component = misbehave(&host);
    assert_eq!(scribbles(&component), "1 true");
    assert_eq!(scribbles(&component), "1 true");
}

#[test]
fn a_full_pool_is_a_typed_error_until_an_instance_is_dropped() {
    let host = pooled(2);
    let component = misbehave(&host);
    let first = component.instantiate().expect("first slot");
    let second = component.instantiate().expect("second slot");
    let full = |e: Error, file: &str| match e {
        Error::TooManyInstances {
            component, limit, ..
        } => {
            assert!(component.ends_with(file), "{component}");
            assert_eq!(limit, 2);
        }
        other => panic!("expected TooManyInstances, got {other:?}"),
    };
    full(refused(component.instantiate()), "misbehave.wasm");
    let error = refused(component.expand_function("identity", &tokens("x")));
    assert!(
        error.to_string().contains("HostBuilder::max_instances"),
        "the message says what to do: {error}"
    );
    full(error, "misbehave.wasm");
    // Loading another component needs an instance too (to list its macros).
    full(
        refused(host.load_file(wasm("json_derive"))),
        "json_derive.wasm",
    );
    drop(first);
    assert_eq!(scribbles(&component), "1 true");
    drop(second);
    host.load_file(wasm("json_derive")).expect("loads now");
}

/// A fresh instance does not grow its memory for an ordinary derive: the
/// SDK's allocator starts from chunks already in the initial memory (growing
/// costs two `mprotect`s and a TLB flush per expansion, see BENCHMARKS.md).
/// The `phases` guest's empty macro and its whole 10-field derive (which
/// allocates more than one chunk of small blocks) end at the same size.
#[test]
fn a_fresh_derive_does_not_grow_memory() {
    let host = procbox_tests::host();
    let phases = host.load_file(wasm("phases")).expect("loads");
    let fields: Vec<String> = (0..10)
        .map(|i| format!("#[json(rename = \"field{i}\")] pub f{i}: Option<Vec<u32>>"))
        .collect();
    let input = tokens(&format!(
        "#[derive(ToJson)] pub struct Record<T> {{ {}, extra: T }}",
        fields.join(", ")
    ));
    let memory = |phase: &str| {
        let expansion = phases.expand_function(phase, &input).expect("expands");
        assert!(
            !expansion.has_errors(),
            "{phase}: {:?}",
            expansion.diagnostics
        );
        expansion.stats.memory_bytes
    };
    let empty = memory("phase_empty");
    let derive = memory("phase_all");
    assert!(empty > 0, "no memory size reported");
    assert_eq!(
        derive, empty,
        "the derive grew a fresh instance's memory from {empty} to {derive} bytes"
    );
}
