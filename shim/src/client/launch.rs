//! Finding `procbox` and starting a server that speaks this shim's protocol.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use procbox_protocol::{ClientHello, ClientMessage, PROTOCOL_VERSION, ServerMessage};

use super::server::{Fault, Server};

/// How long a new server may take to greet: loading its engine is quick, but
/// the machine may be busy with a parallel build.
const GREETING: Duration = Duration::from_secs(60);

/// The program's file name.
const PROGRAM: &str = if cfg!(windows) {
    "procbox.exe"
} else {
    "procbox"
};

/// Starts a server and checks it speaks this shim's protocol.
pub(crate) fn start() -> Result<Server, String> {
    let program = find()?;
    let mut server = Server::spawn(&program).map_err(|e| {
        format!(
            "cannot start the procbox server {}: {e}; install it with `{}`",
            program.display(),
            install_command()
        )
    })?;
    let hello = ClientMessage::Hello(ClientHello {
        version: PROTOCOL_VERSION,
    });
    let greeting = server
        .send(&hello)
        .and_then(|()| server.receive(Instant::now() + GREETING));
    match greeting {
        Ok(ServerMessage::Hello(hello)) if hello.version == PROTOCOL_VERSION => Ok(server),
        Ok(ServerMessage::Hello(hello)) => {
            let message = format!(
                "{} is procbox {}, whose server speaks protocol version {}, but this shim speaks \
                 version {PROTOCOL_VERSION}: install the procbox this shim was made for with `{}` \
                 (or generate the shim again with the installed one: `procbox shim`)",
                program.display(),
                hello.procbox,
                hello.version,
                install_command()
            );
            server.kill();
            Err(message)
        }
        Ok(_) => {
            server.kill();
            Err(format!(
                "{} did not greet as a procbox server; set PROCBOX to the procbox program",
                program.display()
            ))
        }
        Err(Fault::Stopped(message)) => {
            server.kill();
            Err(message)
        }
        Err(Fault::TimedOut) => {
            server.kill();
            Err(format!(
                "the procbox server {} did not answer within {} s",
                program.display(),
                GREETING.as_secs()
            ))
        }
    }
}

/// `$PROCBOX`, else `procbox` on `PATH`, else `~/.cargo/bin/procbox`.
fn find() -> Result<PathBuf, String> {
    if let Some(program) = std::env::var_os("PROCBOX").filter(|p| !p.is_empty()) {
        let program = PathBuf::from(program);
        return match program.is_file() {
            true => Ok(program),
            false => Err(format!(
                "PROCBOX is set to {}, which is not a file; point it at the procbox program, or \
                 install procbox with `{}`",
                program.display(),
                install_command()
            )),
        };
    }
    let on_path = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(PROGRAM))
        .find(|program| program.is_file());
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    let in_cargo_home = cargo_home
        .map(|home| home.join("bin").join(PROGRAM))
        .filter(|program| program.is_file());
    on_path.or(in_cargo_home).ok_or_else(|| {
        format!(
            "cannot find `procbox`, the program that runs this crate's sandboxed macros (looked \
             at $PROCBOX, on PATH and in ~/.cargo/bin): install it with `{}`",
            install_command()
        )
    })
}

/// The command that installs the procbox this shim belongs to: from the
/// source tree it was built from, when that is still there.
pub(crate) fn install_command() -> String {
    let cli = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("cli");
    match cli.join("Cargo.toml").is_file() {
        true => format!(
            "cargo install --locked --path {}",
            cli.canonicalize().unwrap_or(cli).display()
        ),
        false => "cargo install --locked procbox-cli".to_owned(),
    }
}
