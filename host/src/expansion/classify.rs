//! What a failed call means: the [`Error`] that says what happened, named
//! by the [`Site`] it happened at.

use wasmtime::Trap;

use super::store::ExpansionState;
use crate::error::chain;
use crate::imports::deny::Denied;
use crate::imports::spans::{InvalidSpan, OracleFailed, TooManySpans};
use crate::{Error, Limits};

/// Which component and macro an error is about.
pub(crate) struct Site<'a> {
    pub(crate) component: &'a str,
    pub(crate) name: &'a str,
}

/// The error for output that is not a valid token stream.
pub(crate) fn invalid_output(site: &Site<'_>, reason: String) -> Error {
    Error::InvalidOutput {
        component: site.component.to_owned(),
        name: site.name.to_owned(),
        reason,
    }
}

/// Turns a failed call into the error that says what happened.
pub(crate) fn classify(
    error: wasmtime::Error,
    state: &ExpansionState,
    site: &Site<'_>,
    limits: &Limits,
) -> Error {
    let component = site.component.to_owned();
    let name = site.name.to_owned();
    // Running out of memory aborts without a panic message, and a panic that
    // follows a refused allocation is a consequence of it: the limit first.
    if state.limiter.exceeded {
        return Error::MemoryLimit {
            component,
            name,
            limit: limits.memory,
        };
    }
    if let Some(panic) = state.panic() {
        return Error::GuestPanic {
            component,
            name,
            message: panic.message.clone(),
            location: panic.location.clone(),
        };
    }
    if let Some(denied) = error.downcast_ref::<Denied>() {
        return Error::Denied {
            component,
            name,
            interface: denied.interface.clone(),
            function: denied.function.clone(),
        };
    }
    if let Some((interface, function)) = undeclared_call(&error) {
        return Error::Undeclared {
            component,
            name,
            interface,
            function,
        };
    }
    if let Some(span) = error.downcast_ref::<InvalidSpan>() {
        return invalid_output(site, format!("it queried {span}"));
    }
    if error.downcast_ref::<TooManySpans>().is_some() {
        return invalid_output(site, chain(&error));
    }
    if let Some(OracleFailed(reason)) = error.downcast_ref::<OracleFailed>() {
        return Error::SpanQuery {
            component,
            name,
            reason: reason.clone(),
        };
    }
    if hostcall_fuel_exhausted(&error) {
        let limit = limits.hostcall_fuel();
        return Error::OutputTooLarge {
            component,
            name,
            // Its result, or the arguments of a call it made to the host.
            what: "more bytes than the host copies out of one call (its output limits together)"
                .to_owned(),
            limit,
        };
    }
    if let Some(Trap::Interrupt) = error.downcast_ref::<Trap>() {
        return Error::Timeout {
            component,
            name,
            limit: limits.timeout,
        };
    }
    Error::Trap {
        component,
        name,
        message: trap_message(&error),
    }
}

/// What a trap was, then where: the trap's own message first, and the
/// functions it happened in, names demangled, a run of the same function
/// (a recursion) said once with its count, at most [`FRAMES_SHOWN`] of them.
fn trap_message(error: &wasmtime::Error) -> String {
    let reason = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => error.root_cause().to_string(),
    };
    let Some(backtrace) = error.downcast_ref::<wasmtime::WasmBacktrace>() else {
        return reason;
    };
    let mut runs: Vec<(String, usize)> = Vec::new();
    for frame in backtrace.frames() {
        let function = match frame.func_name() {
            Some(name) => format!("{:#}", rustc_demangle::demangle(name)),
            None => format!("wasm function {}", frame.func_index()),
        };
        match runs.last_mut() {
            Some((last, count)) if *last == function => *count += 1,
            _ => runs.push((function, 1)),
        }
    }
    let mut place: Vec<String> = runs
        .iter()
        .take(FRAMES_SHOWN)
        .map(|(function, count)| match count {
            1 => function.clone(),
            n => format!("{function} ({n} frames)"),
        })
        .collect();
    if runs.len() > FRAMES_SHOWN {
        place.push(format!("{} more", runs.len() - FRAMES_SHOWN));
    }
    match place.is_empty() {
        true => reason,
        false => format!("{reason}, in {}", place.join(" < ")),
    }
}

/// How many functions of a trap's backtrace its message names.
const FRAMES_SHOWN: usize = 4;

/// Whether wasmtime stopped copying data out of the guest at the store's
/// hostcall fuel ([`Limits::hostcall_fuel`]). Its error type is private: the
/// message is all there is (`a_result_over_the_hostcall_fuel_is_too_large` in
/// the attack tests fails if it changes).
fn hostcall_fuel_exhausted(error: &wasmtime::Error) -> bool {
    error
        .chain()
        .any(|cause| cause.to_string().contains("fuel allocated for hostcalls"))
}

/// The undeclared import a trap happened in: `procbox-ld` names the function
/// standing in for it `procbox-undeclared:<interface>#<function>`.
fn undeclared_call(error: &wasmtime::Error) -> Option<(String, String)> {
    let backtrace = error.downcast_ref::<wasmtime::WasmBacktrace>()?;
    let frame = backtrace.frames().first()?;
    let stub = frame
        .func_name()?
        .strip_prefix(procbox_protocol::world::UNDECLARED_PREFIX)?;
    let (interface, function) = stub.split_once('#')?;
    Some((interface.to_owned(), function.to_owned()))
}
