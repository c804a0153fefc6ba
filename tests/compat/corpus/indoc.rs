fn main() {
    let text = indoc::indoc! {"
        a
          b
        c
    "};
    assert_eq!(text, "a\n  b\nc\n");
}
