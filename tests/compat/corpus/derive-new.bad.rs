#[derive(derive_new::new)]
pub struct Point {
    x: i32,
    #[new(valu = "1")]
    y: i32,
}

fn main() {}
