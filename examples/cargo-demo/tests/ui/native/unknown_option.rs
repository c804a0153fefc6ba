use json_derive_native::field_names;

#[field_names(lowercase)]
struct Settings {
    verbose: bool,
}

fn main() {}
