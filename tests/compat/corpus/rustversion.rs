#[rustversion::since(1.70)]
pub fn modern() -> bool {
    true
}

#[rustversion::before(1.70)]
pub fn modern() -> bool {
    false
}

fn main() {}
