//! What every container writer shares: the [`ContainerWriter`] trait the
//! record sink drives, presentation times from the capture stamps
//! ([`Timeline`]), and the H.264 facts a container header needs.

use std::{
    fs::File,
    io,
    time::{Duration, SystemTime},
};

use camwire_wire::{nal_units, NalType, PayloadKind, Sps};

use super::{mkv::MkvWriter, mp4::Mp4Writer, ts::TsWriter};
use crate::{frame::Frame, RecordFormat};

/// A container format written as frames arrive. The first frame it is given
/// is a keyframe; times are microseconds from the file's first frame and rise.
pub(crate) trait ContainerWriter: Send {
    /// Adds one payload presented at `pts_us`.
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()>;
    /// Writes what is still buffered and whatever closes the file.
    fn finish(&mut self) -> io::Result<()>;
}

/// A writer of `format` into `file` for the stream whose first keyframe is
/// `first`; `Err` names what this container cannot hold.
pub(crate) fn open(format: RecordFormat, file: File, first: &Frame) -> Result<Box<dyn ContainerWriter>, String> {
    let unsupported = || format!("a {} stream cannot go into .{}", first.kind, extension(format));
    Ok(match (format, first.kind) {
        (RecordFormat::Mkv, PayloadKind::Jpeg | PayloadKind::H264) => Box::new(MkvWriter::new(file, first)?),
        (RecordFormat::Mp4, PayloadKind::H264) => Box::new(Mp4Writer::new(file, &first.data)?),
        (RecordFormat::Ts, PayloadKind::H264) => Box::new(TsWriter::new(file)),
        _ => return Err(unsupported()),
    })
}

/// The usual file extension of `format`.
pub(crate) fn extension(format: RecordFormat) -> &'static str {
    match format {
        RecordFormat::Mjpeg => "mjpeg",
        RecordFormat::H264 => "h264",
        RecordFormat::Mkv => "mkv",
        RecordFormat::Mp4 => "mp4",
        RecordFormat::Ts => "ts",
    }
}

/// Presentation times for one file: from the capture stamps when the first
/// frame is stamped (so pauses, drops and a variable rate play as they were
/// captured), otherwise from arrival. The first frame is at 0; each later one
/// is at least 1 ms after the one before.
#[derive(Debug, Default)]
pub(crate) struct Timeline {
    first_capture: Option<SystemTime>,
    last: Option<(u64, SystemTime)>,
}

impl Timeline {
    /// The presentation time of `frame`, in microseconds.
    pub(crate) fn pts_us(&mut self, frame: &Frame) -> u64 {
        let pts = match (self.last, self.first_capture, frame.captured_at) {
            (None, ..) => {
                self.first_capture = frame.captured_at;
                0
            }
            (Some(_), Some(first), Some(captured)) => micros_between(first, captured),
            // Unstamped (a classic sender), or a stamp missing mid-stream: by arrival.
            (Some((last_pts, last_arrival)), ..) => last_pts + micros_between(last_arrival, frame.received_at),
        };
        let pts = match self.last {
            Some((last_pts, _)) if pts < last_pts + 1000 => last_pts + 1000,
            _ => pts,
        };
        self.last = Some((pts, frame.received_at));
        pts
    }
}

fn micros_between(from: SystemTime, to: SystemTime) -> u64 {
    to.duration_since(from).unwrap_or(Duration::ZERO).as_micros() as u64
}

/// The SPS and PPS of an H.264 access unit and the picture size.
pub(crate) struct H264Config {
    pub sps: Vec<u8>,
    pub pps: Vec<u8>,
    pub width: u16,
    pub height: u16,
}

impl H264Config {
    /// From a keyframe with its parameter sets in front, as camwire senders send them.
    pub(crate) fn from_keyframe(au: &[u8]) -> Result<Self, String> {
        let find = |t| nal_units(au).find(|n| NalType::of(n) == Some(t)).map(<[u8]>::to_vec);
        let (Some(sps), Some(pps)) = (find(NalType::Sps), find(NalType::Pps)) else {
            return Err("the first H.264 keyframe has no SPS and PPS in front".into());
        };
        let size = Sps::parse(&sps).filter(|_| sps.len() >= 4).ok_or("the H.264 SPS does not parse")?;
        let fit =
            |v: u32| u16::try_from(v).map_err(|_| format!("a {}x{} picture is too large", size.width, size.height));
        Ok(Self { width: fit(size.width)?, height: fit(size.height)?, sps, pps })
    }

    /// The `AVCDecoderConfigurationRecord` (the body of MP4's `avcC`, Matroska's CodecPrivate).
    pub(crate) fn avcc_record(&self) -> Vec<u8> {
        // Version 1, profile, compatibility, level, 4-byte lengths, one SPS, one PPS.
        let mut out = vec![1, self.sps[1], self.sps[2], self.sps[3], 0xFF, 0xE1];
        out.extend_from_slice(&(self.sps.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.sps);
        out.push(1);
        out.extend_from_slice(&(self.pps.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.pps);
        out
    }
}

/// An Annex-B access unit as MP4/Matroska samples hold it: each NAL unit with
/// a 4-byte big-endian length in front instead of a start code.
pub(crate) fn length_prefixed(au: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(au.len() + 16);
    for nal in nal_units(au) {
        out.extend_from_slice(&(nal.len() as u32).to_be_bytes());
        out.extend_from_slice(nal);
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use bytes::Bytes;

    use super::*;

    fn frame(captured_ms: Option<u64>, received_ms: u64) -> Frame {
        Frame {
            seq: 1,
            data: Bytes::new(),
            kind: PayloadKind::Jpeg,
            keyframe: true,
            received_at: UNIX_EPOCH + Duration::from_millis(received_ms),
            captured_at: captured_ms.map(|ms| UNIX_EPOCH + Duration::from_millis(ms)),
        }
    }

    #[test]
    fn stamped_frames_are_timed_by_capture_not_arrival() {
        let mut t = Timeline::default();
        let pts: Vec<u64> = [(1_000, 5_000), (1_100, 5_010), (3_100, 5_020)]
            .into_iter()
            .map(|(c, r)| t.pts_us(&frame(Some(c), r)))
            .collect();
        assert_eq!(pts, [0, 100_000, 2_100_000]);
    }

    #[test]
    fn unstamped_frames_are_timed_by_arrival() {
        let mut t = Timeline::default();
        let pts: Vec<u64> = [5_000, 5_100, 7_100].into_iter().map(|r| t.pts_us(&frame(None, r))).collect();
        assert_eq!(pts, [0, 100_000, 2_100_000]);
    }

    #[test]
    fn times_always_rise() {
        let mut t = Timeline::default();
        let pts: Vec<u64> =
            [(1_000, 0), (900, 1), (1_000, 2)].into_iter().map(|(c, r)| t.pts_us(&frame(Some(c), r))).collect();
        assert_eq!(pts, [0, 1_000, 2_000]);
    }

    #[test]
    fn length_prefixes_replace_start_codes() {
        let au = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x65, 9];
        assert_eq!(length_prefixed(&au), [0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x65, 9]);
    }
}
