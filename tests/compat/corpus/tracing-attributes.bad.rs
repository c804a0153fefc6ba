#[tracing::instrument(skip(missing))]
pub fn work(input: &str) -> usize {
    input.len()
}

#[tracing::instrument(levle = "debug")]
pub fn other() {}

fn main() {}
