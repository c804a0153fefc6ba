use ref_cast::RefCast;

#[derive(RefCast)]
pub struct NoRepr(str);

#[derive(RefCast)]
#[repr(transparent)]
pub struct Two {
    a: String,
    b: String,
}

fn main() {}
