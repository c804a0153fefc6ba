//! The span pool: `proc_macro2` spans that stand for host span handles.
//!
//! In the guest, `proc_macro2` runs in its fallback mode, where a span is a
//! character range in a thread-local source map and the only way to make one
//! is to lex text. The pool lexes a *pool text*, `()()()…` on one line, once,
//! and hands out its spans: slot `k` is the empty group at characters `2k` and
//! `2k + 1`, so it offers a whole-group span whose first and last characters
//! are its delimiters (how `proc_macro2` derives `span_open`/`span_close`).
//! A group token takes a slot; leaf tokens take half a slot each (the open or
//! the close delimiter's span), so a fresh instance lexes about one slot per
//! group and one per two other tokens.
//!
//! Each expansion records which host handle each slot it used stands for.
//! Mapping a span back is two lookups in `proc_macro2`'s source map (`start`
//! and `end`; the pool text is one line, so the column is the character
//! offset) after one check that the span is in the pool text at all. Spans
//! from anything else (text the macro lexed itself, `Span::call_site()`)
//! become the call site, as they would in `proc_macro`.
//!
//! The pool text is lexed once per instance and reused by later expansions of
//! a reused instance; `proc_macro2`'s source map is cleared (and the pool
//! lexed again) every [`REUSE_LIMIT`] expansions, so text a macro lexes does
//! not accumulate without bound.

use std::cell::RefCell;
use std::str::FromStr;

use proc_macro2 as pm2;

use crate::Span;
use crate::span::CALL_SITE;

/// Expansions a pool text serves before the source map is cleared.
const REUSE_LIMIT: u32 = 64;

/// The smallest pool text lexed, in slots.
const MIN_SLOTS: usize = 16;

/// No handle: a slot half nothing was given out for.
const NO_HANDLE: u32 = u32::MAX;

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// Runs `f` with this thread's pool.
pub(crate) fn with<R>(f: impl FnOnce(&mut Pool) -> R) -> R {
    POOL.with(|pool| f(&mut pool.borrow_mut()))
}

/// Starts an expansion: forgets the handles of the previous one.
pub(crate) fn reset() {
    with(Pool::reset)
}

/// One lexed pool text.
struct PoolText {
    /// A span in the text: `anchor.join(s)` is `Some` exactly when `s` is too.
    anchor: pm2::Span,
    /// Index of this text's first slot among all slots.
    first: usize,
    /// Each slot's spans: open delimiter, whole group, close delimiter.
    slots: Vec<[pm2::Span; 3]>,
}

/// The pool texts and the handles the current expansion gave out.
#[derive(Default)]
pub(crate) struct Pool {
    texts: Vec<PoolText>,
    /// Slots over all texts.
    capacity: usize,
    /// Host handles of each slot given out in this expansion, in the order of
    /// its spans (open, whole, close); a slot of leaves has no whole handle.
    handles: Vec<[u32; 3]>,
    /// The slot whose close half is free for the next leaf.
    free_half: Option<usize>,
    /// Expansions since the source map was last cleared.
    expansions: u32,
    /// Slots to lex at least when a pool text is next needed: what the
    /// previous expansions needed, so a reused instance lexes one text.
    next_size: usize,
}

impl Pool {
    fn reset(&mut self) {
        self.handles.clear();
        self.free_half = None;
        self.expansions += 1;
        if self.texts.len() > 1 || self.expansions >= REUSE_LIMIT {
            pm2::extra::invalidate_current_thread_spans();
            self.next_size = self.capacity;
            self.texts.clear();
            self.capacity = 0;
            self.expansions = 0;
        }
    }

    /// Makes room for `groups` group tokens and `leaves` other tokens in this
    /// expansion, so a conversion lexes at most one pool text.
    pub(crate) fn reserve(&mut self, groups: usize, leaves: usize) {
        self.reserve_slots(groups + leaves.div_ceil(2));
    }

    fn reserve_slots(&mut self, slots: usize) {
        let needed = self.handles.len() + slots;
        if needed > self.capacity {
            let size = (needed - self.capacity)
                .max(self.capacity)
                .max(self.next_size)
                .max(MIN_SLOTS);
            self.lex_text(size);
        }
    }

    fn lex_text(&mut self, size: usize) {
        let text = "()".repeat(size);
        let mut slots: Vec<[pm2::Span; 3]> = pm2::TokenStream::from_str(&text)
            .map(|stream| {
                stream
                    .into_iter()
                    .filter_map(|tree| match tree {
                        pm2::TokenTree::Group(g) => Some([g.span_open(), g.span(), g.span_close()]),
                        _ => None,
                    })
                    .collect()
            })
            // Cannot happen (the text is ours); call-site spans are a safe
            // stand-in that only loses locations.
            .unwrap_or_default();
        slots.resize(size, [pm2::Span::call_site(); 3]);
        self.texts.push(PoolText {
            anchor: slots[0][1],
            first: self.capacity,
            slots,
        });
        self.capacity += size;
        self.next_size = 0;
    }

    /// Gives the next free slot `handles`; returns its index.
    fn take(&mut self, handles: [u32; 3]) -> usize {
        self.reserve_slots(1);
        self.handles.push(handles);
        self.handles.len() - 1
    }

    /// Span `which` (0 open, 1 whole, 2 close) of slot `index`.
    fn span(&self, index: usize, which: usize) -> pm2::Span {
        self.texts
            .iter()
            .rev()
            .find(|text| text.first <= index)
            .map_or_else(pm2::Span::call_site, |text| {
                text.slots[index - text.first][which]
            })
    }

    /// A span standing for the leaf token span `handle`.
    pub(crate) fn leaf(&mut self, handle: Span) -> pm2::Span {
        if handle.0 == CALL_SITE {
            // Maps back to the call site without a slot.
            return pm2::Span::call_site();
        }
        if let Some(index) = self.free_half.take() {
            self.handles[index][2] = handle.0;
            return self.span(index, 2);
        }
        let index = self.take([handle.0, NO_HANDLE, NO_HANDLE]);
        self.free_half = Some(index);
        self.span(index, 0)
    }

    /// A group span standing for `whole`, whose first and last characters
    /// stand for `open` and `close`.
    pub(crate) fn group(&mut self, whole: Span, open: Span, close: Span) -> pm2::Span {
        if [whole.0, open.0, close.0] == [CALL_SITE; 3] {
            return pm2::Span::call_site();
        }
        let index = self.take([open.0, whole.0, close.0]);
        self.span(index, 1)
    }

    /// The host handle `span` stands for: exact for any span the pool gave
    /// out, a host `join` for a span `proc_macro2` joined from them, the call
    /// site otherwise.
    pub(crate) fn handle_of(&self, span: pm2::Span) -> Span {
        let Some(text) = self
            .texts
            .iter()
            .rev()
            .find(|text| text.anchor.join(span).is_some())
        else {
            return Span(CALL_SITE);
        };
        let start = span.start().column;
        let end = span.end().column;
        let handle_at = |column: usize| -> u32 {
            self.handles
                .get(text.first + column / 2)
                .map_or(NO_HANDLE, |slot| {
                    slot[if column.is_multiple_of(2) { 0 } else { 2 }]
                })
        };
        let whole = || {
            self.handles
                .get(text.first + start / 2)
                .map_or(NO_HANDLE, |slot| slot[1])
        };
        let handle = match end.saturating_sub(start) {
            0 | 1 => handle_at(start),
            2 if start.is_multiple_of(2) && whole() != NO_HANDLE => whole(),
            // A span proc_macro2 joined from several of ours: ask the host to
            // join the first and last (best effort, as `Span::join` is).
            _ => joined(handle_at(start), handle_at(end - 1)),
        };
        Span(if handle == NO_HANDLE {
            CALL_SITE
        } else {
            handle
        })
    }
}

fn joined(first: u32, last: u32) -> u32 {
    if first == NO_HANDLE || last == NO_HANDLE || first == last {
        return first;
    }
    Span(first).join(Span(last)).map_or(first, |span| span.0)
}
