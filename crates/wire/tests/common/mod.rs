//! What the wire tests share: bytes cut the way reads would cut them, fed
//! through a decoder one read at a time.

use bytes::BytesMut;
use tokio_util::codec::Decoder;

/// Everything `decoder` yields while `chunks` arrive one read at a time
/// (then, with `eof`, what it yields at the end of input), and the bytes it
/// leaves buffered.
pub fn decode_reads<D: Decoder>(
    mut decoder: D,
    chunks: &[&[u8]],
    eof: bool,
) -> Result<(Vec<D::Item>, BytesMut), D::Error> {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Some(item) = decoder.decode(&mut buf)? {
            out.push(item);
        }
    }
    if eof {
        while let Some(item) = decoder.decode_eof(&mut buf)? {
            out.push(item);
        }
    }
    Ok((out, buf))
}

/// `bytes` cut into reads of the sizes in `cuts`, taken in turn and
/// repeated until nothing is left.
#[allow(dead_code)] // Not every test file cuts bytes this way.
pub fn cut<'a>(bytes: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    for c in cuts.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (a, b) = rest.split_at((*c).min(rest.len()));
        chunks.push(a);
        rest = b;
    }
    chunks
}
