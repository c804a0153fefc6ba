//! A panic hook that sends the message and location to the host.
//!
//! A macro component has no stderr, so the default hook would print nowhere;
//! the host then turns the trap that follows into an error with this message.

use std::sync::Once;

use crate::bindings::procbox::proc_macro::panics;

/// Installs the hook (once per instance).
pub(crate) fn install() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message = info.payload_as_str().unwrap_or("Box<dyn Any>");
            let (file, line, column) = info
                .location()
                .map_or(("<unknown>", 0, 0), |l| (l.file(), l.line(), l.column()));
            panics::report_panic(message, file, line, column);
        }));
    });
}
