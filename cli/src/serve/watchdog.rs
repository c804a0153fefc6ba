//! [`Watchdog`]: ends the server when an expansion runs past its time limit.
//!
//! The server runs guests without epoch checks (faster), so nothing inside
//! wasmtime would stop a macro that loops. The watchdog does: it tells the
//! client the expansion timed out, then exits the process, which is the only
//! way to stop a guest that does not check. The client starts a new server
//! for its next expansion.
//!
//! It looks every [`TICK`] rather than being woken: arming and disarming it
//! around each expansion is then two stores, not two wake-ups of a thread.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use procbox_host::protocol::{Failure, ServerMessage};

use super::connection::Connection;

/// The exit status of a server the watchdog ended.
pub const TIMED_OUT: i32 = 124;

/// How often the watchdog looks: a timeout fires up to this late.
const TICK: Duration = Duration::from_millis(20);

/// One thread watching the running expansion's deadline.
pub struct Watchdog {
    /// The running expansion's deadline and what to report past it.
    deadline: Arc<Mutex<Option<(Instant, Failure)>>>,
}

impl Watchdog {
    /// Starts the thread; it reports on `connection`.
    pub fn start(connection: Connection) -> std::io::Result<Watchdog> {
        let deadline = Arc::new(Mutex::new(None::<(Instant, Failure)>));
        let watched = Arc::clone(&deadline);
        std::thread::Builder::new()
            .name("procbox-watchdog".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(TICK);
                    let expired = match &*lock(&watched) {
                        Some((at, failure)) if Instant::now() >= *at => failure.clone(),
                        _ => continue,
                    };
                    // Best effort: the client kills a server that says
                    // nothing, too.
                    let _ = connection.send(&ServerMessage::Failed(expired));
                    std::process::exit(TIMED_OUT);
                }
            })?;
        Ok(Watchdog { deadline })
    }

    /// Watches an expansion that must end within `limit`, reporting `failure`
    /// if it does not.
    pub fn arm(&self, limit: Duration, failure: Failure) {
        *lock(&self.deadline) = Some((Instant::now() + limit, failure));
    }

    /// The expansion ended.
    pub fn disarm(&self) {
        *lock(&self.deadline) = None;
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
