#[tracing::instrument(skip(secret), fields(len = input.len()))]
pub fn work(input: &str, secret: u64) -> usize {
    input.len() + secret as usize
}

fn main() {
    work("x", 1);
}
