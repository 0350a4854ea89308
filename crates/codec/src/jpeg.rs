//! JPEG through libjpeg-turbo: the one encoder set-up (baseline, 4:2:0, a
//! fixed quality) both binaries use. cam-send encodes camera pictures
//! straight from their I420 planes (no RGB round trip); cam-recv's web view
//! re-encodes decoded RGB pictures once for all viewers.

use anyhow::{Context, Result};
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp, YuvPlanesImage};

use crate::YuvFrame;

/// The largest width or height libjpeg-turbo encodes.
pub const MAX_SIDE: u32 = 65_500;

/// Baseline 4:2:0 JPEG at a fixed quality (as cameras and browsers do),
/// reusing libjpeg-turbo's state from one picture to the next.
#[derive(Debug)]
pub struct JpegEncoder {
    compressor: Compressor,
}

impl JpegEncoder {
    /// An encoder at `quality` (1-100).
    pub fn new(quality: u8) -> Result<Self> {
        let mut compressor = Compressor::new().context("initialising libjpeg-turbo")?;
        compressor.set_quality(quality.into()).context("setting the JPEG quality")?;
        compressor.set_subsamp(Subsamp::Sub2x2).context("setting JPEG chroma subsampling")?;
        Ok(Self { compressor })
    }

    /// Changes the quality (1-100) from the next picture on.
    pub fn set_quality(&mut self, quality: u8) -> Result<()> {
        self.compressor.set_quality(quality.clamp(1, 100).into()).context("setting the JPEG quality")
    }

    /// The JPEG of an I420 picture.
    pub fn encode_i420(&mut self, p: &YuvFrame) -> Result<Vec<u8>> {
        let (w, h) = (p.width as usize, p.height as usize);
        let image = YuvPlanesImage {
            y_plane: &p.y[..],
            u_plane: &p.u[..],
            v_plane: &p.v[..],
            width: w,
            height: h,
            y_stride: w,
            u_stride: w / 2,
            v_stride: w / 2,
            subsamp: Subsamp::Sub2x2,
        };
        self.compressor.compress_yuv_planes_to_vec(&image).with_context(|| format!("JPEG encoding of {w}x{h}"))
    }

    /// The JPEG of a packed RGB picture: `width * height * 3` bytes, rows top to bottom.
    pub fn encode_rgb(&mut self, width: usize, height: usize, rgb: &[u8]) -> Result<Vec<u8>> {
        let image = Image { pixels: rgb, width, pitch: width * 3, height, format: PixelFormat::RGB };
        self.compressor.compress_to_vec(image).with_context(|| format!("JPEG encoding of {width}x{height}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_i420_picture_and_an_rgb_picture_encode_to_4_2_0_jpegs_of_their_size() {
        let mut enc = JpegEncoder::new(80).unwrap();
        let from_yuv = enc.encode_i420(&YuvFrame::black(64, 48)).unwrap();
        let from_rgb = enc.encode_rgb(32, 16, &[200u8, 40, 40].repeat(32 * 16)).unwrap();
        for (jpeg, size) in [(from_yuv, (64, 48)), (from_rgb, (32, 16))] {
            let header = turbojpeg::read_header(&jpeg).unwrap();
            assert_eq!((header.width, header.height), size);
            assert_eq!(header.subsamp, Subsamp::Sub2x2);
        }
    }
}
