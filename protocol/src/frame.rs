//! Frames on a byte stream (a pipe): each message is its length (`u32`,
//! little-endian) and its bytes.

use std::io::{self, Read, Write};

use crate::codec::{self, Decode, Encode};

/// The largest frame either side accepts: 1 GiB, well above the largest
/// output a host's default limits let through (about 160 MiB).
pub const MAX_FRAME: usize = 1 << 30;

/// Writes `message` as one frame and flushes.
pub fn send<T: Encode>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    let mut frame = vec![0; 4];
    message.encode(&mut frame);
    let len = frame.len() - 4;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("a procbox message of {len} bytes is larger than the limit of {MAX_FRAME}"),
        ));
    }
    frame[..4].copy_from_slice(&(len as u32).to_le_bytes());
    writer.write_all(&frame)?;
    writer.flush()
}

/// Reads one frame and decodes it; `Ok(None)` when the stream ended before a
/// frame began (the peer closed it).
///
/// A frame is read as its bytes arrive, so a length that lies costs no more
/// memory than the bytes really sent; a length over [`MAX_FRAME`], a stream
/// ending inside a frame and a message that does not decode are errors of
/// kind `InvalidData` (or `UnexpectedEof`).
pub fn receive<T: Decode>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    let mut filled = 0;
    while filled < len.len() {
        match reader.read(&mut len[filled..]) {
            Ok(0) if filled == 0 => return Ok(None),
            Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a procbox message claims {len} bytes, more than the limit of {MAX_FRAME}"),
        ));
    }
    let mut bytes = Vec::new();
    reader.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() < len {
        return Err(io::Error::new(
            io::ErrorKind::UnexpectedEof,
            "the stream ended inside a procbox message",
        ));
    }
    codec::decode(&bytes)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{ServerHello, ServerMessage};

    #[test]
    fn frames_follow_each_other() {
        let mut pipe = Vec::new();
        let hello = ServerMessage::Hello(ServerHello {
            version: 1,
            procbox: "0.1.0".into(),
        });
        send(&mut pipe, &hello).expect("writes");
        send(&mut pipe, &ServerMessage::Loaded(2)).expect("writes");
        let mut reader = pipe.as_slice();
        assert_eq!(receive(&mut reader).expect("reads"), Some(hello));
        assert_eq!(
            receive(&mut reader).expect("reads"),
            Some(ServerMessage::Loaded(2))
        );
        assert_eq!(receive::<ServerMessage>(&mut reader).expect("ends"), None);
    }

    #[test]
    fn a_cut_frame_is_an_error() {
        let mut pipe = Vec::new();
        send(&mut pipe, &ServerMessage::Loaded(2)).expect("writes");
        for len in 1..pipe.len() {
            let err = receive::<ServerMessage>(&mut &pipe[..len]).expect_err("cut");
            assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{len}");
        }
    }

    #[test]
    fn a_lying_length_is_refused_without_allocating_it() {
        let huge = (MAX_FRAME as u32 + 1).to_le_bytes();
        let err = receive::<ServerMessage>(&mut &huge[..]).expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        // Under the limit, but the stream holds one byte of it.
        let mut short = (MAX_FRAME as u32).to_le_bytes().to_vec();
        short.push(1);
        let err = receive::<ServerMessage>(&mut short.as_slice()).expect_err("refused");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
