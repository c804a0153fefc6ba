#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no such user: {0}")]
    Missing(String),
    #[error("limit {limit} exceeded")]
    Limit { limit: u32 },
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

fn main() {}
