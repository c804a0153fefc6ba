fn main() {
    let (a, b) = futures::executor::block_on(async { futures::join!(async { 1 }, async { 2 }) });
    assert_eq!(a + b, 3);
}
