//! Where instances get their memory: from a pool of slots reserved when the
//! host is built (the default), or from the system on demand.
//!
//! A fresh instance per expansion is what keeps expansions independent, and
//! most of what it costs is the kernel's: mapping a new linear memory,
//! faulting in every page the macro touches, and unmapping it all afterwards
//! (with a TLB shootdown on every core the process runs on). wasmtime's
//! pooling allocator keeps a fixed number of slots mapped instead. With
//! Linux's `PAGEMAP_SCAN` (kernel 6.7 and later) it finds the slot's resident
//! pages and restores only those from the component's memory image, so the
//! next instance in the slot starts with its pages resident and takes no
//! fault. The slot is restored to exactly the image a new memory would have,
//! so nothing carries over from one expansion to the next.
//!
//! "Resident" is every page any instance in the slot has written, not only
//! the last one's: without userfaultfd write protection (which wasmtime does
//! not set up) the kernel reports every present page as written. Each costs
//! about 80 ns per later expansion, so one large expansion slows the slot's
//! later ones, by at most the component's initial memory (memory a guest grew
//! is not scanned for the next instances): about 35 µs for the example
//! derive's 1.7 MiB. docs/perf-log.md has the measurements, and why a smaller
//! [`KEEP_RESIDENT`] does not help.
//!
//! The price is a fixed number of instances alive at once: past it,
//! instantiation fails with [`Error::TooManyInstances`](crate::Error). Each
//! slot also reserves address space (not memory) up front.

use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::limits::MAX_TABLE_ELEMENTS;

/// Instances alive at once in a pooled host, unless configured.
pub(crate) const DEFAULT_MAX_INSTANCES: u32 = 64;

/// Bytes of each linear memory (and table) restored in place rather than
/// released when a slot is freed, when `PAGEMAP_SCAN` says which pages to
/// restore: more than a typical expansion touches. Without `PAGEMAP_SCAN`
/// the whole of it would be copied on every reuse, so nothing is kept.
const KEEP_RESIDENT: usize = 16 << 20;

/// Core instances, and tables, a component may use per component instance:
/// a Rust macro is one module plus the small adapter modules
/// `wit-component` adds.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;
const TABLES_PER_COMPONENT: u32 = 4;

/// The largest linear memory a wasm32 module can have.
const MAX_WASM32_MEMORY: usize = 1 << 32;

/// How the host allocates instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Allocation {
    /// From a pool of `max_instances` slots.
    Pooled { max_instances: u32 },
    /// A new memory for each instance.
    OnDemand,
}

/// Creates the engine: pooled as asked if this system supports it (with
/// `PAGEMAP_SCAN`, else without), on demand otherwise. Returns it with the
/// allocation it got.
pub(crate) fn engine(
    config: &Config,
    wanted: Allocation,
    memory_limit: usize,
) -> wasmtime::Result<(Engine, Allocation)> {
    if let Allocation::Pooled { max_instances } = wanted {
        for pagemap in [true, false] {
            let mut pooled = config.clone();
            pooled.allocation_strategy(InstanceAllocationStrategy::Pooling(pool(
                max_instances,
                memory_limit,
                pagemap,
            )));
            // An older kernel refuses `PAGEMAP_SCAN`; a system that cannot
            // reserve the slots' address space refuses the pool: each is
            // only slower, so try the next.
            if let Ok(engine) = Engine::new(&pooled) {
                return Ok((engine, wanted));
            }
        }
    }
    let mut on_demand = config.clone();
    on_demand.allocation_strategy(InstanceAllocationStrategy::OnDemand);
    Ok((Engine::new(&on_demand)?, Allocation::OnDemand))
}

fn pool(max_instances: u32, memory_limit: usize, pagemap: bool) -> PoolingAllocationConfig {
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(max_instances)
        // Guests run synchronously, never on fibers, so the pool needs no
        // async stacks. wasmtime's default reserves 1000 of 2 MiB, each
        // with a guard page set by its own `mprotect`: two thirds of the
        // time it took to build a host, and more to unmap them when it is
        // dropped (once per rustc process for the cargo shim).
        .total_stacks(0)
        .total_core_instances(max_instances.saturating_mul(CORE_INSTANCES_PER_COMPONENT))
        .total_memories(max_instances)
        .total_tables(max_instances.saturating_mul(TABLES_PER_COMPONENT))
        .table_elements(MAX_TABLE_ELEMENTS)
        // Room for the memory limit, whole wasm pages, so the limiter (which
        // names the limit in its error) is what refuses growth, not the pool.
        .max_memory_size(
            memory_limit
                .checked_next_multiple_of(1 << 16)
                .unwrap_or(MAX_WASM32_MEMORY)
                .min(MAX_WASM32_MEMORY),
        );
    if pagemap {
        pool.pagemap_scan(Enabled::Yes)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT);
    }
    pool
}
