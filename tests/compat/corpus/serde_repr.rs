use serde_repr::{Deserialize_repr, Serialize_repr};

#[derive(Serialize_repr, Deserialize_repr)]
#[repr(u8)]
pub enum Level {
    Low = 1,
    High = 9,
}

fn main() {}
