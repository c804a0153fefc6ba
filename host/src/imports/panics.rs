//! The `panics` import: the guest's panic hook reports here before it traps.

use crate::bindings::procbox::proc_macro::panics::Host as PanicsImport;

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

/// The first panic the guest reported in this expansion, if any.
#[derive(Debug, Default)]
pub(crate) struct PanicReport(pub(crate) Option<GuestPanic>);

impl PanicsImport for PanicReport {
    fn report_panic(
        &mut self,
        message: String,
        file: String,
        line: u32,
        column: u32,
    ) -> wasmtime::Result<()> {
        // Keep the first report: a panic while panicking reports twice.
        if self.0.is_none() {
            self.0 = Some(GuestPanic {
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
