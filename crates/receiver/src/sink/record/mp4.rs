//! Fragmented MP4 (`.mp4`, H.264): `ftyp` and a `moov` without samples,
//! then one `moof`+`mdat` fragment per second of video, each written whole.
//! A file cut anywhere (`kill -9`, a power cut) plays up to its last whole
//! fragment, as MediaMTX's recordings do.
//!
//! The boxes are written here (ISO/IEC 14496-12): the `mp4` crate (0.14)
//! writes only whole-file MP4 with the index at the end (unplayable when
//! cut) and keeps its fragment boxes in private modules; `muxide` needs
//! Rust 1.86 and guesses each fragment's start from the one before, which
//! loses pauses at fragment boundaries.

use std::{
    fs::File,
    io::{self, Write},
};

use super::container::{length_prefixed, ContainerWriter, H264Config};

/// Ticks per second of the video track.
const TIMESCALE: u32 = 90_000;
/// A fragment is written once it holds this much video.
const FRAGMENT_US: u64 = 1_000_000;

/// A box: size, type, body.
fn mp4_box(kind: &[u8; 4], parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = 8 + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(&(len as u32).to_be_bytes());
    out.extend_from_slice(kind);
    for p in parts {
        out.extend_from_slice(p);
    }
    out
}

/// A full box: a box whose body starts with version and flags.
fn full_box(kind: &[u8; 4], version: u8, flags: u32, parts: &[&[u8]]) -> Vec<u8> {
    let vf = (u32::from(version) << 24 | flags).to_be_bytes();
    let mut all: Vec<&[u8]> = vec![&vf];
    all.extend_from_slice(parts);
    mp4_box(kind, &all)
}

/// Big-endian bytes of a list of `u32`s.
fn be32(values: &[u32]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// The identity matrix of `mvhd` and `tkhd`.
fn matrix() -> Vec<u8> {
    be32(&[0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000])
}

/// One buffered sample: AVCC data, sync or not, decode time in ticks.
struct Sample {
    data: Vec<u8>,
    keyframe: bool,
    dts: u64,
}

/// Writes a fragmented MP4 with one H.264 track.
pub(crate) struct Mp4Writer {
    out: File,
    samples: Vec<Sample>,
    sequence: u32,
    /// The duration of the newest written sample, for the last one of the file.
    last_duration: u32,
}

fn ticks(us: u64) -> u64 {
    us * u64::from(TIMESCALE) / 1_000_000
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
        let samples = std::mem::take(&mut self.samples);
        let mut durations: Vec<u32> = samples.windows(2).map(|w| (w[1].dts - w[0].dts) as u32).collect();
        durations.push(last_duration);
        let moof = |data_offset: u32| {
            let mut entries = Vec::with_capacity(samples.len() * 12);
            for (s, d) in samples.iter().zip(&durations) {
                // A sync sample depends on nothing; the others depend on earlier ones and are not sync.
                let flags = if s.keyframe { 0x0200_0000 } else { 0x0101_0000 };
                entries.extend(be32(&[*d, s.data.len() as u32, flags]));
            }
            // data offset, then per sample: duration, size, flags.
            let trun = full_box(b"trun", 0, 0x0701, &[&be32(&[samples.len() as u32, data_offset]), &entries]);
            // default-base-is-moof: data offsets count from this fragment's moof.
            let tfhd = full_box(b"tfhd", 0, 0x02_0000, &[&be32(&[1])]);
            let tfdt = full_box(b"tfdt", 1, 0, &[&samples[0].dts.to_be_bytes()]);
            let traf = mp4_box(b"traf", &[&tfhd, &tfdt, &trun]);
            let mfhd = full_box(b"mfhd", 0, 0, &[&be32(&[self.sequence])]);
            mp4_box(b"moof", &[&mfhd, &traf])
        };
        let moof_len = moof(0).len();
        let moof = moof(moof_len as u32 + 8);
        let mdat_len: usize = samples.iter().map(|s| s.data.len()).sum();
        let mut buf = Vec::with_capacity(moof.len() + 8 + mdat_len);
        buf.extend_from_slice(&moof);
        buf.extend_from_slice(&(8 + mdat_len as u32).to_be_bytes());
        buf.extend_from_slice(b"mdat");
        for s in &samples {
            buf.extend_from_slice(&s.data);
        }
        // One write per fragment: a cut leaves whole fragments and at most one partial one at the end.
        self.out.write_all(&buf)
    }
}

impl ContainerWriter for Mp4Writer {
    fn write(&mut self, data: &[u8], keyframe: bool, pts_us: u64) -> io::Result<()> {
        let dts = ticks(pts_us);
        if self.samples.first().is_some_and(|first| dts - first.dts >= ticks(FRAGMENT_US)) {
            self.flush(Some(dts))?;
        }
        self.samples.push(Sample { data: length_prefixed(data), keyframe, dts });
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.flush(None)?;
        self.out.sync_data()
    }
}

/// `ftyp` and a `moov` whose one track has no samples and an `mvex`, as
/// fragmented MP4 wants.
fn init_segment(c: &H264Config) -> Vec<u8> {
    let ftyp = mp4_box(b"ftyp", &[b"iso5", &be32(&[512]), b"iso5iso6avc1mp41"]);
    // mvhd: times 0, timescale 1000, duration 0, rate 1.0, volume 1.0, reserved, matrix, pre-defined, next track 2.
    let mvhd = full_box(
        b"mvhd",
        0,
        0,
        &[&be32(&[0, 0, 1000, 0, 0x0001_0000]), &[1, 0, 0, 0], &[0; 8], &matrix(), &[0; 24], &be32(&[2])],
    );
    let (w, h) = (u32::from(c.width), u32::from(c.height));
    // tkhd: enabled, in the movie; times 0, track 1, reserved, duration 0, reserved, layer/group, volume 0.
    let tkhd = full_box(b"tkhd", 0, 3, &[&be32(&[0, 0, 1, 0, 0, 0, 0, 0, 0]), &matrix(), &be32(&[w << 16, h << 16])]);
    // mdhd: times 0, timescale, duration 0, language "und", pre-defined.
    let mdhd = full_box(b"mdhd", 0, 0, &[&be32(&[0, 0, TIMESCALE, 0]), &[0x55, 0xC4, 0, 0]]);
    let hdlr = full_box(b"hdlr", 0, 0, &[&be32(&[0]), b"vide", &[0; 12], b"camwire video\0"]);
    let vmhd = full_box(b"vmhd", 0, 1, &[&[0; 8]]);
    let url = full_box(b"url ", 0, 1, &[]);
    let dinf = mp4_box(b"dinf", &[&full_box(b"dref", 0, 0, &[&be32(&[1]), &url])]);
    let avcc = mp4_box(b"avcC", &[&c.avcc_record()]);
    let mut avc1_fields = vec![0u8; 6];
    avc1_fields.extend_from_slice(&[0, 1]); // data reference index
    avc1_fields.extend_from_slice(&[0; 16]); // pre-defined, reserved
    avc1_fields.extend_from_slice(&c.width.to_be_bytes());
    avc1_fields.extend_from_slice(&c.height.to_be_bytes());
    avc1_fields.extend(be32(&[0x0048_0000, 0x0048_0000, 0])); // 72 dpi, reserved
    avc1_fields.extend_from_slice(&[0, 1]); // frame count
    avc1_fields.extend_from_slice(&[0; 32]); // compressor name
    avc1_fields.extend_from_slice(&[0, 0x18, 0xFF, 0xFF]); // depth 24, pre-defined -1
    let avc1 = mp4_box(b"avc1", &[&avc1_fields, &avcc]);
    let stsd = full_box(b"stsd", 0, 0, &[&be32(&[1]), &avc1]);
    let empty = |kind| full_box(kind, 0, 0, &[&be32(&[0])]);
    let stsz = full_box(b"stsz", 0, 0, &[&be32(&[0, 0])]);
    let stbl = mp4_box(b"stbl", &[&stsd, &empty(b"stts"), &empty(b"stsc"), &stsz, &empty(b"stco")]);
    let minf = mp4_box(b"minf", &[&vmhd, &dinf, &stbl]);
    let mdia = mp4_box(b"mdia", &[&mdhd, &hdlr, &minf]);
    let trak = mp4_box(b"trak", &[&tkhd, &mdia]);
    // trex: track 1, sample description 1, no other defaults.
    let mvex = mp4_box(b"mvex", &[&full_box(b"trex", 0, 0, &[&be32(&[1, 1, 0, 0, 0])])]);
    let moov = mp4_box(b"moov", &[&mvhd, &trak, &mvex]);
    [ftyp, moov].concat()
}
