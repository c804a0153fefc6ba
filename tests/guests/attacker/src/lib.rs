//! Macros that try to get out of the sandbox, for the attack suite
//! (`tests/tests/attacks.rs`). Each is function-like; those that take an
//! argument take one string literal. They report what happened as a string
//! literal, `ok:…` or `err:<io error kind>`, when the attempt fails inside
//! the guest rather than trapping.

use procbox::{Literal, TokenStream, TokenTree};

/// The string literal argument.
fn arg(input: TokenStream) -> String {
    let text = input.to_string();
    text.trim_matches('"').to_owned()
}

fn string(text: &str) -> TokenStream {
    TokenTree::Literal(Literal::string(text)).into()
}

fn report<T>(result: std::io::Result<T>, ok: impl FnOnce(T) -> String) -> TokenStream {
    string(&match result {
        Ok(value) => format!("ok:{}", ok(value)),
        Err(e) => format!("err:{:?}", e.kind()),
    })
}

/// Reads the file at the given path.
#[procbox::proc_macro]
pub fn read_file(input: TokenStream) -> TokenStream {
    report(std::fs::read_to_string(arg(input)), |text| text)
}

/// Lists the directory at the given path.
#[procbox::proc_macro]
pub fn list_dir(input: TokenStream) -> TokenStream {
    report(std::fs::read_dir(arg(input)), |entries| {
        entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join(",")
    })
}

/// Writes the file at the given path.
#[procbox::proc_macro]
pub fn write_file(input: TokenStream) -> TokenStream {
    report(std::fs::write(arg(input), "pwned"), |()| String::new())
}

/// Deletes the file at the given path.
#[procbox::proc_macro]
pub fn remove_file(input: TokenStream) -> TokenStream {
    report(std::fs::remove_file(arg(input)), |()| String::new())
}

/// Reads one environment variable.
#[procbox::proc_macro]
pub fn read_env(input: TokenStream) -> TokenStream {
    string(&match std::env::var(arg(input)) {
        Ok(value) => format!("set:{value}"),
        Err(_) => "unset".to_owned(),
    })
}

/// Lists every environment variable it can see.
#[procbox::proc_macro]
pub fn list_env(_input: TokenStream) -> TokenStream {
    let names: Vec<String> = std::env::vars().map(|(name, _)| name).collect();
    string(&names.join(","))
}

/// Opens a TCP connection.
#[procbox::proc_macro]
pub fn connect(input: TokenStream) -> TokenStream {
    report(std::net::TcpStream::connect(arg(input)), |_| String::new())
}

/// Reads the wall clock.
#[procbox::proc_macro]
pub fn wall_clock(_input: TokenStream) -> TokenStream {
    let now = std::time::SystemTime::now();
    string(&format!("{now:?}"))
}

/// Reads the monotonic clock.
#[procbox::proc_macro]
pub fn monotonic_clock(_input: TokenStream) -> TokenStream {
    let now = std::time::Instant::now();
    string(&format!("{now:?}"))
}

/// Spawns a process.
#[procbox::proc_macro]
pub fn spawn(_input: TokenStream) -> TokenStream {
    report(
        std::process::Command::new("/bin/sh")
            .arg("-c")
            .arg("id")
            .output(),
        |out| String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Recurses until the stack overflows.
#[procbox::proc_macro]
pub fn recurses(input: TokenStream) -> TokenStream {
    #[allow(unconditional_recursion)]
    fn deeper(n: u64, pad: [u64; 16]) -> u64 {
        let pad = std::hint::black_box(pad);
        deeper(n + 1, pad) + pad[(n % 16) as usize]
    }
    let depth = deeper(0, [input.is_empty() as u64; 16]);
    string(&depth.to_string())
}

/// Panics with a message of a mebibyte.
#[procbox::proc_macro]
pub fn long_panic(_input: TokenStream) -> TokenStream {
    panic!("{}", "A".repeat(1 << 20));
}
