use bytemuck::{Pod, Zeroable};

#[derive(Clone, Copy, Pod, Zeroable)]
pub struct NoRepr {
    a: u8,
}

#[derive(Clone, Copy, Pod)]
#[repr(C)]
pub enum NotAStruct {
    A,
}

fn main() {}
