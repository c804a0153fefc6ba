//! Bytes as a message between a shim and `procbox serve`, in either
//! direction, and as a stream of frames: decoding accepts or refuses them,
//! never panics or allocates more than they hold; and a message that decodes
//! encodes back to the same bytes (the encoding is canonical).
#![no_main]

use libfuzzer_sys::fuzz_target;
use procbox_protocol::codec::{decode, encode};
use procbox_protocol::frame::receive;
use procbox_protocol::{ClientMessage, ServerMessage};

fuzz_target!(|bytes: &[u8]| {
    if let Ok(message) = decode::<ClientMessage>(bytes) {
        assert_eq!(encode(&message), bytes);
    }
    if let Ok(message) = decode::<ServerMessage>(bytes) {
        assert_eq!(encode(&message), bytes);
    }
    let mut stream = bytes;
    while let Ok(Some(_)) = receive::<ServerMessage>(&mut stream) {}
});
