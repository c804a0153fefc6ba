use derivative::Derivative;

#[derive(Derivative)]
#[derivative(Debug, Clone, PartialEq, Default)]
pub struct Config {
    name: String,
    #[derivative(Debug = "ignore", PartialEq = "ignore")]
    secret: Vec<u8>,
    #[derivative(Default(value = "8"))]
    threads: usize,
}

#[derive(Derivative)]
#[derivative(Debug, Hash, Eq, PartialEq, PartialOrd = "feature_allow_slow_enum", Ord = "feature_allow_slow_enum")]
pub enum Shape<T> {
    Circle { radius: T },
    Square(#[derivative(Debug(format_with = "fmt_side"))] T),
    Empty,
}

fn fmt_side<T: std::fmt::Debug>(side: &T, f: &mut std::fmt::Formatter) -> std::fmt::Result {
    write!(f, "side {:?}", side)
}

#[derive(Derivative)]
#[derivative(Clone(bound = ""), Copy(bound = ""))]
pub struct Handle<T> {
    id: u32,
    marker: std::marker::PhantomData<T>,
}

fn main() {
    let config = Config::default();
    assert_eq!(config.threads, 8);
    let _ = format!("{:?}", config.clone());
    let _ = Shape::Square(2u8) == Shape::Empty;
    let handle: Handle<String> = Handle { id: 1, marker: std::marker::PhantomData };
    let _copy = handle;
    let _ = handle.id;
}
