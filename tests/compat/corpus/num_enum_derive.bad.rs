use num_enum::TryFromPrimitive;

#[derive(TryFromPrimitive)]
pub enum NoRepr {
    A = 1,
}

#[derive(TryFromPrimitive)]
#[repr(u8)]
pub enum Twice {
    #[num_enum(alternatives = [1])]
    A = 1,
}

fn main() {}
