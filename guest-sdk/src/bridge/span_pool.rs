//! The span pool: `proc_macro2` spans that stand for host span handles.
//!
//! In the guest, `proc_macro2` runs in its fallback mode, where a span is a
//! character range in a thread-local source map and the only way to put text
//! in that map is to lex it. The pool lexes a *pool text*, one string literal
//! `"…"` on one line, once, and hands out ranges inside it, which
//! `Literal::subspan` makes without touching the source map: slot `k` is the
//! two characters at `2k` and `2k + 1` inside the quotes, a whole-group span
//! whose first and last characters stand for its delimiters (how
//! `proc_macro2` derives `span_open`/`span_close`). A group token takes a
//! slot; leaf tokens take half a slot each, so a conversion needs about one
//! slot per group and one per two other tokens.
//!
//! Lexing one literal is a scan for its closing quote, so a fresh instance
//! pays almost nothing for the pool (a text of `()` pairs, one group token
//! per slot, would cost about 8 µs for the 10-field derive's input).
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

/// The smallest pool text lexed, in slots. A larger input gets a pool its
/// size; a larger minimum only makes a fresh instance lex more (256 made a
/// 1-field derive 3% slower).
const MIN_SLOTS: usize = 32;

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
    /// The string literal whose characters the slots are.
    literal: pm2::Literal,
    /// Its span: `anchor.join(s)` is `Some` exactly when `s` is in the text.
    anchor: pm2::Span,
    /// Index of this text's first slot among all slots.
    first: usize,
    /// How many slots it has.
    slots: usize,
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
    /// Handles of the `$crate` identifiers given out as `crate` (see
    /// [`Pool::ident`]).
    dollar_crate: Vec<u32>,
}

/// The identifier a `macro_rules!` macro passes for `$crate`, which
/// `proc_macro2` cannot hold.
const DOLLAR_CRATE: &str = "$crate";

impl Pool {
    fn reset(&mut self) {
        self.handles.clear();
        self.dollar_crate.clear();
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
        let text = format!("\"{}\"", " ".repeat(2 * size));
        let literal = match pm2::Literal::from_str(&text) {
            Ok(literal) => literal,
            // Cannot happen (the text is ours). Without a pool text every
            // span the pool hands out is the call site: locations are lost,
            // nothing else.
            Err(_) => return,
        };
        self.texts.push(PoolText {
            anchor: literal.span(),
            literal,
            first: self.capacity,
            slots: size,
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
        let Some(text) = self.texts.iter().rev().find(|text| text.first <= index) else {
            return pm2::Span::call_site();
        };
        // Character 0 is the opening quote.
        let open = 1 + 2 * (index - text.first);
        let range = match which {
            0 => open..open + 1,
            1 => open..open + 2,
            _ => open + 1..open + 2,
        };
        text.literal
            .subspan(range)
            .unwrap_or_else(pm2::Span::call_site)
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

    /// The `proc_macro2` identifier for `name` with span `handle`. `$crate`,
    /// which rustc hands a proc macro as one identifier and `proc_macro2`
    /// cannot hold, becomes `crate` with a span the pool remembers, and
    /// [`Pool::ident_text`] makes it `$crate` again on the way out.
    pub(crate) fn ident(&mut self, name: &str, is_raw: bool, handle: Span) -> pm2::Ident {
        let span = self.leaf(handle);
        if is_raw {
            pm2::Ident::new_raw(name, span)
        } else if name == DOLLAR_CRATE && handle.0 != CALL_SITE {
            self.dollar_crate.push(handle.0);
            pm2::Ident::new("crate", span)
        } else {
            pm2::Ident::new(name, span)
        }
    }

    /// The host's text for the identifier `text` (not raw) with `handle`:
    /// `$crate` where [`Pool::ident`] made it `crate`.
    pub(crate) fn ident_text<'a>(&self, text: &'a str, handle: Span) -> &'a str {
        if text == "crate" && self.dollar_crate.contains(&handle.0) {
            DOLLAR_CRATE
        } else {
            text
        }
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
        Span(match self.resolve(span) {
            Resolved::Elsewhere => CALL_SITE,
            Resolved::Group(slot) => slot[1],
            Resolved::Range(handle) => or_call_site(handle),
        })
    }

    /// The host handles of `group`'s spans: whole, open and close.
    ///
    /// A group span the pool gave out is looked up once: its delimiters are
    /// the two halves of the same slot, and a span from elsewhere has its
    /// delimiters elsewhere too.
    pub(crate) fn group_handles_of(&self, group: &pm2::Group) -> [Span; 3] {
        match self.resolve(group.span()) {
            Resolved::Elsewhere => [Span(CALL_SITE); 3],
            Resolved::Group([open, whole, close]) => {
                [whole, or_call_site(open), or_call_site(close)].map(Span)
            }
            Resolved::Range(whole) => [
                Span(or_call_site(whole)),
                self.handle_of(group.span_open()),
                self.handle_of(group.span_close()),
            ],
        }
    }

    /// Where `span` is: in no pool text, exactly a group slot this expansion
    /// gave out, or some other range of a pool text.
    fn resolve(&self, span: pm2::Span) -> Resolved {
        let Some(text) = self
            .texts
            .iter()
            .rev()
            .find(|text| text.anchor.join(span).is_some())
        else {
            return Resolved::Elsewhere;
        };
        // Columns count from the opening quote; slots from the character
        // after it. The quotes themselves (the literal's own span) map to no
        // slot: `checked_sub` and the bounds of `handles` see to that.
        let (Some(start), Some(end)) = (
            span.start().column.checked_sub(1),
            span.end().column.checked_sub(1),
        ) else {
            return Resolved::Elsewhere;
        };
        // The handles of the slot at `column`, if this expansion gave it out.
        let slot = |column: usize| -> Option<&[u32; 3]> {
            let local = column / 2;
            (local < text.slots)
                .then(|| self.handles.get(text.first + local))
                .flatten()
        };
        let handle_at = |column: usize| -> u32 {
            slot(column).map_or(NO_HANDLE, |slot| {
                slot[if column.is_multiple_of(2) { 0 } else { 2 }]
            })
        };
        let width = end.saturating_sub(start);
        if width == 2
            && start.is_multiple_of(2)
            && let Some(&slot) = slot(start)
            && slot[1] != NO_HANDLE
        {
            return Resolved::Group(slot);
        }
        Resolved::Range(if width <= 1 {
            handle_at(start)
        } else {
            // A span proc_macro2 joined from several of ours: ask the host to
            // join the first and last (best effort, as `Span::join` is).
            joined(handle_at(start), handle_at(end - 1))
        })
    }
}

/// What [`Pool::resolve`] found.
enum Resolved {
    /// Not in a pool text: the call site.
    Elsewhere,
    /// A group slot's handles: open, whole (never [`NO_HANDLE`]), close.
    Group([u32; 3]),
    /// A handle, or [`NO_HANDLE`].
    Range(u32),
}

fn or_call_site(handle: u32) -> u32 {
    if handle == NO_HANDLE {
        CALL_SITE
    } else {
        handle
    }
}

fn joined(first: u32, last: u32) -> u32 {
    if first == NO_HANDLE || last == NO_HANDLE || first == last {
        return first;
    }
    Span(first).join(Span(last)).map_or(first, |span| span.0)
}
