//! H.264 as MP4 and Matroska hold it (the AVC form): the parameter sets
//! and picture size a container header needs, and samples with length
//! prefixes instead of start codes.

use camwire_wire::{nal_units, NalType, Sps};

/// The longest SPS or PPS taken (a real one is a few dozen bytes). The
/// containers give each a 16-bit length; anything near that is an attack.
pub(crate) const MAX_PARAMETER_SET: usize = 1024;

/// The SPS and PPS of an H.264 access unit and the picture size.
pub(crate) struct H264Config {
    pub sps: Vec<u8>,
    pub pps: Vec<u8>,
    pub width: u16,
    pub height: u16,
}

impl H264Config {
    /// From a keyframe with its parameter sets in front, as camwire senders send them.
    pub(crate) fn from_keyframe(au: &[u8]) -> Result<Self, String> {
        let find = |t| nal_units(au).find(|n| NalType::of(n) == Some(t)).map(<[u8]>::to_vec);
        let (Some(sps), Some(pps)) = (find(NalType::Sps), find(NalType::Pps)) else {
            return Err("the first H.264 keyframe has no SPS and PPS in front".into());
        };
        for (name, set) in [("SPS", &sps), ("PPS", &pps)] {
            if set.len() > MAX_PARAMETER_SET {
                return Err(format!(
                    "the H.264 {name} is {} bytes, more than the {MAX_PARAMETER_SET} a parameter set may have",
                    set.len()
                ));
            }
        }
        let size = Sps::parse(&sps).filter(|_| sps.len() >= 4).ok_or("the H.264 SPS does not parse")?;
        let fit =
            |v: u32| u16::try_from(v).map_err(|_| format!("a {}x{} picture is too large", size.width, size.height));
        Ok(Self { width: fit(size.width)?, height: fit(size.height)?, sps, pps })
    }

    /// The `AVCDecoderConfigurationRecord` (the body of MP4's `avcC`, Matroska's CodecPrivate).
    /// The parameter sets' 16-bit lengths hold: [`Self::from_keyframe`] refuses longer ones.
    pub(crate) fn avcc_record(&self) -> Vec<u8> {
        // Version 1, profile, compatibility, level, 4-byte lengths, one SPS, one PPS.
        let mut out = vec![1, self.sps[1], self.sps[2], self.sps[3], 0xFF, 0xE1];
        out.extend_from_slice(&(self.sps.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.sps);
        out.push(1);
        out.extend_from_slice(&(self.pps.len() as u16).to_be_bytes());
        out.extend_from_slice(&self.pps);
        out
    }
}

/// An Annex-B access unit as MP4/Matroska samples hold it: each NAL unit with
/// a 4-byte big-endian length in front instead of a start code.
pub(crate) fn length_prefixed(au: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(au.len() + 16);
    for nal in nal_units(au) {
        out.extend_from_slice(&(nal.len() as u32).to_be_bytes());
        out.extend_from_slice(nal);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_prefixes_replace_start_codes() {
        let au = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x65, 9];
        assert_eq!(length_prefixed(&au), [0, 0, 0, 3, 0x67, 1, 2, 0, 0, 0, 2, 0x65, 9]);
    }
}
