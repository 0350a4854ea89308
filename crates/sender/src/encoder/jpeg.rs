//! JPEG through libjpeg-turbo, straight from the I420 planes (no RGB round trip).

use anyhow::{Context, Result};
use bytes::Bytes;
use turbojpeg::{Compressor, Subsamp, YuvPlanesImage};

use super::Encoder;
use crate::picture::YuvFrame;

/// Baseline 4:2:0 JPEG at a fixed quality.
pub struct JpegEncoder {
    compressor: Compressor,
}

impl std::fmt::Debug for JpegEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JpegEncoder").finish_non_exhaustive()
    }
}

impl JpegEncoder {
    /// An encoder at `quality` (1-100).
    pub fn new(quality: u8) -> Result<Self> {
        let mut compressor = Compressor::new().context("initialising libjpeg-turbo")?;
        compressor.set_quality(quality.into())?;
        compressor.set_subsamp(Subsamp::Sub2x2)?;
        Ok(Self { compressor })
    }
}

impl Encoder for JpegEncoder {
    fn encode(&mut self, p: &YuvFrame, _force_keyframe: bool) -> Result<(Bytes, bool)> {
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
        let jpeg = self.compressor.compress_yuv_planes_to_vec(&image).context("JPEG encoding")?;
        Ok((Bytes::from(jpeg), true))
    }
}
