//! Frames into pictures a person can look at: what `--display` draws and what
//! `--http` serves has to be a picture, not just bytes.
//!
//! A JPEG stands alone, so a viewer decodes just the newest one and skips
//! the rest ([`PictureDecoder`]). H.264 cannot be skipped that way (a frame
//! refers to the ones before it): one decoding stage fed every frame
//! (`h264_pictures`, resyncing at keyframes when behind) publishes pictures
//! that the window draws and the web view encodes to JPEG once for all
//! viewers ([`JpegEncoder`]).

use anyhow::{anyhow, bail, Context, Result};
pub use camwire_codec::JpegEncoder;
use camwire_wire::PayloadKind;
use turbojpeg::{Decompressor, Image, PixelFormat};

use super::PixelLimit;
use crate::frame::Frame;

/// A decoded picture: packed 8-bit RGB, row after row, no padding.
#[derive(Debug, Clone, Default)]
pub struct Picture {
    /// Columns.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width * height * 3` bytes.
    pub rgb: Vec<u8>,
}

/// Decodes frames to [`Picture`]s, reusing its buffers.
pub struct PictureDecoder {
    jpeg: Decompressor,
    limit: PixelLimit,
}

impl PictureDecoder {
    /// A decoder ready for JPEG (H.264 pictures come from the stream's decoding stage).
    pub fn new(limit: PixelLimit) -> Result<Self> {
        let mut jpeg = Decompressor::new().context("starting the JPEG decoder")?;
        jpeg.set_scan_limit(crate::decode::MAX_SCANS).context("setting the JPEG scan limit")?;
        Ok(Self { jpeg, limit })
    }

    /// Decodes `frame` into `out` (its buffer is reused).
    pub fn decode(&mut self, frame: &Frame, out: &mut Picture) -> Result<()> {
        match frame.kind {
            PayloadKind::Jpeg => self.decode_jpeg(&frame.data, out),
            PayloadKind::H264 => bail!("an H.264 frame cannot be decoded on its own"),
            other => bail!("{other} payloads cannot be shown"),
        }
    }

    /// Decodes the JPEG `data` into `out` (its buffer is reused).
    pub fn decode_jpeg(&mut self, data: &[u8], out: &mut Picture) -> Result<()> {
        let header = self.jpeg.read_header(data).map_err(|e| anyhow!("jpeg header: {e}"))?;
        let (width, height) = (header.width, header.height);
        self.limit.check("jpeg", width, height).map_err(|e| anyhow!(e))?;
        crate::decode::fit(&mut out.rgb, width * height * 3);
        let image = Image { pixels: &mut out.rgb[..], width, pitch: width * 3, height, format: PixelFormat::RGB };
        self.jpeg.decompress(data, image).map_err(|e| anyhow!("jpeg decode: {e}"))?;
        (out.width, out.height) = (width, height);
        Ok(())
    }
}

/// The quality the web view re-encodes decoded pictures at.
pub const WEB_JPEG_QUALITY: u8 = 80;

impl Picture {
    /// The JPEG of this picture, from `encoder` (the one JPEG set-up both binaries use).
    pub fn to_jpeg(&self, encoder: &mut JpegEncoder) -> Result<Vec<u8>> {
        encoder.encode_rgb(self.width, self.height, &self.rgb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_pictures_decode_to_the_same_size_and_colour() {
        let picture = Picture { width: 64, height: 48, rgb: [200u8, 40, 40].repeat(64 * 48) };
        let jpeg = picture.to_jpeg(&mut JpegEncoder::new(WEB_JPEG_QUALITY).unwrap()).unwrap();
        let mut out = Picture::default();
        PictureDecoder::new(PixelLimit::default()).unwrap().decode_jpeg(&jpeg, &mut out).unwrap();
        assert_eq!((out.width, out.height), (64, 48));
        let worst = out.rgb.iter().zip(&picture.rgb).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        assert!(worst <= 4, "a flat colour comes back within 4 levels, not {worst}");
    }
}
