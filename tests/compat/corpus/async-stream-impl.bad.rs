use futures_core::Stream;

pub fn numbers() -> impl Stream<Item = u32> {
    async_stream::stream! {
        yield "text";
    }
}

pub fn tried() -> impl Stream<Item = Result<u32, ()>> {
    async_stream::try_stream! {
        let closure = || { yield 1; };
        closure();
    }
}

fn main() {}
