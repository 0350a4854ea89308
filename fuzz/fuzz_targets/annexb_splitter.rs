//! The Annex-B access-unit splitter on arbitrary bytes in two reads: no
//! panic, no unit over the limit, and the NAL helpers accept whatever it yields.
#![no_main]

use bytes::BytesMut;
use camwire_wire::{has_parameter_sets, is_idr_access_unit, nal_units, AnnexBSplitter};
use libfuzzer_sys::fuzz_target;
use tokio_util::codec::Decoder;

const MAX: usize = 8192;

fn split(chunks: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut s = AnnexBSplitter::new(MAX);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        while let Ok(Some(au)) = s.decode(&mut buf) {
            assert!(au.len() <= MAX);
            let _ = (is_idr_access_unit(&au), has_parameter_sets(&au), nal_units(&au).count());
            out.push(au.to_vec());
        }
    }
    while let Ok(Some(au)) = s.decode_eof(&mut buf) {
        out.push(au.to_vec());
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((&cut, data)) = data.split_first() else { return };
    let cut = (cut as usize * 37).min(data.len());
    let whole = split(&[data]);
    if data.len() <= MAX {
        assert_eq!(whole, split(&[&data[..cut], &data[cut..]]), "read boundaries changed the units");
    }
});
