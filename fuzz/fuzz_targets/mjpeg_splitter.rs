//! The MJPEG splitter on arbitrary bytes in two reads: no panic, every frame
//! is SOI..EOI within the limit, and the split point does not change the frames.
#![no_main]

use bytes::BytesMut;
use camwire_wire::MjpegSplitter;
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

const MAX: usize = 8192;

fn split(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut s = MjpegSplitter::new(MAX);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Ok(Some(f)) = s.decode(&mut buf) {
            assert!(f.starts_with(&[0xFF, 0xD8]) && f.ends_with(&[0xFF, 0xD9]));
            out.push(f.to_vec());
        }
    }
    while let Ok(Some(f)) = s.decode_eof(&mut buf) {
        out.push(f.to_vec());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else { return };
    let cut = (cut as usize * 37).min(data.len());
    let whole = split(&[data]);
    if data.len() <= MAX {
        assert_eq!(whole, split(&[&data[..cut], &data[cut..]]), "read boundaries changed the frames");
    }
});
