use ref_cast::RefCast;

#[derive(RefCast)]
#[repr(transparent)]
pub struct Name(str);

fn main() {
    let _ = Name::ref_cast("x");
}
