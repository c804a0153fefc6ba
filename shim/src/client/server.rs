//! [`Server`]: one `procbox serve` child process, and the pipes to it.
//!
//! Its stdout is read on the expanding thread itself. A timer thread ends
//! the server when an answer is late, which ends the read too: std has no
//! read with a deadline on a pipe, and a thread that relayed every message
//! would cost two thread switches per message. Its stderr is kept (the last
//! few KiB) by another thread, for the message when it stops unexpectedly.

use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread::Thread;
use std::time::{Duration, Instant};

use procbox_protocol::frame;
use procbox_protocol::{ClientMessage, ServerMessage};

/// How much of the server's stderr is kept for messages.
const STDERR_TAIL: usize = 4096;

/// How often the timer looks at the deadline while expansions run: a late
/// server is ended up to this much later. (It looks rather than being woken,
/// so that setting the deadline for each answer costs no thread switch.)
const TICK: Duration = Duration::from_millis(20);

/// After this long without a deadline the timer sleeps until woken, so an
/// idle process (rust-analyzer's proc-macro server) has no thread that
/// wakes up on its own.
const IDLE: Duration = Duration::from_secs(1);

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
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    timer: Arc<Timer>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_done: Receiver<()>,
    /// The SHA-256 of each component it loaded; the index is its number.
    loaded: Vec<&'static str>,
}

/// What the timer thread shares with the server.
struct Timer {
    child: Mutex<Child>,
    /// When the awaited answer is late.
    deadline: Mutex<Option<Instant>>,
    /// Set when the timer ended the server.
    fired: AtomicBool,
    /// Set when the server is done with, to end the thread.
    stop: AtomicBool,
    /// Set while the thread sleeps until woken.
    parked: AtomicBool,
    /// The thread, to wake it.
    thread: OnceLock<Thread>,
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
        let (Some(stdin), Some(stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(io::Error::other("the server's pipes were not set up"));
        };
        let timer = Arc::new(Timer {
            child: Mutex::new(child),
            deadline: Mutex::new(None),
            fired: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            thread: OnceLock::new(),
        });
        let watched = Arc::clone(&timer);
        let started = std::thread::Builder::new()
            .name("procbox-shim-timer".into())
            .spawn(move || watched.run());
        match started {
            Ok(handle) => {
                let _ = timer.thread.set(handle.thread().clone());
            }
            Err(e) => {
                timer.end();
                return Err(e);
            }
        }
        let tail = Arc::new(Mutex::new(Vec::new()));
        let (done, stderr_done) = mpsc::channel();
        let kept = Arc::clone(&tail);
        let started = std::thread::Builder::new()
            .name("procbox-shim-stderr".into())
            .spawn(move || {
                let mut chunk = [0u8; 1024];
                while let Ok(n @ 1..) = stderr.read(&mut chunk) {
                    let mut tail = lock(&kept);
                    tail.extend_from_slice(&chunk[..n]);
                    let excess = tail.len().saturating_sub(STDERR_TAIL);
                    tail.drain(..excess);
                }
                let _ = done.send(());
            });
        if let Err(e) = started {
            timer.end();
            return Err(e);
        }
        Ok(Server {
            program: program.to_owned(),
            stdin,
            stdout: BufReader::new(stdout),
            timer,
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

    /// The next message, waiting until `deadline` at most (past it, the
    /// server is ended).
    pub(crate) fn receive(&mut self, deadline: Instant) -> Result<ServerMessage, Fault> {
        self.timer.set(deadline);
        let received = frame::receive::<ServerMessage>(&mut self.stdout);
        *lock(&self.timer.deadline) = None;
        if self.timer.fired.load(Ordering::SeqCst) {
            return Err(Fault::TimedOut);
        }
        match received {
            Ok(Some(message)) => Ok(message),
            Ok(None) => Err(self.stopped(&io::ErrorKind::UnexpectedEof.into())),
            Err(e) => Err(self.stopped(&e)),
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
        let tail = lock(&self.stderr);
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
            match lock(&self.timer.child).try_wait() {
                Ok(Some(status)) => return Some(status),
                Ok(None) if Instant::now() < until => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                _ => return None,
            }
        }
    }

    /// Ends it (if it has not ended) and reaps it.
    pub(crate) fn kill(self) {
        self.timer.end();
    }
}

impl Timer {
    /// The timer thread: ends the server once a deadline passes, or stops.
    fn run(&self) {
        let mut idle_since = Instant::now();
        while !self.stop.load(Ordering::SeqCst) {
            let deadline = *lock(&self.deadline);
            match deadline {
                Some(at) if Instant::now() >= at => {
                    self.fired.store(true, Ordering::SeqCst);
                    let _ = lock(&self.child).kill();
                    return;
                }
                Some(_) => idle_since = Instant::now(),
                None if idle_since.elapsed() >= IDLE => {
                    // Say so before looking once more: `set` either sees
                    // `parked` and wakes the thread, or set its deadline
                    // before this look.
                    self.parked.store(true, Ordering::SeqCst);
                    if lock(&self.deadline).is_none() && !self.stop.load(Ordering::SeqCst) {
                        std::thread::park();
                    }
                    self.parked.store(false, Ordering::SeqCst);
                    idle_since = Instant::now();
                    continue;
                }
                None => {}
            }
            std::thread::sleep(TICK);
        }
    }

    /// Sets the deadline of the awaited answer, waking the thread if it
    /// sleeps until woken.
    fn set(&self, deadline: Instant) {
        *lock(&self.deadline) = Some(deadline);
        self.wake();
    }

    fn wake(&self) {
        if self.parked.load(Ordering::SeqCst)
            && let Some(thread) = self.thread.get()
        {
            thread.unpark();
        }
    }

    /// Stops the thread, and ends and reaps the server.
    fn end(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wake();
        let mut child = lock(&self.child);
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// The lock, even if a thread panicked holding it (the data stays usable).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
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
