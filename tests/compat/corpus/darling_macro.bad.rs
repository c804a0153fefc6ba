use darling::FromMeta;

#[derive(Debug, FromMeta)]
pub struct Options {
    #[darling(defualt)]
    verbose: bool,
}

#[derive(Debug, FromMeta)]
#[darling(rename_all = "shouting")]
pub struct Other {
    name: String,
}

fn main() {}
