use time::macros::{date, datetime, time};

fn main() {
    let day = date!(2024 - 02 - 29);
    let noon = time!(12:00);
    let moment = datetime!(2024-02-29 12:00 UTC);
    assert_eq!(moment.date(), day);
    assert_eq!(moment.time(), noon);
}
