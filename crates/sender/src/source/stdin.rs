//! An MJPEG byte stream on standard input (`ffmpeg -f mjpeg -`,
//! `rpicam-vid --codec mjpeg -o -`), cut into frames by the wire splitter.

use std::{io::Read, time::SystemTime};

use anyhow::{Context, Result};
use bytes::BytesMut;
use camwire_wire::MjpegSplitter;
use tokio_util::codec::Decoder;

use super::{Captured, Source};

/// Whole JPEGs cut from a byte stream.
#[derive(Debug)]
pub struct StdinSource<R> {
    input: R,
    splitter: MjpegSplitter,
    buf: BytesMut,
    eof: bool,
}

impl<R: Read + Send> StdinSource<R> {
    /// Reads from `input`; frames larger than `max_frame` are an error. The
    /// writer on the other end sets the pace.
    pub fn new(input: R, max_frame: usize) -> Self {
        Self { input, splitter: MjpegSplitter::new(max_frame), buf: BytesMut::new(), eof: false }
    }
}

impl<R: Read + Send> Source for StdinSource<R> {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        loop {
            let frame =
                if self.eof { self.splitter.decode_eof(&mut self.buf) } else { self.splitter.decode(&mut self.buf) }
                    .context("splitting the MJPEG stream on standard input")?;
            if let Some(frame) = frame {
                return Ok(Some((Captured::Encoded(frame), SystemTime::now())));
            }
            if self.eof {
                return Ok(None);
            }
            self.buf.reserve(64 * 1024);
            let start = self.buf.len();
            self.buf.resize(start + 64 * 1024, 0);
            let n = self.input.read(&mut self.buf[start..]).context("reading standard input")?;
            self.buf.truncate(start + n);
            self.eof = n == 0;
        }
    }
}
