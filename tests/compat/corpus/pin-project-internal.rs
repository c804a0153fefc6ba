use pin_project::pin_project;

#[pin_project]
pub struct Timed<F> {
    #[pin]
    inner: F,
    started: u64,
}

fn main() {}
