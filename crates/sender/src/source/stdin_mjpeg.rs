//! An MJPEG byte stream on standard input (`ffmpeg -f mjpeg -`,
//! `rpicam-vid --codec mjpeg -o -`), cut into frames by the wire splitter.

use std::{io::Read, time::SystemTime};

use anyhow::Result;
use camwire_wire::MjpegSplitter;

use super::{split::SplitReader, Captured, Source};
use crate::pace::Pacer;

/// Whole JPEGs cut from a byte stream.
#[derive(Debug)]
pub struct MjpegStdinSource<R> {
    reader: SplitReader<R, MjpegSplitter>,
    pacer: Pacer,
}

impl<R: Read + Send> MjpegStdinSource<R> {
    /// Reads from `input`; frames larger than `max_frame` are an error. The
    /// writer on the other end sets the pace, unless [`paced`](Self::paced).
    pub fn new(input: R, max_frame: usize) -> Self {
        Self {
            reader: SplitReader::new(input, MjpegSplitter::new(max_frame), "the MJPEG stream on standard input"),
            pacer: Pacer::new(0.0),
        }
    }

    /// Sends at most `fps` frames a second (0: as they come).
    pub fn paced(self, fps: f64) -> Self {
        Self { pacer: Pacer::new(fps), ..self }
    }
}

impl<R: Read + Send> Source for MjpegStdinSource<R> {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        let frame = self.reader.next_unit()?;
        if frame.is_some() {
            self.pacer.wait();
        }
        Ok(frame.map(|frame| (Captured::Encoded(frame), SystemTime::now())))
    }
}
