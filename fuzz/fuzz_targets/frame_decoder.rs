//! The frame codec on arbitrary bytes, cut into reads where the input says:
//! it must never panic, never yield a frame over the limit, and agree with
//! itself on where frames are whatever the read boundaries, and never hold
//! much more buffer than the bytes that arrived (a length is only a claim).
#![no_main]

use bytes::BytesMut;
use camwire_wire::{FrameCodec, Message, GROW_STEP};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

const MAX: usize = 1 << 20;

fn decode(chunks: &[&[u8]]) -> (Vec<Message>, bool) {
    let mut codec = FrameCodec::new(MAX);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        let arrived = buf.len();
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(msg)) => {
                    if let Message::Frame(f) = &msg {
                        assert!(!f.is_empty() && f.len() <= MAX);
                    }
                    out.push(msg);
                }
                Ok(None) => {
                    assert!(buf.capacity() <= 4 * arrived + 2 * GROW_STEP, "buffer far larger than what arrived");
                    break;
                }
                Err(_) => return (out, true),
            }
        }
    }
    let failed = codec.decode_eof(&mut buf).is_err();
    (out, failed)
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else { return };
    let cut = (cut as usize).min(data.len());
    let whole = decode(&[data]);
    let split = decode(&[&data[..cut], &data[cut..]]);
    assert_eq!(whole.0, split.0, "read boundaries changed the frames");
    assert_eq!(whole.1, split.1);
});
