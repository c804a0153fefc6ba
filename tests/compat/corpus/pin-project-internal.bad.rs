use pin_project::pin_project;

#[pin_project]
pub struct Timed<F> {
    #[pin(unexpected)]
    inner: F,
}

#[pin_project]
pub enum Empty {}

fn main() {}
