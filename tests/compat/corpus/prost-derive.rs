#[derive(Clone, PartialEq, prost::Message)]
pub struct Person {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(int32, tag = "2")]
    pub id: i32,
    #[prost(string, repeated, tag = "3")]
    pub emails: Vec<String>,
}

fn main() {}
