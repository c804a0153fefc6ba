use strum::{Display, EnumIter, EnumString};

#[derive(Debug, Display, EnumString, EnumIter)]
pub enum Color {
    Red,
    #[strum(serialize = "verde")]
    Green,
    Blue { hue: u8 },
}

fn main() {}
