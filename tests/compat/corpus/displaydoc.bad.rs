#[derive(Debug, displaydoc::Display)]
pub enum Failure {
    /// no such user: {0}
    Missing(String),
    Limit { limit: u32 },
}

fn main() {}
