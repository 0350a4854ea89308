//! Typed errors of the wire layer: every variant carries the numbers a person
//! needs to see what went wrong.

use std::io;

use byteorder::{ByteOrder, LittleEndian};

/// What can go wrong while reading or writing frames.
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// A length prefix announced more bytes than the configured limit. Raised
    /// from the 4 header bytes alone, before anything is allocated.
    #[error(
        "frame length {len} bytes exceeds the limit of {max} bytes (raise it with --max-frame if the sender is right)"
    )]
    FrameTooLarge {
        /// The length the peer announced.
        len: u64,
        /// The limit in force.
        max: usize,
    },
    /// The peer closed the connection inside a frame: `got` of `expected`
    /// bytes of the current header (expected = 4) or payload had arrived.
    #[error("stream cut inside a frame: got {got} of {expected} bytes")]
    Truncated {
        /// Bytes of the unfinished header or payload that arrived.
        got: usize,
        /// Bytes that were announced (4 for a header).
        expected: usize,
    },
    /// A frame of zero bytes cannot be sent: on the wire it means "end of stream".
    #[error("an empty payload cannot be framed: a zero length is the end-of-stream terminator")]
    EmptyFrame,
    /// A `CAMWIRE` line where a frame header belongs: a camera hello after
    /// the first frame, or a second one (protocol.md, section 11). Its first
    /// four bytes, read as a length, are over every limit.
    #[error(
        "a CAMWIRE line where a frame header belongs (a camera hello comes once, before the first frame: \
         protocol.md section 11)"
    )]
    LineInStream,
    /// An unframed stream (MJPEG or H.264) grew past the limit without a frame boundary.
    #[error("no frame boundary within {max} bytes of unframed input")]
    UnframedTooLarge {
        /// The limit in force.
        max: usize,
    },
    /// The optional handshake before the first frame failed (protocol.md, "Who may send").
    #[error("refused: {0}")]
    Handshake(#[from] crate::HandshakeError),
    /// The underlying reader or writer failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// The length header for a payload of `len` bytes, or why it cannot be sent:
/// empty (that is the terminator) or over `max`.
pub fn frame_header(len: usize, max: usize) -> Result<[u8; crate::HEADER_LEN], WireError> {
    if len == 0 {
        return Err(WireError::EmptyFrame);
    }
    let len32 = u32::try_from(len).ok().filter(|&n| n as usize <= max);
    let len32 = len32.ok_or(WireError::FrameTooLarge { len: len as u64, max })?;
    let mut header = [0; crate::HEADER_LEN];
    LittleEndian::write_u32(&mut header, len32);
    Ok(header)
}

/// The payload length a received header announces (0: the terminator),
/// checked against `max`. The one reader of the header, as
/// [`frame_header`] is its one writer.
pub(crate) fn announced_len(header: &[u8; crate::HEADER_LEN], max: usize) -> Result<usize, WireError> {
    let len = LittleEndian::read_u32(header);
    if len as u64 > max as u64 {
        if *header == crate::hello::LINE_HEADER {
            return Err(WireError::LineInStream);
        }
        return Err(WireError::FrameTooLarge { len: len.into(), max });
    }
    Ok(len as usize)
}
