use json_derive_shim::ToJson;

#[derive(ToJson)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
