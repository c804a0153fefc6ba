use clap::Parser;

/// A tool.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Who to greet.
    #[arg(short, long)]
    name: String,
    /// How often.
    #[arg(long, default_value_t = 1)]
    count: u8,
}

fn main() {
    let _ = Args::try_parse_from(["tool", "--name", "x"]);
}
