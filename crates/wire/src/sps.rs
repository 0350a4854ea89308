//! The few facts of an H.264 sequence parameter set a receiver needs before
//! (or without) decoding: profile, chroma format and picture size.

use crate::annexb::{nal_units, NalType, RbspBits};

/// What an SPS says about the pictures that follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sps {
    /// `profile_idc`: 66 baseline, 77 main, 100 high, 244 high 4:4:4, ...
    pub profile_idc: u8,
    /// 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4.
    pub chroma_format_idc: u32,
    /// Width in pixels after cropping.
    pub width: u32,
    /// Height in pixels after cropping.
    pub height: u32,
}

impl Sps {
    /// The first SPS in an access unit, if it has one that parses.
    pub fn find(access_unit: &[u8]) -> Option<Self> {
        nal_units(access_unit).filter(|n| NalType::of(n) == Some(NalType::Sps)).find_map(Self::parse)
    }

    /// Parses an SPS NAL unit (header byte first).
    pub fn parse(nal: &[u8]) -> Option<Self> {
        if NalType::of(nal)? != NalType::Sps {
            return None;
        }
        let mut r = RbspBits::new(nal.get(1..)?);
        let profile_idc = r.bits(8)? as u8;
        r.bits(16)?; // constraint flags, level_idc
        r.ue()?; // seq_parameter_set_id
        let mut chroma_format_idc = 1;
        if matches!(profile_idc, 100 | 110 | 122 | 244 | 44 | 83 | 86 | 118 | 128 | 138 | 139 | 134 | 135) {
            chroma_format_idc = r.ue()?;
            if chroma_format_idc == 3 {
                r.bit()?; // separate_colour_plane_flag
            }
            r.ue()?; // bit_depth_luma_minus8
            r.ue()?; // bit_depth_chroma_minus8
            r.bit()?; // qpprime_y_zero_transform_bypass_flag
            if r.bit()? == 1 {
                let lists = if chroma_format_idc == 3 { 12 } else { 8 };
                for i in 0..lists {
                    if r.bit()? == 1 {
                        skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
                    }
                }
            }
        }
        r.ue()?; // log2_max_frame_num_minus4
        match r.ue()? {
            0 => {
                r.ue()?; // log2_max_pic_order_cnt_lsb_minus4
            }
            1 => {
                r.bit()?;
                se(&mut r)?;
                se(&mut r)?;
                for _ in 0..r.ue()?.min(255) {
                    se(&mut r)?;
                }
            }
            _ => {}
        }
        r.ue()?; // max_num_ref_frames
        r.bit()?; // gaps_in_frame_num_value_allowed_flag
        let width_mbs = r.ue()?.checked_add(1)?;
        let height_units = r.ue()?.checked_add(1)?;
        let frame_mbs_only = r.bit()?;
        if frame_mbs_only == 0 {
            r.bit()?; // mb_adaptive_frame_field_flag
        }
        r.bit()?; // direct_8x8_inference_flag
        let mut width = width_mbs.checked_mul(16)?;
        let mut height = height_units.checked_mul(16 * (2 - frame_mbs_only))?;
        if r.bit()? == 1 {
            let (l, rt, t, b) = (r.ue()?, r.ue()?, r.ue()?, r.ue()?);
            let (cx, cy) = match chroma_format_idc {
                1 => (2, 2 * (2 - frame_mbs_only)),
                2 => (2, 2 - frame_mbs_only),
                _ => (1, 2 - frame_mbs_only),
            };
            width = width.checked_sub(l.checked_add(rt)?.checked_mul(cx)?)?;
            height = height.checked_sub(t.checked_add(b)?.checked_mul(cy)?)?;
        }
        Some(Self { profile_idc, chroma_format_idc, width, height })
    }
}

/// A signed Exp-Golomb value, `se(v)`.
fn se(r: &mut RbspBits<'_>) -> Option<i64> {
    let k = i64::from(r.ue()?);
    Some(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) })
}

fn skip_scaling_list(r: &mut RbspBits<'_>, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i64, 8i64);
    for _ in 0..size {
        if next != 0 {
            next = (last + se(r)? + 256) % 256;
        }
        last = if next == 0 { last } else { next };
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_x264_and_openh264_sps() {
        // libx264 High 4:2:0 640x360 (cropped from 640x368).
        let high = [
            0x67, 0x64, 0x00, 0x1e, 0xac, 0xd9, 0x40, 0xa0, 0x2f, 0xf9, 0x70, 0x11, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00,
            0x00, 0x03, 0x00, 0x3c, 0x0f, 0x16, 0x2d, 0x96,
        ];
        let sps = Sps::parse(&high).unwrap();
        assert_eq!((sps.profile_idc, sps.chroma_format_idc, sps.width, sps.height), (100, 1, 640, 360));
        // libx264 High 4:4:4 Predictive 640x360, from an RGB source.
        let hi444 = [
            0x67, 0xf4, 0x00, 0x1e, 0x91, 0x96, 0x80, 0xa0, 0x2f, 0xf8, 0x9c, 0x04, 0x40, 0x00, 0x00, 0x03, 0x00, 0x40,
            0x00, 0x00, 0x0f, 0x23, 0xc5, 0x8b, 0xa8,
        ];
        let sps = Sps::parse(&hi444).unwrap();
        assert_eq!((sps.profile_idc, sps.chroma_format_idc, sps.width, sps.height), (244, 3, 640, 360));
    }

    #[test]
    fn huge_crop_offsets_are_refused_without_overflow() {
        // Found by the payload_headers fuzz target: crop offsets whose product
        // with the chroma unit overflows u32 (a panic in a debug build).
        let nal = [
            0x27, 0xff, 0xd8, 0xfa, 0x01, 0x00, 0x00, 0x04, 0xfa, 0x03, 0x25, 0x3b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
            0x04, 0xfa, 0x03, 0x03, 0x27, 0xba,
        ];
        let _ = Sps::parse(&nal);
        let _ = Sps::find(&nal);
    }
}
