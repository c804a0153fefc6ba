#[derive(Debug, displaydoc::Display)]
pub enum Failure {
    /// no such user: {0}
    Missing(String),
    /// limit {limit} exceeded
    Limit { limit: u32 },
}

fn main() {}
