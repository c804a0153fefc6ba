//! A `procbox` that misbehaves as `FAKE_PROCBOX_MODE` says:
//!
//! - `version`: greets with a protocol version one above the shim's;
//! - `crash-once`: the first time (no `FAKE_PROCBOX_MARKER` file yet), it
//!   greets, then writes to stderr and exits with status 3 when asked to
//!   expand; later, it runs the real server, `FAKE_PROCBOX_REAL serve`;
//! - `hang`: greets, then never answers an expansion.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::process::Command;

use procbox_protocol::frame::{receive, send};
use procbox_protocol::{ClientMessage, PROTOCOL_VERSION, ServerHello, ServerMessage};

fn main() {
    let mode = std::env::var("FAKE_PROCBOX_MODE").unwrap_or_default();
    if mode == "crash-once" {
        let marker = std::env::var_os("FAKE_PROCBOX_MARKER").expect("FAKE_PROCBOX_MARKER");
        if std::fs::exists(&marker).expect("checks the marker") {
            let real = std::env::var_os("FAKE_PROCBOX_REAL").expect("FAKE_PROCBOX_REAL");
            let error = Command::new(real).arg("serve").exec();
            panic!("cannot run the real server: {error}");
        }
        std::fs::write(&marker, b"crashed once").expect("writes the marker");
    }
    let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
    let version = match mode.as_str() {
        "version" => PROTOCOL_VERSION + 1,
        _ => PROTOCOL_VERSION,
    };
    while let Ok(Some(message)) = receive::<ClientMessage>(&mut input) {
        match message {
            ClientMessage::Hello(_) => {
                let hello = ServerMessage::Hello(ServerHello {
                    version,
                    procbox: "9.9.9-fake".into(),
                });
                send(&mut output, &hello).expect("greets");
            }
            ClientMessage::Load(load) => {
                send(&mut output, &ServerMessage::Loaded(load.component)).expect("answers");
            }
            _ if mode == "hang" => loop {
                std::thread::park();
            },
            _ => {
                let _ = writeln!(std::io::stderr(), "fake server: simulated crash");
                std::process::exit(3);
            }
        }
    }
}
