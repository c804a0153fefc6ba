#[derive(Clone, PartialEq, prost::Message)]
pub struct Person {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(int32, tag = "1")]
    pub id: i32,
    #[prost(strng, tag = "3")]
    pub email: String,
}

fn main() {}
