//! A size-class allocator beside wasi-libc's `malloc`, the global
//! allocator of a macro component (cargo feature `allocator`, on by default).
//!
//! A macro built on `syn` and `quote` makes thousands of small allocations
//! per expansion (identifier strings, token vectors, boxed syntax nodes) and
//! frees them all before it returns. Inside the sandbox every one of them went
//! through four calls (`__rust_alloc`, `__rdl_alloc`, `malloc`, `dlmalloc`)
//! to a general-purpose allocator that splits and coalesces blocks; that was
//! about a quarter of a derive's time in the guest (see BENCHMARKS.md).
//!
//! Here a request of at most [`SizeClasses::MAX_SMALL`] bytes (alignment at
//! most 8) is rounded up to a multiple of 8 and served from a free list for
//! that size: a freed block goes on the front of its list and the next
//! request of that size takes it back. Lists are refilled by carving blocks
//! from chunks of 64 KiB: first those of an arena in the initial memory
//! ([`ARENA_CHUNKS`]), then pages of linear memory of their own
//! (`memory.grow`). Rust passes the layout to `dealloc`, so blocks carry no
//! header. Larger or more aligned requests go to `malloc` unchanged.
//!
//! The pop of `alloc` and the push of `dealloc` are small enough that LLVM
//! inlines them into `__rust_alloc` and `__rust_dealloc`: a small allocation
//! makes one call into the allocator, not two, and every wasm call pays
//! wasmtime's stack and time-limit checks. Everything slower (carving, and
//! `malloc`) is kept out of line for that.
//!
//! Rust code also frees blocks it did not allocate: what the host passes in
//! (an export's arguments, an import's results) is placed by `cabi_realloc`,
//! which must be `malloc` (see `cabi_realloc` below). A bitmap of the chunks
//! tells a block of ours from one of `malloc`'s, which goes back to `free`;
//! keeping those on the free lists instead made a reused instance grow
//! without bound (they came in faster than the same sizes were asked for).
//!
//! The cost of the speed: a small block, once freed, is only ever reused for
//! the same size class, and chunks are never given back. The memory
//! an instance holds is therefore the peak, per size class, of what it has
//! had live at once. A fresh instance per expansion (the host's default)
//! starts empty every time, and the host's memory limit bounds it in any case.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::UnsafeCell;
use std::ptr;

/// The granularity of size classes, and the alignment every small block has.
const GRANULE: usize = 8;
/// The number of size classes: `GRANULE`, `2 * GRANULE`, … `MAX_SMALL`.
const CLASSES: usize = SizeClasses::MAX_SMALL / GRANULE;
/// The size and alignment of the chunks small blocks are carved from (so a
/// block's chunk is its address over `CHUNK`): one WebAssembly page.
const CHUNK: usize = 64 * 1024;
/// The number of chunks a 32-bit address space holds: one bit each in
/// `State::ours` (8 KiB).
const CHUNK_SLOTS: usize = ((1u64 << 32) / CHUNK as u64) as usize;

/// A global allocator for a single-threaded WebAssembly guest: free lists
/// per size class for small blocks, the system allocator for the rest.
///
/// The SDK installs it as the `#[global_allocator]` of a macro component
/// built for `wasm32-wasip2` when its `allocator` feature is on (the
/// default). A macro crate that wants its own global allocator turns the
/// feature off (`default-features = false`).
///
/// It is not thread-safe: it is `Sync` (as a `static` needs) only on
/// WebAssembly without the `atomics` feature, where there is one thread.
pub(crate) struct SizeClasses {
    state: UnsafeCell<State>,
}

/// The allocator's mutable state.
struct State {
    /// The first free block of each class; each free block's first word
    /// points to the next one (null ends the list).
    free: [*mut u8; CLASSES],
    /// The unused rest of the current chunk: `next..end`.
    next: *mut u8,
    end: *mut u8,
    /// The most recent chunk; each chunk's first word points to the one
    /// before it, so that dropping the allocator frees them all.
    chunks: *mut u8,
    /// A bit per `CHUNK` of the address space: set where a chunk is ours.
    ours: [u64; CHUNK_SLOTS / 64],
    /// Chunks of the arena handed out so far (see [`ARENA_CHUNKS`]).
    arena_used: usize,
}

impl State {
    /// The word of `ours` and the bit in it for the chunk holding `block`.
    ///
    /// Exact on wasm32, whose addresses are 32 bits. Natively (the unit
    /// tests) distant addresses share a bit, which could only make a block of
    /// `malloc`'s look like ours: the tests free only blocks of their own.
    #[inline]
    fn chunk_bit(block: *const u8) -> (usize, u64) {
        let slot = (block as usize / CHUNK) % CHUNK_SLOTS;
        (slot / 64, 1 << (slot % 64))
    }

    /// Whether `block` lies in one of our chunks.
    #[inline]
    fn is_ours(&self, block: *const u8) -> bool {
        let (word, bit) = Self::chunk_bit(block);
        self.ours[word] & bit != 0
    }
}

// SAFETY: on WebAssembly without the `atomics` target feature there are no
// threads, so the state is never accessed from two threads; `alloc` and
// `dealloc` never call back into the allocator (`System` is wasi-libc's
// `malloc`), so no access overlaps another.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    /// The largest request served from the size classes, in bytes.
    pub(crate) const MAX_SMALL: usize = 512;

    /// An allocator with empty free lists (it takes no memory until used).
    pub(crate) const fn new() -> SizeClasses {
        SizeClasses {
            state: UnsafeCell::new(State {
                free: [ptr::null_mut(); CLASSES],
                next: ptr::null_mut(),
                end: ptr::null_mut(),
                chunks: ptr::null_mut(),
                ours: [0; CHUNK_SLOTS / 64],
                arena_used: 0,
            }),
        }
    }

    /// The size class of `layout`, or `None` for the system allocator.
    #[inline]
    fn class(layout: Layout) -> Option<usize> {
        (layout.size() <= Self::MAX_SMALL && layout.align() <= GRANULE)
            .then(|| layout.size().max(1).div_ceil(GRANULE) - 1)
    }

    /// Whether `block` was carved by this allocator (not `malloc`'s).
    #[inline]
    fn owns(&self, block: *const u8) -> bool {
        // SAFETY: no other reference to the state exists (see `Sync`).
        unsafe { &*self.state.get() }.is_ours(block)
    }

    /// A new block of `class` from the current chunk, or from a new one.
    ///
    /// Out of line, like [`large_alloc`], so that `alloc`'s fast path (a
    /// free-list pop) is small enough to be inlined into `__rust_alloc`.
    #[inline(never)]
    fn carve(state: &mut State, class: usize) -> *mut u8 {
        let size = (class + 1) * GRANULE;
        if (state.end as usize) - (state.next as usize) < size {
            // The rest of the old chunk (less than one block) is abandoned.
            let chunk = new_chunk(&mut state.arena_used);
            if chunk.is_null() {
                return chunk;
            }
            // SAFETY: the chunk is CHUNK bytes long and aligned for a
            // pointer; its first GRANULE bytes link it to the previous one.
            unsafe {
                chunk.cast::<*mut u8>().write(state.chunks);
                state.next = chunk.add(GRANULE);
                state.end = chunk.add(CHUNK);
            }
            state.chunks = chunk;
            let (word, bit) = State::chunk_bit(chunk);
            state.ours[word] |= bit;
        }
        let block = state.next;
        // SAFETY: at least `size` bytes are left in the chunk (checked above).
        state.next = unsafe { block.add(size) };
        block
    }
}

/// The chunks a new instance's linear memory already holds, before the
/// allocator grows it: 512 KiB in `.bss` (a 10-field derive takes two).
///
/// Growing memory is what a fresh instance paid for most, after the
/// instantiation itself: wasmtime makes the new pages accessible with an
/// `mprotect`, and when the next instance takes over the slot it makes them
/// inaccessible again, with a TLB flush on every core the host runs on. With
/// the chunks in the initial memory, an expansion that needs no more grows
/// nothing. Untouched, they cost nothing (zero pages, not in the image); the
/// host's memory limit counts them.
#[cfg(target_arch = "wasm32")]
const ARENA_CHUNKS: usize = 8;

/// The arena: `ARENA_CHUNKS` chunks, aligned to `CHUNK` like grown ones.
#[cfg(target_arch = "wasm32")]
#[repr(C, align(65536))]
struct Arena(UnsafeCell<[u8; ARENA_CHUNKS * CHUNK]>);

// SAFETY: see `SizeClasses`' `Sync`: one thread; each chunk of the arena is
// handed out once, by `new_chunk`, and only its block is accessed after.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl Sync for Arena {}

#[cfg(target_arch = "wasm32")]
static ARENA: Arena = Arena(UnsafeCell::new([0; ARENA_CHUNKS * CHUNK]));

/// A new chunk: the next one of the arena, then a page of linear memory of
/// its own (`used` counts the arena's chunks handed out).
///
/// Not from `malloc`: asking it for an aligned block made it write headers
/// on three more pages, and a fresh instance paid for each with a page fault
/// (three per expansion). wasi-libc's `malloc` copes with memory that others
/// grow (its `sbrk` is `memory.grow`, and it takes the next growth as a new
/// segment).
#[cfg(target_arch = "wasm32")]
fn new_chunk(used: &mut usize) -> *mut u8 {
    const PAGE: usize = 64 * 1024;
    if *used < ARENA_CHUNKS {
        // SAFETY: in bounds: `*used` chunks of CHUNK bytes are below the
        // arena's end.
        let chunk = unsafe { ARENA.0.get().cast::<u8>().add(*used * CHUNK) };
        *used += 1;
        return chunk;
    }
    match core::arch::wasm32::memory_grow(0, CHUNK / PAGE) {
        usize::MAX => ptr::null_mut(),
        pages => (pages * PAGE) as *mut u8,
    }
}

/// A new chunk, natively (the unit tests): from the system allocator.
#[cfg(not(target_arch = "wasm32"))]
fn new_chunk(_used: &mut usize) -> *mut u8 {
    // SAFETY: CHUNK is not zero and a power of two.
    unsafe { System.alloc(Layout::from_size_align_unchecked(CHUNK, CHUNK)) }
}

impl Drop for SizeClasses {
    /// Frees every chunk natively (a test's allocator). In a guest there is
    /// nothing to do: the global allocator is never dropped, and linear
    /// memory never shrinks.
    fn drop(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let mut chunk = self.state.get_mut().chunks;
            while !chunk.is_null() {
                // SAFETY: `chunk` came from `System` with this layout, and
                // its first word links to the previous chunk (see `carve`).
                unsafe {
                    let previous = chunk.cast::<*mut u8>().read();
                    System.dealloc(chunk, Layout::from_size_align_unchecked(CHUNK, CHUNK));
                    chunk = previous;
                }
            }
        }
    }
}

/// `System.alloc`, out of line. Its aligned case keeps `posix_memalign`'s
/// result in memory; inlined, that gave every `alloc` a stack frame and kept
/// `alloc` from being inlined into `__rust_alloc`.
///
/// # Safety
/// As [`GlobalAlloc::alloc`].
#[inline(never)]
unsafe fn large_alloc(layout: Layout) -> *mut u8 {
    // SAFETY: the caller's contract is `System`'s.
    unsafe { System.alloc(layout) }
}

// SAFETY: small blocks are disjoint pieces of chunks of their own, aligned
// to GRANULE (chunks are, and every block size is a multiple of it) and at
// least as large as their class; a block is on a free list only after its
// `dealloc`, and leaves it on the `alloc` that returns it. Everything else,
// including a small block from `malloc` (see `dealloc`), is `System`'s.
unsafe impl GlobalAlloc for SizeClasses {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = Self::class(layout) else {
            // SAFETY: the caller's contract is `System`'s.
            return unsafe { large_alloc(layout) };
        };
        // SAFETY: no other reference to the state exists (see `Sync`).
        let state = unsafe { &mut *self.state.get() };
        let block = state.free[class];
        if block.is_null() {
            return Self::carve(state, class);
        }
        // SAFETY: a free block holds the pointer to the next one in its first
        // word (written by `dealloc`; blocks are at least a word and aligned).
        state.free[class] = unsafe { block.cast::<*mut u8>().read() };
        block
    }

    #[inline]
    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some(class) = Self::class(layout) else {
            // SAFETY: a block of this layout came from `System`.
            return unsafe { System.dealloc(block, layout) };
        };
        // SAFETY: no other reference to the state exists (see `Sync`).
        let state = unsafe { &mut *self.state.get() };
        if !state.is_ours(block) {
            // SAFETY: a block outside our chunks came from `malloc`
            // (`cabi_realloc`), with this layout.
            return unsafe { System.dealloc(block, layout) };
        }
        // SAFETY: the block is ours, no longer used by the caller, and big
        // and aligned enough for a pointer.
        unsafe { block.cast::<*mut u8>().write(state.free[class]) };
        state.free[class] = block;
    }

    #[inline]
    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller guarantees `new_size`, rounded up to the
        // alignment, does not overflow `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (Self::class(layout), Self::class(new_layout)) {
            // A block of ours already has room for its whole class. One of
            // `malloc`'s may not (12 bytes asked for can be 12 usable).
            (Some(old), Some(new)) if old == new && self.owns(block) => block,
            // SAFETY: both layouts are `System`'s, which can grow in place.
            (None, None) => unsafe { System.realloc(block, layout, new_size) },
            _ => {
                // SAFETY: the caller's contract: `new_layout` is valid and
                // not zero-sized; `block` has `layout`.
                unsafe {
                    let moved = self.alloc(new_layout);
                    if !moved.is_null() {
                        ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                        self.dealloc(block, layout);
                    }
                    moved
                }
            }
        }
    }
}

/// The allocator of a macro component (this module is only compiled for one,
/// or for the unit tests).
#[cfg(not(test))]
#[global_allocator]
static GLOBAL: SizeClasses = SizeClasses::new();

/// The allocator the canonical ABI calls to place values the host passes in
/// (an export's arguments, an import's results) in the guest's memory.
///
/// It must be `malloc`, not the global allocator: wasi-libc calls WASI
/// imports too (e.g. for the environment) and frees what they return with
/// `free`, which would corrupt its heap if given a block of the size classes.
/// (Without this definition the component's `cabi_realloc` is std's, which
/// uses the global allocator.) The other direction is safe: a block from
/// `malloc` that Rust code frees goes back to `free`, as `dealloc` tells it
/// from the size classes' own blocks by the chunk it lies in.
///
/// # Safety
/// As the canonical ABI specifies: `old_ptr` is null with `old_len` 0, or a
/// block from this function of `old_len` bytes; `align` is a power of two.
#[cfg(not(test))]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn cabi_realloc(
    old_ptr: *mut u8,
    old_len: usize,
    align: usize,
    new_len: usize,
) -> *mut u8 {
    if new_len == 0 {
        // A non-null, aligned pointer for an empty value, never freed.
        return align as *mut u8;
    }
    // SAFETY: see the function's contract; `new_len` is not zero.
    let block = unsafe {
        if old_len == 0 {
            System.alloc(Layout::from_size_align_unchecked(new_len, align))
        } else {
            System.realloc(
                old_ptr,
                Layout::from_size_align_unchecked(old_len, align),
                new_len,
            )
        }
    };
    if block.is_null() {
        // Out of memory (within the host's limit): trap.
        std::process::abort();
    }
    block
}
