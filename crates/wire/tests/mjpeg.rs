//! The MJPEG splitter on chunked, noisy and awkward input.

mod common;

use bytes::BytesMut;
use camwire_wire::{jpeg_dimensions, MjpegSplitter, PayloadKind, WireError};
use tokio_util::codec::Decoder;

/// A structurally valid small JPEG-like frame: SOI, APP0, SOF0, SOS with
/// entropy data containing stuffed bytes, a restart marker and fill bytes, EOI.
fn frame(tag: u8, w: u16, h: u16) -> Vec<u8> {
    let mut f = vec![0xFF, 0xD8];
    f.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x07, b'J', b'F', b'I', b'F', tag]);
    // An APP1 whose body holds a fake EOI (like an EXIF thumbnail would).
    f.extend_from_slice(&[0xFF, 0xE1, 0x00, 0x06, 0xFF, 0xD9, 0xFF, 0xD8]);
    let [wh, wl] = w.to_be_bytes();
    let [hh, hl] = h.to_be_bytes();
    f.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x0B, 8, hh, hl, wh, wl, 1, 1, 0x11, 0]);
    f.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 1, 1, 0, 0, 63, 0]);
    f.extend_from_slice(&[0x12, tag, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xFF, 0xD1, 0x78, tag]);
    f.extend_from_slice(&[0xFF, 0xD9]);
    f
}

fn stream() -> (Vec<u8>, Vec<Vec<u8>>) {
    let frames: Vec<Vec<u8>> = (1..=3).map(|i| frame(i, 640, 480)).collect();
    let mut bytes = vec![0x00, 0x13, 0xFF]; // leading garbage, ending on FF
    for f in &frames {
        bytes.extend_from_slice(f);
    }
    (bytes, frames)
}

fn split_chunks(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let (frames, _) = common::decode_reads(MjpegSplitter::default(), chunks, false).unwrap();
    frames.iter().map(|f| f.to_vec()).collect()
}

#[test]
fn splits_concatenated_frames_in_one_read() {
    let (bytes, frames) = stream();
    assert_eq!(split_chunks(&[&bytes]), frames);
}

#[test]
fn marker_split_across_every_read_boundary() {
    let (bytes, frames) = stream();
    for cut in 0..=bytes.len() {
        let (a, b) = bytes.split_at(cut);
        assert_eq!(split_chunks(&[a, b]), frames, "cut at {cut}");
    }
}

#[test]
fn fed_one_byte_at_a_time() {
    let (bytes, frames) = stream();
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(split_chunks(&chunks), frames);
}

#[test]
fn eoi_inside_an_app_segment_does_not_end_the_frame() {
    let f = frame(9, 8, 8);
    assert_eq!(MjpegSplitter::split_all(&f).unwrap(), vec![f.clone()]);
}

#[test]
fn gives_up_on_a_frame_past_the_limit() {
    let mut s = MjpegSplitter::new(64);
    let mut buf = BytesMut::from(&[0xFF, 0xD8, 0xFF, 0xDA, 0, 2][..]);
    buf.extend_from_slice(&[0x11; 100]);
    assert!(matches!(s.decode(&mut buf), Err(WireError::UnframedTooLarge { max: 64 })));
}

#[test]
fn trailing_partial_frame_is_dropped_at_eof() {
    let (bytes, frames) = stream();
    let mut s = MjpegSplitter::default();
    let mut buf = BytesMut::from(&bytes[..bytes.len() - 5]);
    let mut out = Vec::new();
    while let Some(f) = s.decode_eof(&mut buf).unwrap() {
        out.push(f.to_vec());
    }
    assert_eq!(out, frames[..2]);
    assert!(buf.is_empty());
}

#[test]
fn sniffs_payload_kinds() {
    assert_eq!(PayloadKind::sniff(&frame(1, 2, 2)), PayloadKind::Jpeg);
    assert_eq!(PayloadKind::sniff(&[0, 0, 0, 1, 0x67]), PayloadKind::H264);
    assert_eq!(PayloadKind::sniff(&[0, 0, 1, 0x09]), PayloadKind::H264);
    assert_eq!(PayloadKind::sniff(b"GIF89a"), PayloadKind::Unknown);
    assert_eq!(PayloadKind::sniff(&[]), PayloadKind::Unknown);
}

#[test]
fn reads_jpeg_dimensions_from_sof() {
    assert_eq!(jpeg_dimensions(&frame(1, 1280, 720)), Some((1280, 720)));
    assert_eq!(jpeg_dimensions(&frame(1, 1280, 720)[..20]), None);
    assert_eq!(jpeg_dimensions(b"not a jpeg"), None);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn splits_the_same_frames_on_arbitrary_chunking(
            tags in prop::collection::vec(any::<u8>(), 1..12),
            garbage in prop::collection::vec(0u8..0xFF, 0..40),
            cuts in prop::collection::vec(1usize..50, 1..40),
        ) {
            let frames: Vec<Vec<u8>> = tags.iter().map(|&t| frame(t, 16 + t as u16, 8)).collect();
            let mut bytes = garbage.clone();
            for f in &frames {
                bytes.extend_from_slice(f);
            }
            let chunks = common::cut(&bytes, &cuts);
            prop_assert_eq!(split_chunks(&chunks), frames);
        }
    }
}
