//! A sample file that uses the example macros: expand it with
//! `procbox expand --macro json_derive.wasm examples/json-derive/sample.rs`.

#[derive(Debug, ToJson)]
pub struct User {
    pub name: String,
    #[json(rename = "emailAddress")]
    pub email: Option<String>,
    #[json(skip)]
    pub password_hash: Vec<u8>,
}

#[derive(ToJson)]
pub enum Event<T> {
    Created(T),
    Renamed { from: String, to: String },
    Deleted,
}

#[field_names(uppercase)]
pub struct Config {
    pub host: String,
    pub port: u16,
}

pub const DEFAULTS: &str = json_literal!({ "host": "localhost", "port": 8080, "tags": ["a", -1.5, null] });

/// Where `here` is: this file, line 29, column 52, and the text `here`.
pub const HERE: (&str, u32, u32, &str) = location!(here);
