//! Expanding through `procbox serve`: one server per rustc process, started
//! on the first expansion and kept for the others.
//!
//! Every failure is a message for `compile_error!`: no server, a server of
//! another protocol version, a server that stopped (the next expansion
//! starts a new one), a timeout (the server is killed), a component that is
//! not the one the shim was generated from (the server checks its bytes
//! against the reviewed SHA-256).

mod launch;
mod replay;
mod server;

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use procbox_protocol::{
    ClientMessage, Expand, Expanded, Failure, FailureKind, Load, ServerMessage,
};

use crate::expansion::Flat;
use crate::report::Failed;
use crate::tokens::SpanTable;
use crate::{Component, spans};
use server::{Fault, Server};

/// How long past the time limit the shim waits for the server's own timeout
/// report before killing it.
const GRACE: Duration = Duration::from_secs(5);

/// How long loading a component may take: compiling it, on its first use
/// on this machine, takes a second or so, more on a busy machine.
const LOADING: Duration = Duration::from_secs(600);

/// This rustc process's server, once started.
static SERVER: Mutex<Option<Server>> = Mutex::new(None);

/// The backend: the expansion cache's entry replayed here if one fits, else
/// the server's expansion (or replay), answering its span queries from
/// `spans`.
pub(crate) fn expand(
    component: &Component,
    flat: &Flat<'_>,
    spans: &mut SpanTable,
) -> Result<Expanded, Failed> {
    match replay::replay(component, flat, spans) {
        Some(expanded) => Ok(expanded),
        None => from_server(component, flat, spans),
    }
}

/// Has the server expand (or replay) the invocation, answering its span
/// queries from `spans`.
fn from_server(
    component: &Component,
    flat: &Flat<'_>,
    spans: &mut SpanTable,
) -> Result<Expanded, Failed> {
    let name = flat.name;
    let file = proc_macro::Span::call_site()
        .local_file()
        .map(|path| path.to_string_lossy().into_owned());

    let mut guard = lock_server();
    let server = match &mut *guard {
        Some(server) => server,
        empty => empty.insert(launch::start()?),
    };
    let request = |number| Expand {
        component: number,
        kind: flat.kind,
        name: name.to_owned(),
        input: flat.input.clone(),
        args: flat.args.cloned(),
        span_count: spans.len(),
        timeout_ms: u32::try_from(component.timeout.as_millis()).unwrap_or(u32::MAX),
        grants: flat.grants.clone(),
        file,
    };
    let outcome = match load(server, component) {
        Ok(Ok(number)) => run(server, component, request(number), spans),
        Ok(Err(failure)) => Ok(Err(failure)),
        Err(fault) => Err(fault),
    };
    let expanded = match outcome {
        Ok(Ok(expanded)) => expanded,
        Ok(Err(failure)) if failure.kind == FailureKind::Timeout => {
            // It ends itself after reporting a timeout; make sure.
            if let Some(server) = guard.take() {
                server.kill();
            }
            return Err(Failed::past_time_limit(&failure.message));
        }
        Ok(Err(failure)) => {
            return Err(match failure.panic {
                Some(panic) => Failed::Panicked(panic),
                None => Failed::Report(failure.message),
            });
        }
        Err(fault) => {
            let program = guard
                .as_ref()
                .map(|s| s.program().display().to_string())
                .unwrap_or_default();
            if let Some(server) = guard.take() {
                server.kill();
            }
            return Err(Failed::Report(match fault {
                Fault::Stopped(message) => {
                    format!("{message}\n(the next expansion starts a new server)")
                }
                Fault::TimedOut => format!(
                    "macro `{name}` in {} did not finish within its time limit of {:?}, and the \
                     procbox server ({program}) did not report it: the server was killed",
                    component.file, component.timeout
                ),
            }));
        }
    };
    drop(guard);
    Ok(expanded)
}

/// Sends `request` and answers the server's span queries until it is done.
fn run(
    server: &mut Server,
    component: &Component,
    request: Expand,
    spans: &mut SpanTable,
) -> Result<Result<Expanded, Failure>, Fault> {
    server.send(&ClientMessage::Expand(request))?;
    let deadline = Instant::now() + component.timeout + GRACE;
    loop {
        match server.receive(deadline)? {
            ServerMessage::SpanQuery(query) => {
                let answer = spans::answer(spans, query)
                    .map_err(|e| Fault::Stopped(format!("the procbox server misbehaved: {e}")))?;
                server.send(&ClientMessage::SpanAnswer(answer))?;
            }
            ServerMessage::Expanded(expanded) => return Ok(Ok(expanded)),
            ServerMessage::Failed(failure) => return Ok(Err(failure)),
            _ => return Err(out_of_turn()),
        }
    }
}

/// The component's number in `server`, loading it first if needed.
fn load(server: &mut Server, component: &Component) -> Result<Result<u32, Failure>, Fault> {
    if let Some(number) = server.loaded(component.sha256) {
        return Ok(Ok(number));
    }
    let number = server.next_number();
    server.send(&ClientMessage::Load(Load {
        component: number,
        name: component.file.to_owned(),
        sha256: component.sha256.to_owned(),
        bytes: component.bytes.to_vec(),
    }))?;
    // Loading compiles the component on its first use on this machine.
    match server.receive(Instant::now() + LOADING)? {
        ServerMessage::Loaded(loaded) if loaded == number => {
            Ok(Ok(server.record_loaded(component.sha256)))
        }
        ServerMessage::Failed(failure) => Ok(Err(failure)),
        _ => Err(out_of_turn()),
    }
}

fn out_of_turn() -> Fault {
    Fault::Stopped("it sent a message out of turn".to_owned())
}

/// The server slot, even if an expansion panicked holding it: the server
/// is then in an unknown state, so it is dropped.
fn lock_server() -> MutexGuard<'static, Option<Server>> {
    SERVER.lock().unwrap_or_else(|poisoned| {
        let mut guard = poisoned.into_inner();
        if let Some(server) = guard.take() {
            server.kill();
        }
        SERVER.clear_poison();
        guard
    })
}
