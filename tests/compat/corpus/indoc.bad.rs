fn main() {
    let _ = indoc::indoc!(42);
    let _ = indoc::indoc!("a", "b");
}
