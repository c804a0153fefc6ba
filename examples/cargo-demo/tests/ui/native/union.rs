use json_derive_native::ToJson;

#[derive(ToJson)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
