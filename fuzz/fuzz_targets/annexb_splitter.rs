//! The Annex-B access-unit splitter on arbitrary bytes in two reads: no
//! panic, no unit over the limit, and the NAL helpers accept whatever it yields.
#![no_main]

mod common;

use camwire_wire::{has_parameter_sets, is_idr_access_unit, nal_units, AnnexBSplitter};
use common::MAX;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let check = |au: &bytes::Bytes| {
        assert!(au.len() <= MAX);
        let _ = (is_idr_access_unit(au), has_parameter_sets(au), nal_units(au).count());
    };
    common::same_in_one_read_or_two(data, || AnnexBSplitter::new(MAX), check, "units");
});
