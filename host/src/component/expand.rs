//! Expanding in a fresh instance ([`MacroComponent::expand`] with
//! `proc_macro2` tokens, [`MacroComponent::expand_flat`] with the caller's
//! spans), through the host's [`ExpansionCache`](crate::ExpansionCache)
//! when it has one: a valid entry is replayed instead of running the macro,
//! and a fresh expansion is recorded.

use wasmtime::Store;

use super::{MacroComponent, not_started};
use crate::bindings::wire;
use crate::codec::layout::{from_wire, to_wire};
use crate::expansion::flat::finish_flat;
use crate::expansion::run::{call, finish, flatten_invocation};
use crate::expansion::store::ExpansionState;
use crate::imports::spans::{RemoteSpans, SpanTable, Spans};
use crate::replay::Fresh;
use crate::{
    Error, Expansion, ExpansionStats, FlatExpansion, FlatInvocation, Invocation, MacroKind, Result,
    SpanOracle,
};
use procbox_protocol::recorded::{Subject, grants_text};

/// What the shared path needs to know of an invocation.
struct Request<'a> {
    kind: MacroKind,
    name: &'a str,
    input: &'a wire::TokenStream,
    args: Option<&'a wire::TokenStream>,
    span_count: u32,
    input_tokens: usize,
    file: Option<String>,
    cached: bool,
}

impl MacroComponent {
    /// Runs a macro in a fresh instance (or replays it from the host's
    /// [`ExpansionCache`](crate::ExpansionCache)).
    pub fn expand(&self, invocation: &Invocation<'_>) -> Result<Expansion> {
        self.check_macro(invocation.kind, invocation.name)?;
        let flat = flatten_invocation(invocation);
        let request = Request {
            kind: invocation.kind,
            name: invocation.name,
            input: &flat.input,
            args: flat.args.as_ref(),
            span_count: flat.spans.len(),
            input_tokens: flat.token_count(),
            file: invocation
                .source_file
                .map(|path| path.display().to_string()),
            cached: invocation.cached,
        };
        let site = self.site(invocation.name);
        let limits = &self.inner.limits;
        self.expand_wire(
            request,
            Spans::Local(flat.spans),
            |output, spans, stats, files_read| {
                finish(output, spans, &site, limits, stats, files_read)
            },
        )
    }

    /// Runs a macro on a flat token stream whose spans the caller holds, in
    /// a fresh instance (or replays it from the host's
    /// [`ExpansionCache`](crate::ExpansionCache), asking `oracle` the
    /// recorded queries again): `oracle` answers the macro's span queries
    /// (see [`SpanOracle`]). The output is checked as
    /// [`expand`](Self::expand) checks it, and its span handles are the
    /// caller's.
    ///
    /// This is how `procbox serve` expands for the shim inside rustc, which
    /// holds the compiler's spans.
    pub fn expand_flat(
        &self,
        invocation: FlatInvocation,
        oracle: Box<dyn SpanOracle>,
    ) -> Result<FlatExpansion> {
        let name = invocation.name.clone();
        self.check_macro(invocation.kind, &name)?;
        let input_tokens =
            invocation.input.tokens.len() + invocation.args.as_ref().map_or(0, |a| a.tokens.len());
        let input = to_wire(invocation.input);
        let args = invocation.args.map(to_wire);
        let request = Request {
            kind: invocation.kind,
            name: &name,
            input: &input,
            args: args.as_ref(),
            span_count: invocation.span_count,
            input_tokens,
            file: invocation.file,
            cached: invocation.cached,
        };
        let spans = Spans::Remote(RemoteSpans::new(oracle, invocation.span_count));
        let site = self.site(&name);
        let limits = &self.inner.limits;
        self.expand_wire(request, spans, |output, spans, stats, files_read| {
            finish_flat(output, spans, &site, limits, stats, files_read)
        })
    }

    /// The path both share: replay or run, then `finish` (decode and check),
    /// then record.
    fn expand_wire<T>(
        &self,
        request: Request<'_>,
        mut spans: Spans,
        finish: impl FnOnce(wire::Expansion, &Spans, ExpansionStats, Vec<String>) -> Result<T>,
    ) -> Result<T> {
        let inner = &self.inner;
        let name = request.name;
        self.check_granted(name)?;
        let cache = inner.host.expansions.as_ref().filter(|_| request.cached);
        // What the cache compares, in the protocol's types.
        let compared = cache.map(|_| {
            (
                grants_text(&inner.grants),
                from_wire(request.input.clone()),
                request.args.cloned().map(from_wire),
            )
        });
        let subject = compared.as_ref().map(|(grants, input, args)| Subject {
            component_hash: &inner.hash,
            kind: request.kind,
            name,
            grants,
            input,
            args: args.as_ref(),
            span_count: request.span_count,
        });
        if let (Some(cache), Some(subject)) = (cache, &subject) {
            // A backend that fails while asked again fails a fresh run too,
            // which reports it properly: a miss.
            if let Ok(Some(replayed)) = cache.find(subject, spans.backend()) {
                let stats = ExpansionStats {
                    input_tokens: request.input_tokens,
                    output_tokens: replayed.expansion.tokens.tokens.len(),
                    span_queries: replayed.span_queries,
                    memory_bytes: 0,
                    replayed: true,
                };
                return finish(replayed.expansion, &spans, stats, replayed.files_read);
            }
            if cache.is_offline() {
                return Err(Error::Offline {
                    component: inner.name.clone(),
                    name: name.to_owned(),
                    kind: request.kind,
                    input: crate::replay::summary(subject.input),
                    dir: cache.dir().to_owned(),
                });
            }
        }

        let site = self.site(name);
        let mut store = self.new_store(name)?;
        let instance = match inner.pre.instantiate(&mut store) {
            Ok(instance) => instance,
            Err(e) => return Err(not_started(e, &store, &site, &inner.host, &inner.limits)),
        };
        *store.data_mut().spans = spans;
        let output = call(
            &mut store,
            &instance,
            &site,
            &inner.limits,
            name,
            request.input,
            request.args,
        )?;
        let (mut spans, state) = take(&mut store);
        let stats = ExpansionStats {
            input_tokens: request.input_tokens,
            output_tokens: output.tokens.tokens.len(),
            span_queries: state.span_queries.count(),
            memory_bytes: state.limiter.size,
            replayed: false,
        };
        let files_read = state.files.paths.iter().cloned().collect();
        let (Some(cache), Some(subject)) = (cache, subject) else {
            return finish(output, &spans, stats, files_read);
        };
        let recorded = output.clone();
        let result = finish(output, &spans, stats, files_read)?;
        cache.record(Fresh {
            subject,
            component: &inner.name,
            expanded_at: crate::replay::expanded_at(
                spans.backend(),
                request.span_count,
                request.file,
            ),
            queries: &state.span_queries,
            files: &state.files,
            expansion: &recorded,
        });
        Ok(result)
    }
}

/// The spans out of an expansion's store, and the store's data.
fn take(store: &mut Store<ExpansionState>) -> (Spans, &mut ExpansionState) {
    let state = store.data_mut();
    let spans = std::mem::replace(&mut *state.spans, Spans::Local(SpanTable::new()));
    (spans, state)
}
