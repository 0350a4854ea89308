//! Whole frames cut from a blocking byte stream by one of the wire
//! splitters (MJPEG, Annex-B H.264): the read loop both stdin sources share.

use std::io::Read;

use anyhow::{Context, Result};
use bytes::{Bytes, BytesMut};
use camwire_wire::WireError;
use tokio_util::codec::Decoder;

/// How much is read from the input at a time.
const READ_SIZE: usize = 64 * 1024;

/// Reads `input` and yields what `splitter` cuts from it.
#[derive(Debug)]
pub struct SplitReader<R, D> {
    input: R,
    splitter: D,
    buf: BytesMut,
    eof: bool,
    /// What the stream is, for error messages: "the MJPEG stream on standard input".
    what: &'static str,
}

impl<R: Read, D: Decoder<Item = Bytes, Error = WireError>> SplitReader<R, D> {
    /// Cuts `input` with `splitter`; `what` names the stream in errors.
    pub fn new(input: R, splitter: D, what: &'static str) -> Self {
        Self { input, splitter, buf: BytesMut::new(), eof: false, what }
    }

    /// The next whole unit, or `None` at the end of the input.
    pub fn next_unit(&mut self) -> Result<Option<Bytes>> {
        loop {
            let unit =
                if self.eof { self.splitter.decode_eof(&mut self.buf) } else { self.splitter.decode(&mut self.buf) }
                    .with_context(|| format!("splitting {}", self.what))?;
            if unit.is_some() || self.eof {
                return Ok(unit);
            }
            let start = self.buf.len();
            self.buf.resize(start + READ_SIZE, 0);
            let n = self.input.read(&mut self.buf[start..]).with_context(|| format!("reading {}", self.what))?;
            self.buf.truncate(start + n);
            self.eof = n == 0;
        }
    }
}
