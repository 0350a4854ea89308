//! What the splitter targets share: arbitrary bytes split in one read and
//! in two must give the same items, whatever the cut.

use bytes::{Bytes, BytesMut};
use camwire_wire::WireError;
use tokio_util::codec::Decoder;

/// The largest item the splitters are built for.
pub const MAX: usize = 8192;

/// Every item `decoder` yields from `chunks` fed as successive reads, then at
/// the end of input; `check` sees each item the reads yield.
fn split<D: Decoder<Item = Bytes, Error = WireError>>(
    mut decoder: D,
    chunks: &[&[u8]],
    check: &impl Fn(&Bytes),
) -> Vec<Vec<u8>> {
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Ok(Some(item)) = decoder.decode(&mut buf) {
            check(&item);
            out.push(item.to_vec());
        }
    }
    while let Ok(Some(item)) = decoder.decode_eof(&mut buf) {
        out.push(item.to_vec());
    }
    out
}

/// The fuzz body: the first byte picks where `data` is cut in two, and the
/// cut must not change the items (`what`) a fresh decoder yields.
pub fn same_in_one_read_or_two<D: Decoder<Item = Bytes, Error = WireError>>(
    data: &[u8],
    new: impl Fn() -> D,
    check: impl Fn(&Bytes),
    what: &str,
) {
    let Some((&cut, data)) = data.split_first() else { return };
    let cut = (cut as usize * 37).min(data.len());
    let whole = split(new(), &[data], &check);
    if data.len() <= MAX {
        assert_eq!(whole, split(new(), &[&data[..cut], &data[cut..]], &check), "read boundaries changed the {what}");
    }
}
