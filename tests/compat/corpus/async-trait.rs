#[async_trait::async_trait]
pub trait Store {
    async fn get(&self, key: &str) -> Option<u32>;
}

pub struct Fixed;

#[async_trait::async_trait]
impl Store for Fixed {
    async fn get(&self, key: &str) -> Option<u32> {
        key.parse().ok()
    }
}

fn main() {}
