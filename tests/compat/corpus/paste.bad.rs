paste::paste! {
    pub fn [<get_ "not an ident" >]() {}
}

paste::paste! {
    pub struct [<Open;
}

fn main() {}
