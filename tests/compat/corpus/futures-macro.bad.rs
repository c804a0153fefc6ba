fn main() {
    futures::executor::block_on(async {
        futures::select! {
            a = 1 => a,
        }
    });
}
