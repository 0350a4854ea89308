//! The MJPEG splitter on arbitrary bytes in two reads: no panic, every frame
//! is SOI..EOI within the limit, and the split point does not change the frames.
#![no_main]

mod common;

use camwire_wire::MjpegSplitter;
use common::MAX;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let check = |f: &bytes::Bytes| assert!(f.starts_with(&[0xFF, 0xD8]) && f.ends_with(&[0xFF, 0xD9]));
    common::same_in_one_read_or_two(data, || MjpegSplitter::new(MAX), check, "frames");
});
