#[derive(serde_repr::Serialize_repr)]
pub enum Level {
    Low = 1,
    High = 9,
}

fn main() {}
