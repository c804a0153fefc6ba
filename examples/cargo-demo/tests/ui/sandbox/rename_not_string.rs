use json_derive_shim::ToJson;

#[derive(ToJson)]
struct Account {
    #[json(rename = 5)]
    id: u64,
}

fn main() {}
