#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no such user: {0}")]
    Missing(String),
    Limit { limit: u32 },
}

fn main() {}
