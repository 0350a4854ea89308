//! An MJPEG byte stream on standard input (`ffmpeg -f mjpeg -`,
//! `rpicam-vid --codec mjpeg -o -`), cut into frames by the wire splitter.

use std::{io::Read, time::SystemTime};

use anyhow::Result;
use camwire_wire::MjpegSplitter;

use super::{split::SplitReader, Captured, Source};

/// Whole JPEGs cut from a byte stream.
#[derive(Debug)]
pub struct StdinSource<R> {
    reader: SplitReader<R, MjpegSplitter>,
}

impl<R: Read + Send> StdinSource<R> {
    /// Reads from `input`; frames larger than `max_frame` are an error. The
    /// writer on the other end sets the pace.
    pub fn new(input: R, max_frame: usize) -> Self {
        Self { reader: SplitReader::new(input, MjpegSplitter::new(max_frame), "the MJPEG stream on standard input") }
    }
}

impl<R: Read + Send> Source for StdinSource<R> {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        Ok(self.reader.next_unit()?.map(|frame| (Captured::Encoded(frame), SystemTime::now())))
    }
}
