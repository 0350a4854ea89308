//! Keeping an H.264 stream startable at every IDR: the parameter sets an
//! encoder or a writer sent once, put again in front of each IDR access unit
//! that comes without them.

use bytes::Bytes;

use crate::{nal_units, NalType};

/// The latest SPS and PPS of a stream, put in front of an IDR access unit
/// that comes without them, so every IDR is a place a decoder can start.
#[derive(Debug, Default, Clone)]
pub struct ParameterSets {
    sps: Option<Vec<u8>>,
    pps: Option<Vec<u8>>,
}

impl ParameterSets {
    /// Remembers the SPS and PPS of `au`. An IDR access unit missing either
    /// gets the remembered ones in front; `None` if there are none yet (a
    /// decoder could not start there).
    pub fn complete(&mut self, au: Bytes) -> Option<Bytes> {
        let (mut has_sps, mut has_pps, mut idr) = (false, false, false);
        for nal in nal_units(&au) {
            match NalType::of(nal) {
                Some(NalType::Sps) => (has_sps, self.sps) = (true, Some(nal.to_vec())),
                Some(NalType::Pps) => (has_pps, self.pps) = (true, Some(nal.to_vec())),
                Some(NalType::IdrSlice) => idr = true,
                _ => {}
            }
        }
        if !idr || (has_sps && has_pps) {
            return Some(au);
        }
        let (sps, pps) = (self.sps.as_ref()?, self.pps.as_ref()?);
        let mut out = Vec::with_capacity(au.len() + sps.len() + pps.len() + 8);
        for nal in [sps, pps] {
            out.extend_from_slice(&[0, 0, 0, 1]);
            out.extend_from_slice(nal);
        }
        out.extend_from_slice(&au);
        Some(Bytes::from(out))
    }
}
