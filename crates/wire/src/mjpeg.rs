//! Cuts an unframed MJPEG byte stream (concatenated JPEGs, as
//! `ffmpeg -f mjpeg -` or `rpicam-vid --codec mjpeg -o -` write them) into
//! whole JPEG frames.
//!
//! The splitter walks the JPEG structure rather than searching for `FF D9`:
//! marker segments are skipped by their lengths (so an EXIF thumbnail's own
//! EOI does not end the frame), and entropy-coded data is scanned for the
//! next real marker (stuffed `FF 00`, restart markers and fill bytes are
//! passed over). The scan position survives between reads, so a marker split
//! across two reads is found and no byte is scanned twice. Bytes before the
//! first SOI, or after a corrupt segment, are skipped until the next SOI.

use bytes::{Buf, Bytes, BytesMut};
use tokio_util::codec::Decoder;

use crate::{
    jpeg::{is_standalone, marker_at, segment_len, Marker},
    WireError, DEFAULT_MAX_FRAME,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Looking for an SOI; nothing of a frame is buffered.
    Seek,
    /// At `pos` a marker is expected.
    Markers,
    /// Scanning entropy-coded data from `pos`.
    Entropy,
}

/// A [`Decoder`] that yields one whole JPEG (SOI through EOI) per item.
#[derive(Debug)]
pub struct MjpegSplitter {
    state: State,
    pos: usize,
    max: usize,
    skipped: u64,
}

impl Default for MjpegSplitter {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_FRAME)
    }
}

impl MjpegSplitter {
    /// A splitter that gives up on a frame longer than `max` bytes.
    pub fn new(max: usize) -> Self {
        Self { state: State::Seek, pos: 0, max, skipped: 0 }
    }

    /// Bytes that were not part of any whole JPEG so far (garbage, cut frames).
    pub fn skipped_bytes(&self) -> u64 {
        self.skipped
    }

    /// Splits a complete buffer; a trailing partial frame is dropped.
    pub fn split_all(data: &[u8]) -> Result<Vec<Bytes>, WireError> {
        let mut splitter = Self::new(data.len().max(1));
        let mut buf = BytesMut::from(data);
        let mut frames = Vec::new();
        while let Some(frame) = splitter.decode(&mut buf)? {
            frames.push(frame);
        }
        Ok(frames)
    }

    fn discard(&mut self, src: &mut BytesMut, n: usize) {
        src.advance(n);
        self.skipped += n as u64;
        self.state = State::Seek;
        self.pos = 0;
    }
}

impl Decoder for MjpegSplitter {
    type Item = Bytes;
    type Error = WireError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, WireError> {
        loop {
            if self.pos > self.max {
                let n = src.len().min(self.pos);
                self.discard(src, n);
                return Err(WireError::UnframedTooLarge { max: self.max });
            }
            match self.state {
                State::Seek => match src.windows(2).position(|w| w == [0xFF, 0xD8]) {
                    Some(start) => {
                        self.discard(src, start);
                        self.state = State::Markers;
                        self.pos = 2;
                    }
                    None => {
                        // Keep a trailing FF: it may be the first half of an SOI.
                        let keep = usize::from(src.last() == Some(&0xFF));
                        let n = src.len() - keep;
                        self.discard(src, n);
                        return Ok(None);
                    }
                },
                State::Markers => {
                    let (p, marker) = match marker_at(src, self.pos) {
                        None => return Ok(None),
                        Some(Marker::At(p, marker)) => (p, marker),
                        Some(Marker::Missing(p)) => {
                            // Not a marker where one must be: resynchronise.
                            self.discard(src, p);
                            continue;
                        }
                    };
                    match marker {
                        0xD9 => {
                            let frame = src.split_to(p + 2).freeze();
                            self.state = State::Seek;
                            self.pos = 0;
                            return Ok(Some(frame));
                        }
                        0xD8 => self.discard(src, p),
                        m if is_standalone(m) => self.pos = p + 2,
                        _ => {
                            let Some(len) = segment_len(src, p) else {
                                self.pos = p;
                                return Ok(None);
                            };
                            if len < 2 {
                                self.discard(src, p);
                                continue;
                            }
                            self.pos = p + 2 + len;
                            if marker == 0xDA {
                                self.state = State::Entropy;
                            }
                            if self.pos > src.len() {
                                return Ok(None);
                            }
                        }
                    }
                }
                State::Entropy => {
                    let mut p = self.pos;
                    loop {
                        let Some(off) = src.get(p..).and_then(|s| s.iter().position(|&b| b == 0xFF)) else {
                            self.pos = src.len().max(self.pos);
                            if self.pos > self.max {
                                break;
                            }
                            return Ok(None);
                        };
                        let j = p + off;
                        match src.get(j + 1) {
                            None => {
                                self.pos = j;
                                return Ok(None);
                            }
                            Some(0x00 | 0xD0..=0xD7) => p = j + 2,
                            Some(0xFF) => p = j + 1,
                            Some(_) => {
                                self.pos = j;
                                self.state = State::Markers;
                                break;
                            }
                        }
                    }
                }
            }
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, WireError> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        let rest = src.len();
        self.discard(src, rest);
        Ok(None)
    }
}
