use zerocopy::{FromBytes, IntoBytes};

#[derive(FromBytes)]
pub enum Flag {
    On,
    Off,
}

#[derive(IntoBytes)]
pub struct NoRepr {
    a: u8,
    b: u32,
}

fn main() {}
