use clap::Parser;

#[derive(Parser)]
struct Args {
    #[arg(shortt)]
    name: String,
}

fn main() {}
