//! Fragmented MP4 (`.mp4`, H.264): `ftyp` and a `moov` without samples,
//! then one `moof`+`mdat` fragment per second of video, each written whole.
//! A file cut anywhere (`kill -9`, a power cut) plays up to its last whole
//! fragment, as MediaMTX's recordings do.
//!
//! The boxes are built by [`super::fmp4`], which the web view's live
//! `/stream.mp4` shares.

use std::{
    fs::File,
    io::{self, Write},
};

use super::{
    avc::{length_prefixed, H264Config},
    fmp4::{fragment, init_segment, ticks, Sample, TIMESCALE},
    ContainerWriter, UnitWrite,
};

/// A fragment is written once it holds this much video.
const FRAGMENT_US: u64 = 1_000_000;

/// One buffered sample: AVCC data, sync or not, decode time in ticks.
struct Buffered {
    data: Vec<u8>,
    keyframe: bool,
    dts: u64,
}

/// Writes a fragmented MP4 with one H.264 track.
pub(crate) struct Mp4Writer {
    out: File,
    samples: Vec<Buffered>,
    sequence: u32,
    /// The duration of the newest written sample, for the last one of the file.
    last_duration: u32,
}

impl Mp4Writer {
    /// Writes `ftyp` and `moov` for the stream that starts with the keyframe `au`.
    pub(crate) fn new(mut out: File, au: &[u8]) -> Result<Self, String> {
        let config = H264Config::from_keyframe(au)?;
        out.write_all(&init_segment(&config)).map_err(|e| format!("write failed ({e})"))?;
        Ok(Self { out, samples: Vec::new(), sequence: 0, last_duration: TIMESCALE / 30 })
    }

    /// Writes the buffered samples as one fragment; `next_dts` is when the
    /// sample after them starts (the last one's end).
    fn flush(&mut self, next_dts: Option<u64>) -> io::Result<()> {
        let Some(last) = self.samples.last() else { return Ok(()) };
        // Without a next sample (the end of the file), the last lasts as long as the one before it.
        let before_last = self.samples.iter().rev().nth(1).map(|b| (last.dts - b.dts) as u32);
        let last_duration = match next_dts {
            Some(n) => n.saturating_sub(last.dts).max(1) as u32,
            None => before_last.unwrap_or(self.last_duration),
        };
        self.last_duration = last_duration;
        self.sequence += 1;
        let taken = std::mem::take(&mut self.samples);
        let mut durations: Vec<u32> = taken.windows(2).map(|w| (w[1].dts - w[0].dts) as u32).collect();
        durations.push(last_duration);
        let samples: Vec<_> = taken
            .iter()
            .zip(&durations)
            .map(|(s, &duration)| Sample { data: &s.data, duration, keyframe: s.keyframe })
            .collect();
        let buf = fragment(self.sequence, taken[0].dts, &samples);
        // One write per fragment: a cut leaves whole fragments and at most one partial one at the end,
        // and a full disk none.
        self.out.write_unit(&buf)
    }
}

impl ContainerWriter for Mp4Writer {
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()> {
        let dts = ticks(pts_us);
        if self.samples.first().is_some_and(|first| dts - first.dts >= ticks(FRAGMENT_US)) {
            self.flush(Some(dts))?;
        }
        self.samples.push(Buffered { data: length_prefixed(data), keyframe, dts });
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush(None)?;
        self.out.sync_data()
    }
}
