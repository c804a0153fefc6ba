use num_enum::{IntoPrimitive, TryFromPrimitive};

#[derive(Debug, IntoPrimitive, TryFromPrimitive)]
#[repr(u8)]
pub enum Op {
    Add = 1,
    Sub = 2,
    Mul = 7,
}

fn main() {}
