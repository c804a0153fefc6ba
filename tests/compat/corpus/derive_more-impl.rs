use derive_more::{Add, Display, From};

#[derive(Add, From, Display, Clone, Copy)]
#[display("{_0}m")]
pub struct Meters(f64);

#[derive(From, Display)]
pub enum Value {
    #[display("int {_0}")]
    Int(i64),
    #[display("text {_0}")]
    Text(String),
}

fn main() {}
