//! The `panics` import: the guest's panic hook reports here before it traps.

use crate::bindings::procbox::proc_macro::panics::Host as PanicsImport;
use crate::state::ExpansionState;

/// How much of a panic message the host keeps: a hostile macro may panic with
/// gigabytes of text.
const MAX_MESSAGE_BYTES: usize = 4096;

/// A panic the guest reported.
#[derive(Debug, Clone)]
pub(crate) struct GuestPanic {
    pub(crate) message: String,
    /// `file:line:column`.
    pub(crate) location: String,
}

impl PanicsImport for ExpansionState {
    fn report_panic(
        &mut self,
        message: String,
        file: String,
        line: u32,
        column: u32,
    ) -> wasmtime::Result<()> {
        // Keep the first report: a panic while panicking reports twice.
        if self.panic.is_none() {
            self.panic = Some(GuestPanic {
                message: truncate(message),
                location: format!("{}:{line}:{column}", truncate(file)),
            });
        }
        Ok(())
    }
}

fn truncate(mut text: String) -> String {
    if text.len() > MAX_MESSAGE_BYTES {
        let mut end = MAX_MESSAGE_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str("… (truncated)");
    }
    text
}
