use derive_more::{Display, From};

#[derive(Display)]
#[display("{_1}m")]
pub struct Meters(f64);

#[derive(From)]
#[from(forward, unknown)]
pub struct Wrapper(u32);

fn main() {}
