//! H.264 access units to pictures, through OpenH264 (bundled, built from
//! source), for `--verify`, the display and re-encoding to JPEG.
//!
//! Feed access units in stream order, each in Annex B with its start codes
//! (as the wire's `AnnexBSplitter` and `cam-send --codec h264` deliver them).
//! The stream must start on an IDR access unit with SPS and PPS; until then
//! nothing can be decoded and [`H264Decoder::decode`] reports an error.

use anyhow::{bail, Context, Result};
use openh264::{
    decoder::{DecodedYUV, Decoder, DecoderConfig, Flush},
    formats::YUVSource,
    OpenH264API,
};
use yuvutils_rs::{yuv420_to_rgb, YuvPlanarImage, YuvRange, YuvStandardMatrix};

use camwire_wire::Sps;

use super::{picture::Picture, PixelLimit};

/// Why a stream with this SPS cannot be decoded here at all, or `None`:
/// pictures over the `--max-pixels` budget, or chroma other than 4:2:0
/// (OpenH264 decodes 4:2:0 only). `what` names the stream in the line
/// (`h264`, `this H.264 stream`). The one check `--verify` and the viewers share.
pub fn undecodable(what: &str, sps: &Sps, limit: PixelLimit) -> Option<String> {
    if let Err(why) = limit.check(what, sps.width as usize, sps.height as usize) {
        return Some(why);
    }
    if sps.chroma_format_idc == 1 {
        return None;
    }
    let chroma = ["4:0:0", "4:2:0", "4:2:2", "4:4:4"].get(sps.chroma_format_idc as usize).unwrap_or(&"?");
    Some(format!(
        "{what} has {chroma} chroma (profile_idc {}), which cannot be decoded here (only 4:2:0); \
         have the encoder send 4:2:0 (ffmpeg: -pix_fmt yuv420p)",
        sps.profile_idc
    ))
}

/// A stateful H.264 decoder: one per stream.
pub struct H264Decoder {
    decoder: Decoder,
}

impl std::fmt::Debug for H264Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("H264Decoder").finish_non_exhaustive()
    }
}

impl H264Decoder {
    /// A decoder waiting for its first IDR access unit.
    pub fn new() -> Result<Self> {
        // No flush after each access unit: with B-frames a picture comes out
        // when reordering allows, some access units later (a flush would force
        // it out early, in the wrong order). Baseline streams have no
        // reordering, so each of their access units gives its picture at once.
        let config = DecoderConfig::new().flush_after_decode(Flush::NoFlush);
        let decoder = Decoder::with_api_config(OpenH264API::from_source(), config)
            .context("initialising the OpenH264 decoder")?;
        Ok(Self { decoder })
    }

    /// Decodes one access unit and converts its picture to RGB. `None` when
    /// the unit holds no picture (parameter sets only) or the decoder holds
    /// it back.
    pub fn decode(&mut self, access_unit: &[u8]) -> Result<Option<Picture>> {
        let Some(yuv) = self.decode_yuv(access_unit)? else {
            return Ok(None);
        };
        let (w, h) = yuv.dimensions();
        let (y_stride, u_stride, v_stride) = yuv.strides();
        let planes = YuvPlanarImage {
            y_plane: yuv.y(),
            y_stride: y_stride as u32,
            u_plane: yuv.u(),
            u_stride: u_stride as u32,
            v_plane: yuv.v(),
            v_stride: v_stride as u32,
            width: w as u32,
            height: h as u32,
        };
        let mut rgb = vec![0; w * h * 3];
        // H.264 from cameras and encoders is limited-range BT.601 unless its VUI says otherwise.
        yuv420_to_rgb(&planes, &mut rgb, w as u32 * 3, YuvRange::Limited, YuvStandardMatrix::Bt601)
            .map_err(|e| anyhow::anyhow!("converting a {w}x{h} picture to RGB: {e}"))?;
        Ok(Some(Picture { width: w, height: h, rgb }))
    }

    /// Decodes one access unit without converting it: the picture's width and
    /// height, or `None` as for [`H264Decoder::decode`]. For verifying a stream.
    pub fn decode_only(&mut self, access_unit: &[u8]) -> Result<Option<(u32, u32)>> {
        Ok(self.decode_yuv(access_unit)?.map(|yuv| {
            let (w, h) = yuv.dimensions();
            (w as u32, h as u32)
        }))
    }

    fn decode_yuv(&mut self, access_unit: &[u8]) -> Result<Option<DecodedYUV<'_>>> {
        if access_unit.is_empty() {
            bail!("an empty H.264 access unit");
        }
        let len = access_unit.len();
        self.decoder
            .decode(access_unit)
            .map_err(|e| anyhow::anyhow!("{e}"))
            .with_context(|| format!("decoding an H.264 access unit of {len} bytes"))
    }
}

#[cfg(test)]
mod tests {
    use camwire_wire::{is_idr_access_unit, AnnexBSplitter};

    use super::*;

    /// Encodes `n` moving grey-ramp pictures at `w`x`h` with OpenH264, one
    /// access unit each, an IDR every `gop`.
    fn stream(w: usize, h: usize, n: usize, gop: u32) -> Vec<Vec<u8>> {
        use openh264::{
            encoder::{Encoder, EncoderConfig, IntraFramePeriod},
            formats::YUVBuffer,
        };
        let config = EncoderConfig::new().skip_frames(false).intra_frame_period(IntraFramePeriod::from_num_frames(gop));
        let mut enc = Encoder::with_api_config(OpenH264API::from_source(), config).unwrap();
        (0..n)
            .map(|i| {
                let mut yuv = vec![128u8; w * h * 3 / 2];
                for (j, px) in yuv[..w * h].iter_mut().enumerate() {
                    *px = ((j % w + i * 4) % 220 + 16) as u8;
                }
                enc.encode(&YUVBuffer::from_vec(yuv, w, h)).unwrap().to_vec()
            })
            .collect()
    }

    #[test]
    fn decodes_every_access_unit_to_rgb() {
        let mut dec = H264Decoder::new().unwrap();
        for au in stream(64, 48, 12, 5) {
            let pic = dec.decode(&au).unwrap().expect("a picture per access unit");
            assert_eq!((pic.width, pic.height), (64, 48));
            assert_eq!(pic.rgb.len(), 64 * 48 * 3);
        }
    }

    #[test]
    fn decode_only_reports_dimensions() {
        let mut dec = H264Decoder::new().unwrap();
        let sizes: Vec<_> = stream(160, 96, 4, 30).iter().map(|au| dec.decode_only(au).unwrap()).collect();
        assert_eq!(sizes, vec![Some((160, 96)); 4]);
    }

    #[test]
    fn access_units_cut_by_the_wire_splitter_decode() {
        let bytes = stream(64, 48, 6, 3).concat();
        let units = AnnexBSplitter::split_all(&bytes).unwrap();
        assert_eq!(units.len(), 6);
        let mut dec = H264Decoder::new().unwrap();
        for au in &units {
            assert!(dec.decode_only(au).unwrap().is_some());
        }
    }

    #[test]
    fn a_stream_joined_after_its_idr_is_not_decoded() {
        let units = stream(64, 48, 3, 30);
        assert!(is_idr_access_unit(&units[0]) && !is_idr_access_unit(&units[1]));
        let mut dec = H264Decoder::new().unwrap();
        assert!(!matches!(dec.decode_only(&units[1]), Ok(Some(_))));
        // It recovers on the next IDR.
        assert_eq!(dec.decode_only(&units[0]).unwrap(), Some((64, 48)));
    }
}
