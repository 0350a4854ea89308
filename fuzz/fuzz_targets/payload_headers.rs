//! Everything that reads a payload's headers without decoding it: sniffing,
//! JPEG SOF, the H.264 SPS, capture, clock and stage stamps, the picture test that hands out
//! the sender slot. No panic on any input, a picture is always a JPEG or
//! H.264 payload, and a stamp (or a stage stamp) added to a payload reads back.
#![no_main]

use camwire_wire::{is_picture, jpeg_dimensions, stamp, PayloadKind, Sps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if is_picture(data) {
        assert_ne!(PayloadKind::sniff(data), PayloadKind::Unknown);
    }
    let _ = jpeg_dimensions(data);
    let _ = Sps::find(data);
    let _ = Sps::parse(data);
    let _ = stamp::read_stamp(data);
    if let Some(stamped) = stamp::stamp(data, 0x0123_4567_89AB_CDEF) {
        assert_eq!(stamp::read_stamp(&stamped), Some(0x0123_4567_89AB_CDEF));
    }
    let _ = stamp::read_clock_reply(data);
    if stamp::read_stage_stamp(data).is_none() {
        let stage = stamp::StageStamp { encoded_us: Some(0x0123_4567_89AB_CDEF), sent_us: None };
        if let Some(staged) = stamp::add_stage_stamp(data, stage) {
            assert_eq!(stamp::read_stage_stamp(&staged), Some(stage));
        }
    }
});
