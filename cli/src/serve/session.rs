//! [`Session`]: the components a client loaded, and running its requests.

use std::collections::HashMap;
use std::time::Duration;

use procbox_host::protocol::{Expand, Expanded, Failure, FailureKind, Load, ServerMessage};
use procbox_host::{Error, FlatInvocation, Grants, Host, MacroComponent, sha256_hex};

use super::connection::Connection;
use super::oracle::ClientOracle;
use super::watchdog::Watchdog;

/// A component the client loaded, and its variants linked for each grant
/// set it was used with (linking is done once per grant set).
struct Loaded {
    component: MacroComponent,
    granted: Vec<(Grants, MacroComponent)>,
}

/// What one client has loaded into this server.
pub struct Session {
    host: Host,
    connection: Connection,
    watchdog: Watchdog,
    components: HashMap<u32, Loaded>,
}

impl Session {
    pub fn new(host: Host, connection: Connection, watchdog: Watchdog) -> Session {
        Session {
            host,
            connection,
            watchdog,
            components: HashMap::new(),
        }
    }

    /// Loads a component, once its bytes are checked against the SHA-256 the
    /// client says they were reviewed as.
    pub fn load(&mut self, load: Load) -> ServerMessage {
        let actual = sha256_hex(&load.bytes);
        let expected = load.sha256.to_ascii_lowercase();
        if actual != expected {
            return failed(
                FailureKind::HashMismatch,
                format!(
                    "the macro component {} is not the one this shim was generated from: its \
                     SHA-256 is {actual}, the shim expects {expected}; if it changed on purpose, \
                     review the new version (`procbox review`) and generate the shim again \
                     (`procbox shim`)",
                    load.name
                ),
            );
        }
        match self
            .host
            .load_checked_bytes(load.name, &load.bytes, &actual)
        {
            Ok(component) => {
                self.components.insert(
                    load.component,
                    Loaded {
                        component,
                        granted: Vec::new(),
                    },
                );
                ServerMessage::Loaded(load.component)
            }
            Err(error) => failure(&error),
        }
    }

    /// Runs one expansion, asking the client about spans while it runs.
    pub fn expand(&mut self, expand: Expand) -> ServerMessage {
        let Some(loaded) = self.components.get_mut(&expand.component) else {
            return failed(
                FailureKind::Protocol,
                format!("component {} was never loaded", expand.component),
            );
        };
        let component = match granted(loaded, expand.grants) {
            Ok(component) => component,
            Err(error) => return failure(&error),
        };
        let limit = Duration::from_millis(u64::from(expand.timeout_ms));
        // The client owns the limit and says how to change it.
        let timeout = Failure {
            kind: FailureKind::Timeout,
            message: format!(
                "macro `{}` in {} ran longer than its time limit of {limit:?}",
                expand.name,
                component.name()
            ),
            panic: None,
        };
        self.watchdog.arm(limit, timeout);
        let result = component.expand_flat(
            FlatInvocation {
                kind: expand.kind,
                name: expand.name,
                input: expand.input,
                args: expand.args,
                span_count: expand.span_count,
                file: expand.file,
                cached: true,
            },
            Box::new(ClientOracle {
                connection: self.connection.clone(),
            }),
        );
        self.watchdog.disarm();
        // Literals the host checked were lexed into proc_macro2's source map
        // of this thread, which would otherwise grow for the server's life.
        proc_macro2::extra::invalidate_current_thread_spans();
        match result {
            Ok(expansion) => ServerMessage::Expanded(Expanded {
                tokens: expansion.tokens,
                diagnostics: expansion.diagnostics,
                files_read: expansion.files_read,
            }),
            Err(error) => failure(&error),
        }
    }
}

/// The component linked for `grants`, made on first use.
fn granted(loaded: &mut Loaded, grants: Grants) -> Result<MacroComponent, Error> {
    if let Some((_, component)) = loaded.granted.iter().find(|(g, _)| *g == grants) {
        return Ok(component.clone());
    }
    let component = loaded.component.with_grants(&grants)?;
    loaded.granted.push((grants, component.clone()));
    Ok(component)
}

fn failure(error: &Error) -> ServerMessage {
    ServerMessage::Failed(Failure {
        kind: error.failure_kind(),
        message: error.to_string(),
        panic: error.panic_message().map(str::to_owned),
    })
}

fn failed(kind: FailureKind, message: String) -> ServerMessage {
    ServerMessage::Failed(Failure {
        kind,
        message,
        panic: None,
    })
}
