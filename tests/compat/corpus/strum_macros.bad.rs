#[derive(strum::EnumString)]
pub enum Color {
    #[strum(serialise = "r")]
    Red,
}

fn main() {}
