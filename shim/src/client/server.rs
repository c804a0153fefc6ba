//! [`Server`]: one `procbox serve` child process, and the pipes to it.
//!
//! Its stdout is read by a thread of its own into a channel, so that every
//! wait for it can have a deadline; its stderr is kept (the last few KiB) by
//! another, for the message when it stops unexpectedly.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use procbox_protocol::frame;
use procbox_protocol::{ClientMessage, ServerMessage};

/// How much of the server's stderr is kept for messages.
const STDERR_TAIL: usize = 4096;

/// Why the server did not answer.
pub(crate) enum Fault {
    /// It stopped, or sent something that is not a message; the text says
    /// what happened, with the end of its stderr.
    Stopped(String),
    /// No answer before the deadline.
    TimedOut,
}

/// A running server.
pub(crate) struct Server {
    program: PathBuf,
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<io::Result<ServerMessage>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_done: Receiver<()>,
    /// The SHA-256 of each component it loaded; the index is its number.
    loaded: Vec<&'static str>,
}

impl Server {
    /// Starts `program serve`.
    pub(crate) fn spawn(program: &Path) -> io::Result<Server> {
        let mut child = Command::new(program)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            // Piped, never inherited: cargo waits for rustc's stderr to
            // close, which an inherited copy in a server could delay.
            .stderr(Stdio::piped())
            .spawn()?;
        let (Some(stdin), Some(mut stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            return Err(io::Error::other("the server's pipes were not set up"));
        };
        let (sender, messages) = mpsc::channel();
        std::thread::Builder::new()
            .name("procbox-shim-reader".into())
            .spawn(move || {
                loop {
                    let message = match frame::receive::<ServerMessage>(&mut stdout) {
                        Ok(Some(message)) => Ok(message),
                        Ok(None) => Err(io::ErrorKind::UnexpectedEof.into()),
                        Err(e) => Err(e),
                    };
                    let stop = message.is_err();
                    if sender.send(message).is_err() || stop {
                        break;
                    }
                }
            })?;
        let tail = Arc::new(Mutex::new(Vec::new()));
        let (done, stderr_done) = mpsc::channel();
        let kept = Arc::clone(&tail);
        std::thread::Builder::new()
            .name("procbox-shim-stderr".into())
            .spawn(move || {
                let mut chunk = [0u8; 1024];
                while let Ok(n @ 1..) = stderr.read(&mut chunk) {
                    let mut tail = kept.lock().unwrap_or_else(|p| p.into_inner());
                    tail.extend_from_slice(&chunk[..n]);
                    let excess = tail.len().saturating_sub(STDERR_TAIL);
                    tail.drain(..excess);
                }
                let _ = done.send(());
            })?;
        Ok(Server {
            program: program.to_owned(),
            child,
            stdin,
            messages,
            stderr: tail,
            stderr_done,
            loaded: Vec::new(),
        })
    }

    /// The program it runs.
    pub(crate) fn program(&self) -> &Path {
        &self.program
    }

    /// The number of the component with this SHA-256, if it was loaded.
    pub(crate) fn loaded(&self, sha256: &str) -> Option<u32> {
        self.loaded
            .iter()
            .position(|&loaded| loaded == sha256)
            .map(|index| index as u32)
    }

    /// Records that the component with this SHA-256 was loaded as the next
    /// number, and returns it.
    pub(crate) fn record_loaded(&mut self, sha256: &'static str) -> u32 {
        self.loaded.push(sha256);
        (self.loaded.len() - 1) as u32
    }

    /// The number the next loaded component gets.
    pub(crate) fn next_number(&self) -> u32 {
        self.loaded.len() as u32
    }

    /// Sends one message.
    pub(crate) fn send(&mut self, message: &ClientMessage) -> Result<(), Fault> {
        frame::send(&mut self.stdin, message).map_err(|e| self.stopped(&e))
    }

    /// The next message, waiting until `deadline` at most.
    pub(crate) fn receive(&mut self, deadline: Instant) -> Result<ServerMessage, Fault> {
        let wait = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(wait) {
            Ok(Ok(message)) => Ok(message),
            Ok(Err(e)) => Err(self.stopped(&e)),
            Err(RecvTimeoutError::Timeout) => Err(Fault::TimedOut),
            Err(RecvTimeoutError::Disconnected) => {
                Err(self.stopped(&io::Error::other("its reader thread ended")))
            }
        }
    }

    /// What happened to a server that stopped talking: how it ended (or that
    /// it is killed now), and the end of what it wrote to stderr.
    fn stopped(&mut self, error: &io::Error) -> Fault {
        let status = self.exit_status(Duration::from_secs(1));
        // Its stderr closes when it exits; wait a moment for the last bytes.
        let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
        let how = match status {
            Some(status) => describe(status),
            None if error.kind() == io::ErrorKind::UnexpectedEof => {
                "it closed its output".to_owned()
            }
            None => format!("it sent something that is not a procbox message ({error})"),
        };
        let tail = self.stderr.lock().unwrap_or_else(|p| p.into_inner());
        let tail = String::from_utf8_lossy(&tail);
        let tail = tail.trim();
        let mut message = format!(
            "the procbox server ({}) stopped: {how}",
            self.program.display()
        );
        if !tail.is_empty() {
            message.push_str("; the end of its error output:\n");
            message.push_str(tail);
        }
        Fault::Stopped(message)
    }

    /// Its exit status, waiting up to `wait` for it to exit.
    fn exit_status(&mut self, wait: Duration) -> Option<ExitStatus> {
        let until = Instant::now() + wait;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => return None,
            }
        }
    }

    /// Ends it (if it has not ended) and reaps it.
    pub(crate) fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a process ended, in words.
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return format!("it was killed by signal {signal}");
        }
    }
    match status.code() {
        Some(code) => format!("it exited with status {code}"),
        None => "it exited".to_owned(),
    }
}
