//! [`Watchdog`]: ends the server when an expansion runs past its time limit.
//!
//! The server may run guests without epoch checks (faster), so nothing
//! inside wasmtime would stop a macro that loops. The watchdog does: it
//! tells the client the expansion timed out, then exits the process, which
//! is the only way to stop a guest that does not check. The client starts a
//! new server for its next expansion.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use procbox_host::protocol::{Failure, ServerMessage};

use super::connection::Connection;

/// The exit status of a server the watchdog ended.
pub const TIMED_OUT: i32 = 124;

/// One thread watching the running expansion's deadline.
pub struct Watchdog {
    shared: Arc<Shared>,
}

struct Shared {
    /// The running expansion's deadline and what to report past it.
    deadline: Mutex<Option<(Instant, Failure)>>,
    changed: Condvar,
}

impl Watchdog {
    /// Starts the thread; it reports on `connection`.
    pub fn start(connection: Connection) -> std::io::Result<Watchdog> {
        let shared = Arc::new(Shared {
            deadline: Mutex::new(None),
            changed: Condvar::new(),
        });
        let watched = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("procbox-watchdog".into())
            .spawn(move || watch(&watched, &connection))?;
        Ok(Watchdog { shared })
    }

    /// Watches an expansion that must end within `limit`, reporting `failure`
    /// if it does not.
    pub fn arm(&self, limit: Duration, failure: Failure) {
        *lock(&self.shared.deadline) = Some((Instant::now() + limit, failure));
        self.shared.changed.notify_one();
    }

    /// The expansion ended.
    pub fn disarm(&self) {
        *lock(&self.shared.deadline) = None;
        self.shared.changed.notify_one();
    }
}

fn watch(shared: &Shared, connection: &Connection) {
    let mut deadline = lock(&shared.deadline);
    loop {
        let wait = match &*deadline {
            None => None,
            Some((at, failure)) => match at.checked_duration_since(Instant::now()) {
                Some(left) if !left.is_zero() => Some(left),
                _ => {
                    // Best effort: the client kills a server that says
                    // nothing, too.
                    let _ = connection.send(&ServerMessage::Failed(failure.clone()));
                    std::process::exit(TIMED_OUT);
                }
            },
        };
        deadline = match wait {
            None => shared
                .changed
                .wait(deadline)
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            Some(left) => {
                shared
                    .changed
                    .wait_timeout(deadline, left)
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .0
            }
        };
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
