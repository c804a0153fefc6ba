use serde_with::{serde_as, DisplayFromStr};

#[serde_as]
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Config {
    #[serde_as(as = "DisplayFromStr")]
    port: u16,
}

fn main() {}
