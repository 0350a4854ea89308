//! Everything that reads a payload's headers without decoding it: sniffing,
//! JPEG SOF, the H.264 SPS, capture stamps. No panic on any input, and a
//! stamp added to a payload reads back.
#![no_main]

use camwire_wire::{jpeg_dimensions, stamp, PayloadKind, Sps};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = PayloadKind::sniff(data);
    let _ = jpeg_dimensions(data);
    let _ = Sps::find(data);
    let _ = Sps::parse(data);
    let _ = stamp::read_stamp(data);
    if let Some(stamped) = stamp::stamp(data, 0x0123_4567_89AB_CDEF) {
        assert_eq!(stamp::read_stamp(&stamped), Some(0x0123_4567_89AB_CDEF));
    }
});
