//! An H.264 Annex-B byte stream on standard input (`rpicam-vid --codec h264
//! --inline -o -`, `ffmpeg ... -f h264 -`), cut into access units by the wire
//! splitter and passed on without re-encoding.
//!
//! The stream sent starts on an IDR access unit with SPS and PPS, so a
//! receiver can decode from its first frame: access units before that are
//! skipped. An IDR without parameter sets (a writer that sends them only once)
//! gets the last ones seen put in front.

use std::{io::Read, time::SystemTime};

use anyhow::Result;
use camwire_wire::{is_idr_access_unit, AnnexBSplitter, KeyframeGate, ParameterSets};
use tracing::info;

use super::{split::SplitReader, Captured, Source};
use crate::pace::Pacer;

/// Access units cut from an Annex-B byte stream.
#[derive(Debug)]
pub struct H264StdinSource<R> {
    reader: SplitReader<R, AnnexBSplitter>,
    parameter_sets: ParameterSets,
    /// Access units skipped before the first decodable one.
    skipped: u64,
    /// The stream sent starts on an IDR.
    start: KeyframeGate,
    pacer: Pacer,
}

impl<R: Read + Send> H264StdinSource<R> {
    /// Reads from `input`; access units larger than `max_frame` are an error.
    /// The writer on the other end sets the pace.
    pub fn new(input: R, max_frame: usize) -> Self {
        Self {
            reader: SplitReader::new(
                input,
                AnnexBSplitter::new(max_frame),
                "the H.264 stream on standard input into access units",
            ),
            parameter_sets: ParameterSets::default(),
            skipped: 0,
            start: KeyframeGate::new(),
            pacer: Pacer::new(0.0),
        }
    }

    /// Sends at most `fps` access units a second (0: as they come).
    pub fn paced(self, fps: f64) -> Self {
        Self { pacer: Pacer::new(fps), ..self }
    }
}

impl<R: Read + Send> Source for H264StdinSource<R> {
    fn next_frame(&mut self) -> Result<Option<(Captured, SystemTime)>> {
        while let Some(unit) = self.reader.next_unit()? {
            let keyframe = is_idr_access_unit(&unit);
            let Some(unit) = self.parameter_sets.complete(unit) else {
                self.skipped += 1;
                continue;
            };
            let waited = self.start.is_closed();
            if !self.start.pass(keyframe) {
                self.skipped += 1;
                continue;
            }
            if waited && self.skipped > 0 {
                info!("skipped {} access units before the first IDR with SPS and PPS", self.skipped);
            }
            self.pacer.wait();
            return Ok(Some((Captured::AccessUnit { data: unit, keyframe }, SystemTime::now())));
        }
        if self.start.is_closed() {
            anyhow::bail!(
                "the H.264 stream on standard input ended without an IDR picture with SPS and PPS \
                 ({} access units read; is it Annex B? rpicam-vid needs --inline)",
                self.skipped
            );
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nal(header: u8, payload: &[u8]) -> Vec<u8> {
        [&[0, 0, 0, 1, header][..], payload].concat()
    }

    fn units(src: &mut H264StdinSource<&[u8]>) -> Vec<(Vec<u8>, bool)> {
        let mut out = Vec::new();
        while let Some((Captured::AccessUnit { data, keyframe }, _)) = src.next_frame().unwrap() {
            out.push((data.to_vec(), keyframe));
        }
        out
    }

    #[test]
    fn starts_on_the_first_idr_with_parameter_sets() {
        let (sps, pps) = (nal(0x67, &[0x42, 0xC0, 0x1E]), nal(0x68, &[0xCE]));
        let p = nal(0x41, &[0x88, 0x10]);
        let idr_bare = nal(0x65, &[0x88, 0x20]);
        let stream = [&p[..], &idr_bare, &p, &sps, &pps, &idr_bare, &p, &idr_bare, &p].concat();
        let mut src = H264StdinSource::new(&stream[..], 1 << 20);
        let got = units(&mut src);
        let full_idr = [&sps[..], &pps, &idr_bare].concat();
        assert_eq!(got, vec![(full_idr.clone(), true), (p.clone(), false), (full_idr, true), (p, false)]);
        assert_eq!(src.skipped, 3);
    }

    #[test]
    fn a_stream_without_a_decodable_start_is_an_error() {
        let stream = [nal(0x41, &[0x88]), nal(0x41, &[0x88])].concat();
        let mut src = H264StdinSource::new(&stream[..], 1 << 20);
        assert!(src.next_frame().is_err());
    }
}
