//! The size-class allocator, used as a plain value (natively it is not the
//! global allocator, so these tests drive it directly).

use std::alloc::{GlobalAlloc, Layout, System};

use crate::alloc::SizeClasses;

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).expect("a valid layout")
}

/// Fills `size` bytes at `block` with a pattern derived from `tag`.
///
/// # Safety
/// `block` is valid for `size` bytes of writes.
unsafe fn fill(block: *mut u8, size: usize, tag: usize) {
    for i in 0..size {
        unsafe { block.add(i).write((tag.wrapping_mul(31) + i) as u8) };
    }
}

/// Whether `size` bytes at `block` still hold `fill`'s pattern for `tag`.
///
/// # Safety
/// `block` is valid for `size` bytes of reads.
unsafe fn intact(block: *const u8, size: usize, tag: usize) -> bool {
    (0..size).all(|i| unsafe { block.add(i).read() } == (tag.wrapping_mul(31) + i) as u8)
}

#[test]
fn a_freed_block_is_reused_for_its_size_class_only() {
    let classes = SizeClasses::new();
    let small = layout(24, 8);
    // SAFETY: blocks are freed with the layout they were allocated with.
    unsafe {
        let a = classes.alloc(small);
        let b = classes.alloc(small);
        assert_ne!(a, b);
        classes.dealloc(a, small);
        // 17..=24 bytes share a class; 25 bytes does not.
        let other = classes.alloc(layout(32, 8));
        assert_ne!(other, a, "a 24-byte block was handed out for 32 bytes");
        let again = classes.alloc(layout(17, 4));
        assert_eq!(again, a, "the freed block was not reused");
        classes.dealloc(again, layout(17, 4));
        classes.dealloc(b, small);
        classes.dealloc(other, layout(32, 8));
    }
}

/// What the host passes in is placed by `malloc` (`cabi_realloc`) and freed
/// by Rust code through the global allocator: such a block goes back to
/// `malloc`, not onto a free list, where blocks arriving faster than their
/// size is asked for would pile up without bound.
#[test]
fn a_block_from_malloc_goes_back_to_malloc() {
    let classes = SizeClasses::new();
    let small = layout(40, 8);
    // SAFETY: each block is freed once, with its layout.
    unsafe {
        // Make the allocator own a chunk first, as it would in a guest.
        let own = classes.alloc(small);
        let foreign = System.alloc(small);
        assert!(!foreign.is_null());
        classes.dealloc(foreign, small);
        let next = classes.alloc(small);
        assert_ne!(next, foreign, "a block of malloc's joined a free list");
        classes.dealloc(next, small);

        // Growing within its class, a block of malloc's moves: malloc may
        // have made it no larger than asked (12 usable bytes for 12 on
        // wasm32), while a block of ours has room for its whole class.
        let foreign = System.alloc(layout(12, 4));
        assert!(!foreign.is_null());
        fill(foreign, 12, 5);
        let grown = classes.realloc(foreign, layout(12, 4), 16);
        assert_ne!(grown, foreign, "a block of malloc's grew in place");
        assert!(intact(grown, 12, 5));
        classes.dealloc(grown, layout(16, 4));
        classes.dealloc(own, small);
    }
}

#[test]
fn blocks_are_aligned_and_large_or_aligned_requests_work() {
    let classes = SizeClasses::new();
    let layouts = [
        layout(1, 1),
        layout(8, 8),
        layout(SizeClasses::MAX_SMALL, 8),
        layout(SizeClasses::MAX_SMALL + 1, 8),
        layout(100_000, 8),
        layout(16, 16),
        layout(64, 4096),
    ];
    // SAFETY: each block is used within its layout and freed with it.
    unsafe {
        let blocks: Vec<_> = layouts.iter().map(|&l| classes.alloc(l)).collect();
        for (tag, (&block, l)) in blocks.iter().zip(&layouts).enumerate() {
            assert!(!block.is_null());
            assert_eq!(block as usize % l.align(), 0, "{l:?} misaligned");
            fill(block, l.size(), tag);
        }
        for (tag, (&block, l)) in blocks.iter().zip(&layouts).enumerate() {
            assert!(intact(block, l.size(), tag), "{l:?} was overwritten");
            classes.dealloc(block, *l);
        }
    }
}

#[test]
fn realloc_keeps_contents_and_never_overruns_a_neighbour() {
    let classes = SizeClasses::new();
    // SAFETY: every block is used within its current layout and freed with it.
    unsafe {
        let mut l = layout(3, 1);
        let mut block = classes.alloc(l);
        fill(block, 3, 0);
        // Within its class the block stays where it is.
        let same = classes.realloc(block, l, 8);
        assert_eq!(same, block);
        l = layout(8, 1);
        fill(block, 8, 0);
        let mut neighbours = Vec::new();
        for (tag, new_size) in [40, 512, 513, 5000, 600, 100, 2].into_iter().enumerate() {
            // Blocks of every class the walk passes through, carved around it.
            let neighbour = layout(new_size.min(SizeClasses::MAX_SMALL), 1);
            let n = classes.alloc(neighbour);
            fill(n, neighbour.size(), 1000 + tag);
            neighbours.push((n, neighbour, 1000 + tag));

            block = classes.realloc(block, l, new_size);
            assert!(!block.is_null());
            let kept = l.size().min(new_size);
            assert!(
                intact(block, kept, tag),
                "lost contents resizing to {new_size}"
            );
            l = layout(new_size, 1);
            fill(block, new_size, tag + 1);
        }
        for (n, neighbour, tag) in neighbours {
            assert!(intact(n, neighbour.size(), tag), "a resize overran a block");
            classes.dealloc(n, neighbour);
        }
        classes.dealloc(block, l);
    }
}

/// A long mixed sequence (a deterministic pseudo-random walk): no live block
/// is ever handed out twice or overwritten.
#[test]
fn many_interleaved_blocks_never_overlap() {
    let classes = SizeClasses::new();
    let mut live: Vec<(*mut u8, Layout, usize)> = Vec::new();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    // SAFETY: blocks are used within their layouts and freed once with them.
    unsafe {
        for tag in 0..20_000 {
            if live.len() > 300 || (!live.is_empty() && next() % 3 == 0) {
                let (block, l, tag) = live.swap_remove(next() % live.len());
                assert!(intact(block, l.size(), tag), "block {tag} was overwritten");
                classes.dealloc(block, l);
            } else {
                let size = 1 + next() % (SizeClasses::MAX_SMALL + 200);
                let l = layout(size, [1, 2, 4, 8][next() % 4]);
                let block = classes.alloc(l);
                assert!(!block.is_null());
                fill(block, size, tag);
                live.push((block, l, tag));
            }
        }
        for (block, l, tag) in live {
            assert!(intact(block, l.size(), tag), "block {tag} was overwritten");
            classes.dealloc(block, l);
        }
    }
}
