use derivative::Derivative;

#[derive(Derivative)]
#[derivative(Debug, Defualt)]
pub struct Config {
    #[derivative(Debug = "hide")]
    name: String,
}

fn main() {}
