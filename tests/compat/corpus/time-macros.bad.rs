fn main() {
    let _ = time::macros::date!(2023 - 02 - 29);
}
