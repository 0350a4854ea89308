//! Blocking frame reader and writer over `std::io`, for callers without an
//! async runtime (a capture thread, a script-like tool, tests).
//!
//! They follow the same rules as the async [`crate::FrameCodec`]: the limit
//! is checked from the header before any allocation, and the end of the
//! stream is reported as a [`StreamEnd`].

use std::io::{self, Read, Write};

use crate::{codec::TERMINATOR, error::frame_header, StreamEnd, WireError, HEADER_LEN};

/// Reads length-prefixed frames from a [`Read`].
#[derive(Debug)]
pub struct BlockingFrameReader<R> {
    inner: R,
    max: usize,
    end: Option<StreamEnd>,
}

/// What [`BlockingFrameReader::next_event`] yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockingEvent {
    /// One payload.
    Frame(Vec<u8>),
    /// The stream is over; further calls return the same end.
    End(StreamEnd),
}

impl<R: Read> BlockingFrameReader<R> {
    /// Reads frames of at most `max` bytes from `inner`.
    pub fn new(inner: R, max: usize) -> Self {
        Self { inner, max, end: None }
    }

    /// The next frame, or how the stream ended.
    pub fn next_event(&mut self) -> Result<BlockingEvent, WireError> {
        if let Some(end) = self.end {
            return Ok(BlockingEvent::End(end));
        }
        let mut header = [0u8; HEADER_LEN];
        let got = read_full(&mut self.inner, &mut header)?;
        let end = if got == 0 {
            StreamEnd::Closed
        } else if got < HEADER_LEN {
            StreamEnd::Truncated { got, expected: HEADER_LEN }
        } else {
            let len = u32::from_le_bytes(header);
            if len as u64 > self.max as u64 {
                return Err(WireError::FrameTooLarge { len: len.into(), max: self.max });
            }
            if len == 0 {
                StreamEnd::Terminated
            } else {
                let len = len as usize;
                // Grows with the bytes that arrive: the length is only a claim.
                let mut payload = Vec::new();
                let got = (&mut self.inner).take(len as u64).read_to_end(&mut payload)?;
                if got == len {
                    return Ok(BlockingEvent::Frame(payload));
                }
                StreamEnd::Truncated { got, expected: len }
            }
        };
        self.end = Some(end);
        Ok(BlockingEvent::End(end))
    }
}

/// Fills `buf` as far as the reader allows; returns how many bytes arrived
/// before end of file.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Writes length-prefixed frames to a [`Write`].
#[derive(Debug)]
pub struct BlockingFrameWriter<W> {
    inner: W,
    max: usize,
}

impl<W: Write> BlockingFrameWriter<W> {
    /// Writes frames of at most `max` bytes to `inner`.
    pub fn new(inner: W, max: usize) -> Self {
        Self { inner, max }
    }

    /// Writes one frame (header and payload) without flushing.
    pub fn send(&mut self, payload: &[u8]) -> Result<(), WireError> {
        self.write(frame_header(payload.len(), self.max)?, payload)
    }

    /// Writes the zero-length terminator and flushes; returns the writer.
    pub fn finish(mut self) -> Result<W, WireError> {
        self.write(TERMINATOR, &[])?;
        self.inner.flush()?;
        Ok(self.inner)
    }

    /// The one way bytes go out: a header, then its payload.
    fn write(&mut self, header: [u8; HEADER_LEN], payload: &[u8]) -> Result<(), WireError> {
        self.inner.write_all(&header)?;
        Ok(self.inner.write_all(payload)?)
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> Result<(), WireError> {
        Ok(self.inner.flush()?)
    }
}
