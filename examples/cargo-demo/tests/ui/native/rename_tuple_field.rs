use json_derive_native::ToJson;

#[derive(ToJson)]
struct Pair(#[json(rename = "first")] u8, u8);

fn main() {}
