#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("no such user: {0}")]
    Missing(String),
    Limit { limit: u32 },
}

fn main() {}

// The type's name is given back `resolved_at(Span::call_site())`: rustc
// labels it "in this derive macro expansion" only if that hygiene survives.
#[derive(thiserror::Error)]
#[error("no Debug")]
pub struct NoDebug;

// `#[source]`'s span is `#`.join(`]`).unwrap_or(`source`): `source` inside
// rustc on stable, where `join` is `None`.
#[derive(Debug, thiserror::Error)]
#[error("bad source")]
pub struct BadSource {
    #[source]
    cause: u32,
}
