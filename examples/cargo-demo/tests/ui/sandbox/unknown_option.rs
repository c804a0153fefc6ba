use json_derive_shim::field_names;

#[field_names(lowercase)]
struct Settings {
    verbose: bool,
}

fn main() {}
