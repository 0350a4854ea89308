//! Fragmented MP4 boxes for one H.264 track (ISO/IEC 14496-12), shared by
//! the `.mp4` recordings (a fragment a second) and the web view's live
//! `/stream.mp4` (a fragment per access unit).
//!
//! The boxes are written here: the `mp4` crate (0.14) writes only
//! whole-file MP4 with the index at the end (unplayable when cut) and keeps
//! its fragment boxes in private modules; `muxide` needs Rust 1.86 and
//! guesses each fragment's start from the one before, which loses pauses at
//! fragment boundaries.

use std::time::{SystemTime, UNIX_EPOCH};

use super::avc::H264Config;

/// Ticks per second of the video track.
pub(crate) const TIMESCALE: u32 = 90_000;

/// Microseconds to track ticks.
pub(crate) fn ticks(us: u64) -> u64 {
    us * u64::from(TIMESCALE) / 1_000_000
}

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

/// One sample of a fragment: AVCC data (length-prefixed NAL units), its
/// duration in ticks, and whether a decoder can start at it.
pub(crate) struct Sample<'a> {
    pub data: &'a [u8],
    pub duration: u32,
    pub keyframe: bool,
}

/// A `moof` and its `mdat`: fragment number `sequence`, the first sample
/// decoded at `base_dts` ticks, the samples in decode order.
pub(crate) fn fragment(sequence: u32, base_dts: u64, samples: &[Sample<'_>]) -> Vec<u8> {
    let moof = |data_offset: u32| {
        let mut entries = Vec::with_capacity(samples.len() * 12);
        for s in samples {
            // A sync sample depends on nothing; the others depend on earlier ones and are not sync.
            let flags = if s.keyframe { 0x0200_0000 } else { 0x0101_0000 };
            entries.extend(be32(&[s.duration, s.data.len() as u32, flags]));
        }
        // data offset, then per sample: duration, size, flags.
        let trun = full_box(b"trun", 0, 0x0701, &[&be32(&[samples.len() as u32, data_offset]), &entries]);
        // default-base-is-moof: data offsets count from this fragment's moof.
        let tfhd = full_box(b"tfhd", 0, 0x02_0000, &[&be32(&[1])]);
        let tfdt = full_box(b"tfdt", 1, 0, &[&base_dts.to_be_bytes()]);
        let traf = mp4_box(b"traf", &[&tfhd, &tfdt, &trun]);
        let mfhd = full_box(b"mfhd", 0, 0, &[&be32(&[sequence])]);
        mp4_box(b"moof", &[&mfhd, &traf])
    };
    let moof_len = moof(0).len();
    let moof = moof(moof_len as u32 + 8);
    let mdat_len: usize = samples.iter().map(|s| s.data.len()).sum();
    let mut buf = Vec::with_capacity(moof.len() + 8 + mdat_len);
    buf.extend_from_slice(&moof);
    buf.extend_from_slice(&(8 + mdat_len as u32).to_be_bytes());
    buf.extend_from_slice(b"mdat");
    for s in samples {
        buf.extend_from_slice(s.data);
    }
    buf
}

/// Seconds from 1900 (NTP's epoch) to 1970 (Unix's).
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

/// A `prft` (ProducerReferenceTimeBox, version 1, flags 24: "captured"):
/// the sample decoded at `media_time` ticks was captured at `captured`.
/// It goes right before the fragment's `moof`, as ffmpeg's `-write_prft` puts it.
pub(crate) fn prft(captured: SystemTime, media_time: u64) -> Vec<u8> {
    let since = captured.duration_since(UNIX_EPOCH).unwrap_or_default();
    let fraction = (u64::from(since.subsec_nanos()) << 32) / 1_000_000_000;
    let ntp = ((since.as_secs() + NTP_UNIX_OFFSET) << 32) | fraction;
    full_box(b"prft", 1, 24, &[&be32(&[1]), &ntp.to_be_bytes(), &media_time.to_be_bytes()])
}

/// `ftyp` and a `moov` whose one track has no samples and an `mvex`, as
/// fragmented MP4 wants.
pub(crate) fn init_segment(c: &H264Config) -> Vec<u8> {
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

/// The codec string a browser asks about (`avc1.PPCCLL`: profile, constraints, level from the SPS).
pub(crate) fn codec_string(c: &H264Config) -> String {
    format!("avc1.{:02X}{:02X}{:02X}", c.sps[1], c.sps[2], c.sps[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prft_carries_the_capture_time_as_ntp_and_the_media_time() {
        let at = UNIX_EPOCH + std::time::Duration::from_millis(1_700_000_000_500);
        let b = prft(at, 90_000);
        assert_eq!(&b[..8], &[0, 0, 0, 32, b'p', b'r', b'f', b't']);
        assert_eq!(&b[8..12], &[1, 0, 0, 24], "version 1, flags: captured");
        assert_eq!(u32::from_be_bytes(b[12..16].try_into().unwrap()), 1, "track 1");
        let ntp = u64::from_be_bytes(b[16..24].try_into().unwrap());
        assert_eq!(ntp >> 32, 1_700_000_000 + NTP_UNIX_OFFSET);
        assert_eq!(ntp & 0xFFFF_FFFF, 1 << 31, "half a second");
        assert_eq!(u64::from_be_bytes(b[24..32].try_into().unwrap()), 90_000);
    }

    #[test]
    fn a_fragment_points_its_data_offset_at_the_first_sample() {
        let (a, b) = ([0, 0, 0, 1, 0x65], [0, 0, 0, 1, 0x41]);
        let samples =
            [Sample { data: &a, duration: 3000, keyframe: true }, Sample { data: &b, duration: 3000, keyframe: false }];
        let f = fragment(7, 123, &samples);
        let moof_len = u32::from_be_bytes(f[..4].try_into().unwrap()) as usize;
        assert_eq!(&f[moof_len + 4..moof_len + 8], b"mdat");
        assert_eq!(&f[moof_len + 8..], [a, b].concat());
        // trun's data offset is the last u32 before its 2 x 3 entries: moof + the mdat header.
        let offset_at = moof_len - 6 * 4 - 4;
        assert_eq!(u32::from_be_bytes(f[offset_at..offset_at + 4].try_into().unwrap()) as usize, moof_len + 8);
    }
}
