#[tokio::main(flavor = "sideways")]
async fn main() {}
