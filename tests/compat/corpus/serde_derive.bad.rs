use serde::Serialize;

#[derive(Serialize)]
pub struct User {
    #[serde(rename_al = "x")]
    name: String,
}

fn main() {}
