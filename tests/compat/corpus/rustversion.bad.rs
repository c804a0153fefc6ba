#[rustversion::since(1.7x)]
pub fn modern() -> bool {
    true
}

#[rustversion::sinse(1.70)]
pub fn other() {}

fn main() {}
