use serde_with::serde_as;

#[serde_as(crate = 1)]
#[derive(serde::Serialize)]
pub struct Config {
    #[serde_as(as = "NoSuchAdapter", serialize_as = "x")]
    port: u16,
}

fn main() {}
