use darling::FromMeta;

#[derive(Debug, FromMeta)]
pub struct Options {
    name: String,
    #[darling(default)]
    verbose: bool,
}

fn main() {}
