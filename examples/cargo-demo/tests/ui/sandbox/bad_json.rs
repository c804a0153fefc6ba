use json_derive_shim::json_literal;

const TAGS: &str = json_literal!({ "tags": [1, 2,, 3] });

fn main() {}
