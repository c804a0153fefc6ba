macro_rules! getters {
    ($($field:ident),*) => {
        paste::paste! {
            pub struct Point { $($field: i32),* }
            impl Point { $(pub fn [<get_ $field>](&self) -> i32 { self.$field })* }
        }
    };
}

getters!(x, y);

fn main() {}
