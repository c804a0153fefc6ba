//! [`Connection`]: the server's stdin and stdout, shared by the message loop,
//! the span oracle (which asks the client mid-expansion) and the watchdog
//! (which reports a timeout before ending the process).

use std::io::{self, BufReader, Stdin, Stdout};
use std::sync::{Arc, Mutex, MutexGuard};

use procbox_host::protocol::frame;
use procbox_host::protocol::{ClientMessage, ServerMessage};

/// Both ends of the pipe to the client. Cheap to clone.
#[derive(Clone)]
pub struct Connection {
    input: Arc<Mutex<BufReader<Stdin>>>,
    output: Arc<Mutex<Stdout>>,
}

impl Connection {
    /// The process's stdin and stdout. Nothing else in the server may write
    /// to stdout: it carries only frames.
    pub fn stdio() -> Connection {
        Connection {
            input: Arc::new(Mutex::new(BufReader::new(io::stdin()))),
            output: Arc::new(Mutex::new(io::stdout())),
        }
    }

    /// The next message from the client; `None` when it closed the pipe.
    pub fn receive(&self) -> io::Result<Option<ClientMessage>> {
        frame::receive(&mut *lock(&self.input))
    }

    /// Sends one message, whole (frames never interleave).
    pub fn send(&self, message: &ServerMessage) -> io::Result<()> {
        frame::send(&mut *lock(&self.output), message)
    }
}

/// The lock, even if a thread panicked holding it: a frame is written or read
/// whole inside it, and a panic ends the server anyway.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What kind of message it is, for errors.
pub fn describe(message: &ClientMessage) -> &'static str {
    match message {
        ClientMessage::Hello(_) => "a greeting",
        ClientMessage::Load(_) => "a component",
        ClientMessage::Expand(_) => "an expansion",
        ClientMessage::SpanAnswer(_) => "a span answer",
    }
}
