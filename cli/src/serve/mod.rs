//! `procbox serve`: the expansion server the native shims inside rustc talk
//! to, over stdin and stdout, in the messages of `procbox_protocol`.
//!
//! One server per client: the shim starts it on the first expansion in a
//! rustc process, and it exits when its stdin ends. It holds one engine, the
//! compiled-code cache, the components the client sent, and runs each
//! expansion in a fresh instance under the host's limits, asking the client
//! about spans (the client holds the compiler's). A [`watchdog`] ends the
//! process when an expansion runs past its time limit, so guests can run
//! without epoch checks.

mod connection;
mod oracle;
mod session;
mod watchdog;

use std::process::ExitCode;

use anyhow::Context;
use procbox_host::protocol::{ClientMessage, PROTOCOL_VERSION, ServerHello, ServerMessage};
use procbox_host::{ExpansionCache, Host};

use connection::{Connection, describe};
use session::Session;
use watchdog::Watchdog;

/// Arguments of `procbox serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Also enforce time limits inside wasmtime (epoch interruption), not
    /// only with the watchdog: slower guests, but a timeout does not end the
    /// server.
    #[arg(long)]
    epochs: bool,
}

/// `procbox serve`: answers one client until it closes stdin.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let connection = Connection::stdio();
    match connection
        .receive()
        .context("reading the client's greeting")?
    {
        None => return Ok(ExitCode::SUCCESS),
        Some(ClientMessage::Hello(hello)) => {
            connection
                .send(&ServerMessage::Hello(ServerHello {
                    version: PROTOCOL_VERSION,
                    procbox: env!("CARGO_PKG_VERSION").to_owned(),
                }))
                .context("greeting the client")?;
            if hello.version != PROTOCOL_VERSION {
                // The client reports the mismatch; it knows what to install.
                return Ok(ExitCode::FAILURE);
            }
        }
        Some(other) => anyhow::bail!(
            "the client began with {} instead of a greeting",
            describe(&other)
        ),
    }
    let mut host = Host::builder().epoch_interruption(args.epochs);
    // A bad setting stops the server; the shim shows why (its stderr).
    if let Some(cache) = ExpansionCache::from_environment().map_err(anyhow::Error::msg)? {
        host = host.expansion_cache(cache);
    }
    let host = host.build().context("cannot start the procbox host")?;
    let watchdog = Watchdog::start(connection.clone()).context("cannot start the watchdog")?;
    let mut session = Session::new(host, connection.clone(), watchdog);
    while let Some(message) = connection.receive().context("reading from the client")? {
        let reply = match message {
            ClientMessage::Load(load) => session.load(load),
            ClientMessage::Expand(expand) => session.expand(expand),
            other => anyhow::bail!("the client sent {} outside an expansion", describe(&other)),
        };
        connection.send(&reply).context("answering the client")?;
    }
    Ok(ExitCode::SUCCESS)
}
