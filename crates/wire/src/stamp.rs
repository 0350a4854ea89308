//! Capture timestamps carried inside the payload, invisible to decoders, so
//! the wire format does not change and every classic peer keeps working.
//!
//! A stamp is the capture time in microseconds since the Unix epoch (UTC).
//!
//! - **JPEG**: a COM segment (`FF FE`) placed after SOI and any leading
//!   APP0/APP1 segment (so JFIF and EXIF stay where readers look for them),
//!   holding the ASCII text `camwire capture_us=<decimal>`.
//! - **H.264**: an SEI NAL unit (type 6) with one `user_data_unregistered`
//!   message (payload type 5, 24 bytes): the UUID [`STAMP_UUID`], then the
//!   time as a big-endian `u64`; then the RBSP trailing bits. It goes in
//!   front of the access unit's first slice, after AUD/SPS/PPS, with
//!   emulation-prevention bytes inserted as the standard requires.
//!
//! `protocol.md` gives both byte for byte.

use crate::{
    annexb::{nal_units, RbspBits},
    PayloadKind,
};

/// The UUID of a camwire SEI stamp: the ASCII bytes `camwire-stamp-v1`.
pub const STAMP_UUID: [u8; 16] = *b"camwire-stamp-v1";

/// The text in front of the decimal time in a JPEG COM stamp.
pub const JPEG_STAMP_PREFIX: &[u8] = b"camwire capture_us=";

/// The UUID of a camwire SEI clock reply: the ASCII bytes `camwire-clock-v1`.
pub const CLOCK_UUID: [u8; 16] = *b"camwire-clock-v1";

/// The text in front of a JPEG COM clock reply.
pub const JPEG_CLOCK_PREFIX: &[u8] = b"camwire clock ";

/// The UUID of a camwire SEI stage stamp: the ASCII bytes `camwire-stage-v1`.
pub const STAGE_UUID: [u8; 16] = *b"camwire-stage-v1";

/// The text in front of a JPEG COM stage stamp.
pub const JPEG_STAGE_PREFIX: &[u8] = b"camwire stage ";

/// When a frame passed the sender's later stages, on the sender's clock in
/// microseconds since the Unix epoch (protocol.md, section 12.6): with the
/// capture stamp they split a frame's latency into capture to encoded,
/// encoded to sent, and the network. A time the sender does not know is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StageStamp {
    /// When the encoder gave the frame out.
    pub encoded_us: Option<u64>,
    /// When the sender began to hand the frame to its socket.
    pub sent_us: Option<u64>,
}

/// `payload` with a stage stamp added (beside any capture stamp), or `None`
/// if it is neither a JPEG nor an H.264 access unit with a slice.
pub fn add_stage_stamp(payload: &[u8], stage: StageStamp) -> Option<Vec<u8>> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => {
            let fields: Vec<String> = [("encoded_us", stage.encoded_us), ("sent_us", stage.sent_us)]
                .into_iter()
                .filter_map(|(key, t)| Some(format!("{key}={}", t?)))
                .collect();
            jpeg_with_comment(payload, JPEG_STAGE_PREFIX, &fields.join(" "))
        }
        PayloadKind::H264 => {
            // 0 is "not known": no real time is the epoch itself.
            let body = [stage.encoded_us.unwrap_or(0).to_be_bytes(), stage.sent_us.unwrap_or(0).to_be_bytes()].concat();
            insert_before_slice(payload, &sei_nal(&STAGE_UUID, &body))
        }
        PayloadKind::Unknown => None,
    }
}

/// The stage stamp a JPEG or H.264 payload carries, if any.
pub fn read_stage_stamp(payload: &[u8]) -> Option<StageStamp> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => {
            let text = crate::jpeg::segments(payload)
                .filter(|&(_, marker, _)| marker == 0xFE)
                .find_map(|(_, _, body)| std::str::from_utf8(body.strip_prefix(JPEG_STAGE_PREFIX)?).ok())?;
            let mut stage = StageStamp::default();
            // Unknown fields, and values that are not numbers, are passed over.
            for (key, value) in text.split(' ').filter_map(|f| f.split_once('=')) {
                let t = value.parse::<u64>().ok().filter(|t| *t > 0);
                match key {
                    "encoded_us" => stage.encoded_us = t,
                    "sent_us" => stage.sent_us = t,
                    _ => {}
                }
            }
            Some(stage)
        }
        PayloadKind::H264 => {
            let body = read_h264_sei(payload, &STAGE_UUID)?;
            let t = |i: usize| {
                body.get(i * 8..i * 8 + 8)
                    .map(|b| u64::from_be_bytes(b.try_into().expect("8 bytes")))
                    .filter(|t| *t > 0)
            };
            Some(StageStamp { encoded_us: t(0), sent_us: t(1) })
        }
        PayloadKind::Unknown => None,
    }
}

/// A sender's answer to the back channel's `CAMWIRE PING t1=<t1>`
/// (protocol.md, section 12): three times in microseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockReply {
    /// The receiver's time in the ping, echoed.
    pub t1: u64,
    /// The sender's clock when it read the ping.
    pub t2: u64,
    /// The sender's clock when it began to write the frame carrying the reply.
    pub t3: u64,
}

/// `payload` with a clock reply added (beside any capture stamp), or `None`
/// if it is neither a JPEG nor an H.264 access unit with a slice.
pub fn add_clock_reply(payload: &[u8], reply: ClockReply) -> Option<Vec<u8>> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => {
            let text = format!("t1={} t2={} t3={}", reply.t1, reply.t2, reply.t3);
            jpeg_with_comment(payload, JPEG_CLOCK_PREFIX, &text)
        }
        PayloadKind::H264 => {
            let body = [reply.t1.to_be_bytes(), reply.t2.to_be_bytes(), reply.t3.to_be_bytes()].concat();
            insert_before_slice(payload, &sei_nal(&CLOCK_UUID, &body))
        }
        PayloadKind::Unknown => None,
    }
}

/// The clock reply a JPEG or H.264 payload carries, if any.
pub fn read_clock_reply(payload: &[u8]) -> Option<ClockReply> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => {
            let text = crate::jpeg::segments(payload)
                .filter(|&(_, marker, _)| marker == 0xFE)
                .find_map(|(_, _, body)| std::str::from_utf8(body.strip_prefix(JPEG_CLOCK_PREFIX)?).ok())?;
            let mut t = [None; 3];
            for field in text.split(' ') {
                let (key, value) = field.split_once('=')?;
                let i = ["t1", "t2", "t3"].iter().position(|k| *k == key)?;
                t[i] = Some(value.parse().ok()?);
            }
            Some(ClockReply { t1: t[0]?, t2: t[1]?, t3: t[2]? })
        }
        PayloadKind::H264 => {
            let body = read_h264_sei(payload, &CLOCK_UUID)?;
            let t = |i: usize| Some(u64::from_be_bytes(body.get(i * 8..i * 8 + 8)?.try_into().ok()?));
            Some(ClockReply { t1: t(0)?, t2: t(1)?, t3: t(2)? })
        }
        PayloadKind::Unknown => None,
    }
}

/// `payload` with a capture stamp added, or `None` if it is neither a JPEG
/// nor an H.264 access unit with a slice.
pub fn stamp(payload: &[u8], capture_us: u64) -> Option<Vec<u8>> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => stamp_jpeg(payload, capture_us),
        PayloadKind::H264 => stamp_h264(payload, capture_us),
        PayloadKind::Unknown => None,
    }
}

/// The capture stamp of a JPEG or H.264 payload, if it has one.
pub fn read_stamp(payload: &[u8]) -> Option<u64> {
    match PayloadKind::sniff(payload) {
        PayloadKind::Jpeg => read_jpeg_stamp(payload),
        PayloadKind::H264 => read_h264_stamp(payload),
        PayloadKind::Unknown => None,
    }
}

fn stamp_jpeg(jpeg: &[u8], capture_us: u64) -> Option<Vec<u8>> {
    jpeg_with_comment(jpeg, JPEG_STAMP_PREFIX, &capture_us.to_string())
}

/// `jpeg` with a COM segment holding `prefix` and `text`, after SOI and any
/// leading APP0/APP1.
fn jpeg_with_comment(jpeg: &[u8], prefix: &[u8], text: &str) -> Option<Vec<u8>> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    // After SOI and a leading APP0 (JFIF) and/or APP1 (EXIF).
    let mut at = 2;
    for (off, marker, body) in crate::jpeg::segments(jpeg) {
        if off != at || !matches!(marker, 0xE0 | 0xE1) {
            break;
        }
        at = off + 4 + body.len();
    }
    let text = [prefix, text.as_bytes()].concat();
    let mut out = Vec::with_capacity(jpeg.len() + 4 + text.len());
    out.extend_from_slice(&jpeg[..at]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&(2 + text.len() as u16).to_be_bytes());
    out.extend_from_slice(&text);
    out.extend_from_slice(&jpeg[at..]);
    Some(out)
}

fn read_jpeg_stamp(jpeg: &[u8]) -> Option<u64> {
    crate::jpeg::segments(jpeg)
        .filter(|&(_, marker, _)| marker == 0xFE)
        .find_map(|(_, _, body)| std::str::from_utf8(body.strip_prefix(JPEG_STAMP_PREFIX)?).ok()?.parse().ok())
}

/// The SEI NAL unit, with its 4-byte start code, that carries `capture_us`.
pub(crate) fn h264_stamp_nal(capture_us: u64) -> Vec<u8> {
    sei_nal(&STAMP_UUID, &capture_us.to_be_bytes())
}

/// An SEI NAL unit, with its 4-byte start code, holding one
/// `user_data_unregistered` message: `uuid` then `body` (at most 239 bytes).
fn sei_nal(uuid: &[u8; 16], body: &[u8]) -> Vec<u8> {
    let mut rbsp = vec![5u8, (16 + body.len()) as u8];
    rbsp.extend_from_slice(uuid);
    rbsp.extend_from_slice(body);
    rbsp.push(0x80);
    let mut nal = vec![0, 0, 0, 1, 6];
    let mut zeros = 0;
    for b in rbsp {
        if zeros >= 2 && b <= 3 {
            nal.push(3);
            zeros = 0;
        }
        zeros = if b == 0 { zeros + 1 } else { 0 };
        nal.push(b);
    }
    nal
}

fn stamp_h264(au: &[u8], capture_us: u64) -> Option<Vec<u8>> {
    insert_before_slice(au, &h264_stamp_nal(capture_us))
}

/// `au` with the NAL unit `sei` (start code included) in front of its first slice.
fn insert_before_slice(au: &[u8], sei: &[u8]) -> Option<Vec<u8>> {
    let slice = nal_units(au).find(|nal| nal.first().is_some_and(|h| matches!(h & 0x1F, 1 | 5)))?;
    // Back up from the slice over its start code (3 bytes, or 4 with a leading zero).
    let mut at = slice.as_ptr() as usize - au.as_ptr() as usize - 3;
    if at > 0 && au[at - 1] == 0 {
        at -= 1;
    }
    let mut out = Vec::with_capacity(au.len() + sei.len());
    out.extend_from_slice(&au[..at]);
    out.extend_from_slice(sei);
    out.extend_from_slice(&au[at..]);
    Some(out)
}

fn read_h264_stamp(au: &[u8]) -> Option<u64> {
    let body = read_h264_sei(au, &STAMP_UUID)?;
    Some(u64::from_be_bytes(body.get(..8)?.try_into().ok()?))
}

/// The body after `uuid` of the first camwire SEI message with that UUID.
fn read_h264_sei(au: &[u8], uuid: &[u8; 16]) -> Option<Vec<u8>> {
    // Every camwire SEI goes in front of the first slice: the slices are not read.
    nal_units(au)
        .take_while(|nal| !nal.first().is_some_and(|h| matches!(h & 0x1F, 1 | 5)))
        .filter(|nal| nal.first().is_some_and(|h| h & 0x1F == 6))
        .find_map(|nal| sei_message(RbspBits::new(&nal[1..]), uuid))
}

/// The body of the `user_data_unregistered` message with `uuid` among the
/// messages of an SEI, read past its emulation-prevention bytes.
fn sei_message(mut rbsp: RbspBits<'_>, uuid: &[u8; 16]) -> Option<Vec<u8>> {
    loop {
        // Until only the trailing bits (0x80) are left.
        let first = rbsp.byte()?;
        if first == 0x80 {
            return None;
        }
        let kind = sei_value(first, &mut rbsp)?;
        let first = rbsp.byte()?;
        let size = sei_value(first, &mut rbsp)?;
        let body: Vec<u8> = (0..size).map(|_| rbsp.byte()).collect::<Option<_>>()?;
        if let Some(rest) = body.strip_prefix(&uuid[..]).filter(|_| kind == 5) {
            return Some(rest.to_vec());
        }
    }
}

/// An SEI payload type or size that starts with `first`: bytes summed while they are FF.
fn sei_value(first: u8, rbsp: &mut RbspBits<'_>) -> Option<usize> {
    let (mut v, mut b) = (usize::from(first), first);
    while b == 0xFF {
        b = rbsp.byte()?;
        v += usize::from(b);
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const JPEG: &[u8] =
        &[0xFF, 0xD8, 0xFF, 0xE0, 0, 4, b'J', b'F', 0xFF, 0xDB, 0, 3, 7, 0xFF, 0xDA, 0, 2, 1, 2, 0xFF, 0xD9];

    #[test]
    fn jpeg_stamp_round_trips_and_goes_after_app0() {
        let stamped = stamp(JPEG, 1_732_270_000_123_456).unwrap();
        assert_eq!(&stamped[..8], &JPEG[..8], "SOI and APP0 stay first");
        assert_eq!(&stamped[8..10], &[0xFF, 0xFE]);
        assert_eq!(read_stamp(&stamped), Some(1_732_270_000_123_456));
        assert_eq!(read_stamp(JPEG), None);
    }

    #[test]
    fn h264_stamp_goes_before_the_first_slice_and_round_trips() {
        let au = [
            &[0u8, 0, 0, 1, 9, 0xF0][..],
            &[0, 0, 0, 1, 0x67, 1, 2],
            &[0, 0, 0, 1, 0x68, 3],
            &[0, 0, 1, 0x65, 0x88, 4],
        ]
        .concat();
        for t in [0u64, 1, 0x0000_0300_0000_0001, u64::MAX, 1_732_270_000_123_456] {
            let stamped = stamp(&au, t).unwrap();
            assert_eq!(read_stamp(&stamped), Some(t), "time {t:#x}");
            let types: Vec<u8> = nal_units(&stamped).map(|n| n[0] & 0x1F).collect();
            assert_eq!(types, [9, 7, 8, 6, 5]);
        }
    }

    /// The bytes protocol.md shows, section 4.
    #[test]
    fn stamps_match_protocol_md_byte_for_byte() {
        let t = 1_732_270_000_123_456;
        let mut sei = vec![0, 0, 0, 1, 6, 5, 0x18];
        sei.extend_from_slice(b"camwire-stamp-v1");
        sei.extend_from_slice(&[0x00, 0x06, 0x27, 0x7D, 0x8A, 0x03, 0x2E, 0x40, 0x80]);
        assert_eq!(h264_stamp_nal(t), sei);
        let stamped = stamp(JPEG, t).unwrap();
        let mut com = vec![0xFF, 0xFE, 0x00, 0x25];
        com.extend_from_slice(b"camwire capture_us=1732270000123456");
        assert_eq!(&stamped[8..8 + com.len()], &com[..]);
    }

    #[test]
    fn clock_replies_round_trip_beside_the_stamp() {
        let reply = ClockReply { t1: 1_732_270_000_123_456, t2: 0, t3: u64::MAX };
        let au = [&[0u8, 0, 0, 1, 0x67, 1, 2][..], &[0, 0, 0, 1, 0x68, 3], &[0, 0, 1, 0x65, 0x88, 4]].concat();
        for payload in [JPEG.to_vec(), au] {
            let stamped = stamp(&payload, 77).unwrap();
            assert_eq!(read_clock_reply(&stamped), None);
            let replied = add_clock_reply(&stamped, reply).unwrap();
            assert_eq!(read_clock_reply(&replied), Some(reply));
            assert_eq!(read_stamp(&replied), Some(77), "the stamp is still read");
        }
        let jpeg = add_clock_reply(JPEG, ClockReply { t1: 1, t2: 2, t3: 3 }).unwrap();
        let com = b"\xFF\xFE\x00\x1Ecamwire clock t1=1 t2=2 t3=3";
        assert_eq!(&jpeg[8..8 + com.len()], com);
    }

    #[test]
    fn stage_stamps_round_trip_beside_the_stamp_and_unknown_times_stay_unknown() {
        let au = [&[0u8, 0, 0, 1, 0x67, 1, 2][..], &[0, 0, 0, 1, 0x68, 3], &[0, 0, 1, 0x65, 0x88, 4]].concat();
        for payload in [JPEG.to_vec(), au] {
            let stamped = stamp(&payload, 77).unwrap();
            assert_eq!(read_stage_stamp(&stamped), None);
            for stage in [
                StageStamp { encoded_us: Some(1_732_270_000_123_456), sent_us: Some(1_732_270_000_124_000) },
                StageStamp { encoded_us: None, sent_us: Some(0x0000_0300_0000_0001) },
                StageStamp::default(),
            ] {
                let staged = add_stage_stamp(&stamped, stage).unwrap();
                assert_eq!(read_stage_stamp(&staged), Some(stage));
                assert_eq!(read_stamp(&staged), Some(77), "the stamp is still read");
                let replied = add_clock_reply(&staged, ClockReply { t1: 1, t2: 2, t3: 3 }).unwrap();
                assert_eq!(read_stage_stamp(&replied), Some(stage));
            }
        }
    }

    /// The bytes protocol.md shows, section 12.6.
    #[test]
    fn stage_stamps_match_protocol_md_byte_for_byte() {
        let stage = StageStamp { encoded_us: Some(1_732_270_000_131_000), sent_us: Some(1_732_270_000_131_500) };
        let jpeg = add_stage_stamp(JPEG, stage).unwrap();
        let com = b"\xFF\xFE\x00\x44camwire stage encoded_us=1732270000131000 sent_us=1732270000131500";
        assert_eq!(&jpeg[8..8 + com.len()], com);
        let au = [0u8, 0, 0, 1, 0x65, 0x88, 4];
        let mut sei = vec![0, 0, 0, 1, 6, 5, 0x20];
        sei.extend_from_slice(b"camwire-stage-v1");
        sei.extend_from_slice(&[0x00, 0x06, 0x27, 0x7D, 0x8A, 0x03, 0x4B, 0xB8]);
        sei.extend_from_slice(&[0x00, 0x06, 0x27, 0x7D, 0x8A, 0x03, 0x4D, 0xAC, 0x80]);
        assert_eq!(&add_stage_stamp(&au, stage).unwrap()[..sei.len()], &sei[..]);
        let text = b"\xFF\xD8\xFF\xFE\x00\x26camwire stage sent_us=9 later_us=4 x\xFF\xD9";
        assert_eq!(read_stage_stamp(text), Some(StageStamp { encoded_us: None, sent_us: Some(9) }));
    }

    #[test]
    fn sei_escapes_zero_runs() {
        let nal = h264_stamp_nal(0);
        assert!(!nal[4..].windows(3).any(|w| w[0] == 0 && w[1] == 0 && w[2] <= 2));
    }

    #[test]
    fn access_unit_without_a_slice_is_not_stamped() {
        assert_eq!(stamp(&[0, 0, 0, 1, 0x67, 1], 5), None);
    }
}
