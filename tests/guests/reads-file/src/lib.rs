//! Macros that use the file system and the environment. Each returns a string
//! literal with what it got, or with `error: ...` when the operation failed
//! inside the sandbox (so the tests can see why).

use procbox::{Literal, TokenStream, TokenTree};

fn string_arg(input: TokenStream) -> String {
    let text = input.to_string();
    text.trim_matches('"').to_owned()
}

fn literal(text: &str) -> TokenStream {
    TokenTree::Literal(Literal::string(text)).into()
}

fn outcome<T: ToString>(result: std::io::Result<T>) -> TokenStream {
    match result {
        Ok(value) => literal(&value.to_string()),
        Err(error) => literal(&format!("error: {error}")),
    }
}

/// `read_text!("/path")`: the file's contents.
#[procbox::proc_macro]
pub fn read_text(input: TokenStream) -> TokenStream {
    outcome(std::fs::read_to_string(string_arg(input)))
}

/// `write_text!("/path")`: writes `x` there, `ok` if it could.
#[procbox::proc_macro]
pub fn write_text(input: TokenStream) -> TokenStream {
    outcome(std::fs::write(string_arg(input), "x").map(|()| "ok"))
}

/// `remove_file!("/path")`: deletes it, `ok` if it could.
#[procbox::proc_macro]
pub fn remove_file(input: TokenStream) -> TokenStream {
    outcome(std::fs::remove_file(string_arg(input)).map(|()| "ok"))
}

/// `env_var!(NAME)`: the variable's value, or `unset`.
#[procbox::proc_macro]
pub fn env_var(input: TokenStream) -> TokenStream {
    literal(&std::env::var(input.to_string()).unwrap_or_else(|_| "unset".to_owned()))
}

/// `read_data!("file")`: reads `$DATA_DIR/file`.
#[procbox::proc_macro]
pub fn read_data(input: TokenStream) -> TokenStream {
    let dir = std::env::var("DATA_DIR").unwrap_or_default();
    outcome(std::fs::read_to_string(format!(
        "{dir}/{}",
        string_arg(input)
    )))
}
