use futures_core::Stream;

pub fn numbers() -> impl Stream<Item = u32> {
    async_stream::stream! {
        for i in 0..3 {
            yield i;
        }
    }
}

fn main() {}
