//! `procbox`: inspect, expand and review macro components; check and record
//! capability approvals; generate the native shim that lets cargo use one.
//!
//! Errors are printed as one `error:` line with their causes, never as a
//! panic or backtrace; `-v` adds detail (cache use, timings).

mod approvals;
mod cache;
mod describe;
mod expand;
mod grants;
mod load;
mod port;
mod render;
mod review;
mod sandbox;
mod serve;
mod shim;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Run Rust procedural macros compiled to WebAssembly components, in a sandbox.
#[derive(Parser)]
#[command(name = "procbox", version, about, max_term_width = 100)]
struct Cli {
    /// Say more: where compiled components are cached, what each step did.
    #[arg(short, long, global = true)]
    verbose: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Show a component's macros, declared capabilities, WIT imports and
    /// exports, size and content hash.
    Inspect {
        /// The macro component (`.wasm`).
        component: PathBuf,
        /// Print JSON instead of text, for tools.
        #[arg(long)]
        json: bool,
    },
    /// Expand every use of a component's macros in a Rust file and print the
    /// file, pretty-printed.
    Expand {
        /// The macro component (`.wasm`); repeat for several.
        #[arg(long = "macro", short = 'm', value_name = "COMPONENT", required = true)]
        components: Vec<PathBuf>,
        /// Grant a capability the component declares: `random-seed[=SEED]`,
        /// `fs-read[=DIR]` (default: the current directory),
        /// `env=NAME[=VALUE]` (default: the value in this environment).
        #[arg(long = "grant", short = 'g', value_name = "CAPABILITY")]
        grants: Vec<procbox_host::protocol::Grant>,
        /// The Rust source file.
        file: PathBuf,
    },
    /// Compare two versions of a component: macros and capabilities added or
    /// removed, content hash. Exits with status 2 when capabilities grew.
    Review {
        /// The version in use: a component, or the directory of the shim
        /// that embeds it.
        old: PathBuf,
        /// The candidate.
        new: PathBuf,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Fail, naming the macro and the capability, when a component declares a
    /// capability its approval does not cover.
    Check {
        /// The macro components (`.wasm`).
        #[arg(required = true)]
        components: Vec<PathBuf>,
        /// The approvals file.
        #[arg(long, default_value = approvals::DEFAULT_FILE)]
        approvals: PathBuf,
    },
    /// Record that the capabilities a component declares are approved.
    Approve {
        /// The macro components (`.wasm`).
        #[arg(required = true)]
        components: Vec<PathBuf>,
        /// The approvals file (created if missing).
        #[arg(long, default_value = approvals::DEFAULT_FILE)]
        approvals: PathBuf,
    },
    /// Generate a native `proc-macro` crate that embeds the component and
    /// runs it in the sandbox, for an ordinary `cargo build`.
    Shim(shim::ShimArgs),
    /// Port an unmodified proc-macro crate (crates.io or a directory) to a
    /// macro component: rewrite a copy for the SDK, build it with
    /// procbox-ld, print the component, what it declares and the diff.
    Port(port::PortArgs),
    /// Sandbox a crates.io macro crate the project uses: port it, generate
    /// its shim under the same name, version and features in `procbox/NAME`,
    /// and patch the workspace to use it.
    Sandbox(sandbox::SandboxArgs),
    /// Undo `procbox sandbox`: remove the patch and the shim.
    Unsandbox(sandbox::UnsandboxArgs),
    /// Serve expansions to the native shims inside rustc over stdin and
    /// stdout (started by the shims themselves; not for interactive use).
    Serve(serve::ServeArgs),
    /// The recorded expansions (`PROCBOX_EXPANSIONS`, else the per-user
    /// cache): list, show, stats, clear.
    #[command(subcommand)]
    Cache(cache::CacheCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    // `serve` builds a host of its own; the other commands share this one.
    let loader = || load::Loader::new(cli.verbose);
    match cli.command {
        Command::Inspect { component, json } => describe::inspect(&loader()?, &component, json),
        Command::Expand {
            components,
            grants,
            file,
        } => expand::run(&loader()?, &components, &grants, &file),
        Command::Review { old, new, json } => review::run(&loader()?, &old, &new, json),
        Command::Check {
            components,
            approvals,
        } => approvals::check(&loader()?, &components, &approvals),
        Command::Approve {
            components,
            approvals,
        } => approvals::approve(&loader()?, &components, &approvals),
        Command::Shim(args) => shim::run(&loader()?, &args),
        Command::Port(args) => port::run(&loader()?, &args),
        Command::Sandbox(args) => sandbox::sandbox(&loader()?, &args),
        Command::Unsandbox(args) => sandbox::unsandbox(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Cache(command) => cache::run(&command),
    }
}
