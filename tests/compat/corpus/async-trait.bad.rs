#[async_trait::async_trait]
pub trait Store {
    async fn get(&self) -> u32;
}

pub struct Fixed;

#[async_trait::async_trait]
impl Store for Fixed {
    async fn get(&self) -> u32 {
        "not a number"
    }
}

fn main() {}
