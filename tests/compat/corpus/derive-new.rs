#[derive(derive_new::new)]
pub struct Point {
    x: i32,
    #[new(default)]
    y: i32,
}

fn main() {
    let _ = Point::new(1);
}
